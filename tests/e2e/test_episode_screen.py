"""Continuity in the browser: a follow-up visit shows as planned work, and the episode screen of a crisis."""
import uuid
from datetime import datetime, timedelta

from playwright.sync_api import expect

from tests.e2e.helpers import AMSTERDAM, PASSWORD, PHONE, assert_accessible, login, screenshot

GOAL = "Weer zelf naar de bakker kunnen lopen."


def _key() -> dict:
    return {"headers": {"Idempotency-Key": str(uuid.uuid4())}}


def test_planned_follow_up_and_the_episode_screen(server, new_page):
    admin = server.api("admin")
    for person in (dict(username="nurse-ep", role="nurse", name="Verpleegkundige Ilse", team="acute",
                        base_lat=52.09, base_lon=5.12, skills=["pg_crisis", "wound_care"]),
                   dict(username="lead-ep", role="team_lead", name="Teamleider Tom", team="acute")):
        admin.post("/api/users", {**person, "password": PASSWORD}, expect=201)
    hap, coord, nurse = server.api("hap"), server.api("coord"), server.api("nurse-ep")

    call = hap.post("/api/calls", {
        "team": "acute", "category": "pg_crisis", "urgency": "U3", "source": "hap",
        "complaint": "Mevrouw is sinds gisteren verward en onrustig, dochter houdt het niet meer vol.",
        "client": {"name": "Mevrouw A. Jansen", "birth_date": "1938-05-12", "address": "Oudegracht 12",
                   "postcode": "3511 AR", "city": "Utrecht", "lat": 52.0907, "lon": 5.1214}})
    contact = coord.post(f"/api/clients/{call['client_id']}/contacts", {
        "name": "Els Jansen", "relation": "dochter", "phone": "0612345678", "is_mantelzorger": True,
        "involvement": "first_contact"})
    nurse.post("/api/me/status", {"status": "available"})
    coord.post(f"/api/calls/{call['id']}/offer", {"nurse_id": nurse.user["id"]})
    nurse.post(f"/api/calls/{call['id']}/accept")
    visit = nurse.post("/api/visits", {"id": str(uuid.uuid4()), "call_id": call["id"]}, **_key())
    nurse.call("PATCH", f"/api/visits/{visit['id']}", json={
        "version": visit["version"], "actions": [{"category": "psychosocial", "action": "Rustgevend gesprek"}],
        "actions_note": "Delier bij vermoedelijke urineweginfectie; huisarts gebeld."})
    ediz = nurse.post(f"/api/visits/{visit['id']}/ediz",
                      {"contact_id": contact["id"], "answers": [4, 3, 3, 4, 2, 4, 1, 4, 3]}, **_key())
    assert (ediz["score"], ediz["high"]) == (8, True)
    # Tomorrow as the board (Europe/Amsterdam) counts days: between 23:00 and 24:00 UTC the UTC date is a day behind.
    tomorrow = (datetime.now(AMSTERDAM) + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    nurse.post(f"/api/visits/{visit['id']}/complete", {"outcome": "follow_up_visit",
                                                       "follow_up_at": tomorrow.isoformat(),
                                                       "referral_question": "Onrust en drinken controleren."},
               **_key())
    planned = [c for c in coord.get("/api/calls?status=planned") if c["previous_visit_id"] == visit["id"]]
    assert len(planned) == 1

    # The coordinator sees tomorrow's planned visit on the board and starts the episode from the call.
    page = new_page()
    login(page, "coord")
    plan = page.get_by_test_id("planned")
    expect(plan).to_contain_text("morgen")
    expect(plan).to_contain_text("Mevrouw A. Jansen")
    plan.get_by_role("button", name="morgen").first.click()
    detail = page.get_by_test_id("detail")
    expect(detail.get_by_test_id("planned-actions")).to_contain_text("Gepland voor")
    start = detail.get_by_test_id("start-episode")
    start.get_by_label("Casemanager").select_option(label="Verpleegkundige Ilse")
    start.get_by_label("Doelen van de cliënt").fill(f"{GOAL}\nMijn dochter hoeft niet elke nacht te komen.")
    start.get_by_role("button", name="Episode starten").click()

    screen = page.get_by_test_id("episode")
    expect(screen).to_contain_text("Episode: Mevrouw A. Jansen")
    expect(screen.get_by_test_id("episode-goals")).to_contain_text(GOAL)
    expect(screen.get_by_test_id("episode-signals")).to_contain_text("Els Jansen ervaart een hoge belasting")
    expect(screen.get_by_test_id("episode-plan")).to_contain_text("Onrust en drinken controleren")
    expect(screen.get_by_test_id("episode-visits")).to_contain_text("Rustgevend gesprek")
    expect(screen.get_by_test_id("ediz-trend")).to_contain_text("8/9")
    assert_accessible(page, "episode screen")
    screenshot(page, "episode")

    # The same screen on a phone (the case manager's), and the team's day view lists the planned visit.
    episode_id = coord.get(f"/api/episodes?client_id={call['client_id']}&status=active")[0]["id"]
    phone = new_page(viewport=PHONE)
    login(phone, "nurse-ep")
    expect(phone.get_by_test_id("planned")).to_contain_text("Mevrouw A. Jansen")
    lead = new_page()
    login(lead, "lead-ep")
    lead.get_by_role("button", name="Uitzetbord").click()
    lead.get_by_test_id("planned").get_by_role("button", name="morgen").first.click()
    lead.get_by_test_id("open-episode").click()
    expect(lead.get_by_test_id("episode")).to_contain_text(GOAL)
    assert episode_id

    # A new call in the episode: the offer card on her phone shows the goals and the last visit's summary.
    again = hap.post("/api/calls", {"client_id": call["client_id"], "team": "acute", "category": "pg_crisis",
                                    "urgency": "U3", "source": "hap", "complaint": "Weer onrustig vannacht."})
    coord.post(f"/api/calls/{again['id']}/offer", {"nurse_id": nurse.user["id"]})
    offer = phone.get_by_test_id("offer")
    expect(offer).to_be_visible(timeout=20_000)
    box = offer.get_by_test_id("episode-box")
    expect(box).to_contain_text(GOAL)
    expect(box).to_contain_text("Rustgevend gesprek")
    screenshot(phone, "nurse-offer-episode")
    offer.get_by_role("button", name="Accepteren").click()
    phone.get_by_role("button", name="Ik ben onderweg").click()
    phone.get_by_role("button", name="Ik ben ter plaatse").click()
    expect(phone.get_by_test_id("episode-box")).to_contain_text(GOAL)  # on the visit screen too

    # The mantelzorger's EDIZ on the visit: nine statements, sent through the outbox; the trend goes down.
    phone.get_by_role("tab", name="Mantelzorger").click()
    form = phone.get_by_test_id("ediz-form")
    expect(form).to_contain_text("Els Jansen")
    answers = ["Ja", "Nee", "Nee", "Min of meer", "Nee!", "Ja!", "Nee", "Nee", "Nee"]  # 3 points: Ja, Min of meer, Ja!
    for i, answer in enumerate(answers):
        form.locator("fieldset").nth(i).get_by_label(answer, exact=True).check()
    assert_accessible(phone, "EDIZ form")
    screenshot(phone, "nurse-ediz")
    form.get_by_role("button", name="EDIZ opslaan").click()
    expect(form).to_contain_text("EDIZ opgeslagen: 3/9")
    expect(phone.get_by_test_id("outbox-count")).to_have_text("Alles verstuurd", timeout=30_000)
    got = coord.get(f"/api/episodes/{episode_id}")
    assert [s["score"] for s in got["ediz"]["scores"]] == [8, 3] and got["ediz"]["trend"] == "down"
    assert got["signals"] == []
    assert not page.errors and not phone.errors and not lead.errors
