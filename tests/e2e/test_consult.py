"""Overleg SO end to end: the nurse asks without signal (the outbox keeps it), the on-call physician takes it and
writes her advice on her phone, the nurse sees the advice on her visit screen — headless Chromium, real server."""
from datetime import timedelta

from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, PHONE, assert_accessible, login, screenshot, local_today
from tests.e2e.test_field_app import READ_DEVICE, arrive, nurse_phone, wait_all_sent

QUESTION = "Mevrouw is benauwd, NEWS2 5. Mag ik de morfine ophogen of moet ze naar de SEH?"
ADVICE = "Morfine 2,5 mg s.c. extra, over een uur opnieuw NEWS2 meten. Geen SEH: past niet bij haar wensen."


def physician_on_call(server):
    """An SO on today's on-call roster of the acute team, through the API as a team lead would enter it."""
    admin = server.api("admin")
    admin.post("/api/users", {"username": "lead.consult", "role": "team_lead", "name": "Teamleider Lies",
                              "team": "acute", "password": PASSWORD}, expect=201)
    physician = admin.post("/api/users", {"username": "dr.visser", "role": "physician", "profession": "so",
                                          "name": "Dr. Maud Visser", "team": "acute", "phone": "+31 570 600 123",
                                          "password": PASSWORD}, expect=201)
    nurse_id = server.api("nurse").user["id"]
    admin.call("PATCH", f"/api/users/{nurse_id}", json={"phone": "+31 6 2222 3333"})
    lead = server.api("lead.consult")
    lead.post("/api/roster/shift-types", {"code": "so_oncall", "name": "Bereikbaarheidsdienst SO",
                                          "start_time": "00:00", "end_time": "23:59", "role": "physician"}, expect=201)
    today = local_today()
    for day in (today, today + timedelta(days=1)):
        lead.post("/api/roster/assignments", {"nurse_id": physician["id"], "shift": "so_oncall",
                                              "day": day.isoformat()}, expect=201)
    return physician


def nurse_on_site(server, nurse):
    call = server.api("hap").post("/api/calls", {
        "client": {"name": "Mevrouw T. Kramer", "birth_date": "1931-04-12", "address": "Lange Nieuwstraat 8",
                   "postcode": "3512 PH", "city": "Utrecht", "lat": 52.087, "lon": 5.119},
        "team": "acute", "category": "palliative", "urgency": "U3",
        "complaint": "Palliatieve cliënt, toenemend benauwd.", "source": "hap",
    }, expect=201)
    arrive(server, nurse, call)
    return call


def test_nurse_asks_offline_physician_advises_on_her_phone_nurse_sees_it(server, new_page):
    server.require("/api/visits/{visit_id}/consults", "/api/consults", "/api/consults/{consult_id}/acknowledge",
                   "/api/consults/{consult_id}/advice")
    physician = physician_on_call(server)
    nurse = nurse_phone(new_page)
    call = nurse_on_site(server, nurse)

    # Vitals with signal, then the signal goes: the question waits in the outbox.
    nurse.get_by_label("Ademfrequentie (/min)").fill("24")
    nurse.get_by_label("Saturatie SpO₂ (%)").fill("93")
    nurse.get_by_label("Systolische bloeddruk (mmHg)").fill("118")
    nurse.get_by_label("Hartfrequentie (/min)").fill("96")
    nurse.get_by_label("Temperatuur (°C)").fill("37.2")
    nurse.get_by_role("button", name="Meting opslaan").click()
    wait_all_sent(nurse)
    nurse.context.set_offline(True)
    expect(nurse.get_by_test_id("net")).to_contain_text("Geen verbinding")
    nurse.get_by_role("button", name="Overleg SO").click()
    nurse.get_by_label("Je vraag aan de arts").fill(QUESTION)
    nurse.get_by_role("button", name="Vraag versturen").click()
    consult_card = nurse.get_by_test_id("consult")
    expect(consult_card).to_contain_text("wordt verstuurd zodra er verbinding is")
    expect(nurse.get_by_test_id("outbox-count")).to_contain_text("nog niet verstuurd")
    queued = [e for e in nurse.evaluate(READ_DEVICE)["outbox"] if e["kind"] == "consult"]
    assert [(e["method"], e["body"]) for e in queued] == [("POST", {"question": QUESTION})]
    screenshot(nurse, "consult-1-nurse-offline")
    assert server.api("coord").get("/api/consults") == []  # nothing reached the server yet

    # Signal again: the outbox sends it; the physician on call is asked.
    nurse.context.set_offline(False)
    wait_all_sent(nurse)
    expect(consult_card).to_contain_text("Gevraagd")
    [consult] = server.api("coord").get("/api/consults")
    assert consult["physician_id"] == physician["id"] and consult["question"] == QUESTION

    # The physician's phone: her consult with the summary; she takes it, can call back, and advises.
    doc = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    login(doc, "dr.visser")
    card = doc.get_by_test_id("consult-card")
    expect(card).to_contain_text("Mevrouw T. Kramer")
    expect(card).to_contain_text(QUESTION)
    expect(card.get_by_test_id("consult-vitals")).to_contain_text("NEWS2")
    expect(card).to_contain_text("Palliatieve cliënt, toenemend benauwd.")
    expect(card.get_by_test_id("call-nurse")).to_have_attribute("href", "tel:+31622223333")
    screenshot(doc, "consult-2-physician")
    card.get_by_role("button", name="Aannemen — ik bel terug").click()
    expect(card).to_contain_text("Arts belt terug")
    card.get_by_label("Je advies (komt in het bezoekverslag)").fill(ADVICE)
    assert_accessible(doc, "physician consults")
    card.get_by_role("button", name="Advies versturen").click()
    expect(card).to_contain_text("Advies gegeven")
    expect(card).to_contain_text(ADVICE)
    screenshot(doc, "consult-3-physician-advised")

    # The nurse sees the advice on her visit screen (she keeps looking while the question is open).
    advice = nurse.get_by_test_id("consult-advice")
    expect(advice).to_contain_text(ADVICE, timeout=30_000)
    expect(advice).to_contain_text("Dr. Maud Visser")
    screenshot(nurse, "consult-4-nurse-advice")
    assert_accessible(nurse, "nurse consult advice")
    server.api("coord").post(f"/api/calls/{call['id']}/cancel", {"reason": "Einde test"}, expect=(200, 409))
    assert not nurse.errors and not doc.errors
