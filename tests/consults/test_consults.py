"""Consults: the advice reaches the nurse's visit, its handover (link and page) and the FHIR Bundle; the physician
role sees only the clients of the consults she is asked for, every read audited; 403 everywhere else."""
import uuid

from sqlmodel import select

from backend.audit.models import AuditEvent
from tests.consults.conftest import QUESTION, make_physician
from tests.factories import make_user
from tests.visits.conftest import As, held_call, validate_bundle
from tests.visits.test_handovers import SBAR

ADVICE = "Geef 2,5 mg morfine s.c., herhaal na 4 uur zo nodig. Bel terug als de ademhaling verandert."


def ask(world, question=QUESTION):
    response = world["nurse_api"].post(f"/api/visits/{world['visit']['id']}/consults", json={"question": question})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def advised(app, world):
    consult = ask(world)
    physician = As(app.test_client(), world["first"])
    assert physician.post(f"/api/consults/{consult['id']}/acknowledge").status_code == 200
    response = physician.post(f"/api/consults/{consult['id']}/advice", json={"advice": ADVICE})
    assert response.status_code == 200, response.get_json()
    return consult, physician


def audits(session, action):
    session.commit()
    return session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_the_advice_shows_in_the_visit_the_handover_and_the_fhir_bundle(app, session, world):
    consult, _ = advised(app, world)
    nurse = world["nurse_api"]
    visit = nurse.get(f"/api/visits/{world['visit']['id']}").get_json()
    assert [(c["id"], c["status"], c["question"], c["advice"], c["physician_name"]) for c in visit["consults"]] == [
        (consult["id"], "advised", QUESTION, ADVICE, "Dr. Hendriks")]
    assert visit["consults"][0]["status_label"] == "Advies gegeven"

    # The phone's sync brings it too (the advice touched the visit).
    pulled = nurse.get("/api/sync/pull").get_json()
    assert [c["advice"] for v in pulled["visits"] for c in v["consults"]] == [ADVICE]

    handover = nurse.post("/api/handovers", json={"visit_id": world["visit"]["id"], **SBAR}).get_json()
    bundle = nurse.get(f"/api/handovers/{handover['id']}/fhir").get_json()
    validate_bundle(bundle)
    sections = {s["title"]: s for s in bundle["entry"][0]["resource"]["section"]}
    consult_note = sections["Overleg met de arts"]
    assert consult_note["code"]["coding"][0]["code"] == "11488-4"
    assert ADVICE in consult_note["text"]["div"] and "Dr. Hendriks" in consult_note["text"]["div"]

    shared = app.test_client().get(f"/api/shared/handovers/{handover['share_token']}").get_json()
    assert len(shared["consult_advice"]) == 1 and ADVICE in shared["consult_advice"][0]
    # Staff of the team reading the handover see the same advice as its recipient.
    staff = nurse.get(f"/api/handovers/{handover['id']}").get_json()
    assert staff["consult_advice"] == shared["consult_advice"]
    page = app.test_client().get(f"/overdracht/{handover['share_token']}").get_data(as_text=True)
    assert "Overleg met de arts" in page and "2,5 mg morfine" in page


def test_a_visit_without_consults_has_no_consult_section(app, session, world):
    nurse = world["nurse_api"]
    assert nurse.get(f"/api/visits/{world['visit']['id']}").get_json()["consults"] == []
    handover = nurse.post("/api/handovers", json={"visit_id": world["visit"]["id"], **SBAR}).get_json()
    bundle = nurse.get(f"/api/handovers/{handover['id']}/fhir").get_json()
    assert "Overleg met de arts" not in {s["title"] for s in bundle["entry"][0]["resource"]["section"]}
    assert nurse.get(f"/api/handovers/{handover['id']}").get_json()["consult_advice"] == []


def test_the_physician_sees_the_client_of_her_consult_audited(app, session, world):
    consult = ask(world)
    physician = As(app.test_client(), world["first"])
    listed = physician.get("/api/consults")
    assert listed.status_code == 200
    [item] = listed.get_json()
    assert item["client"]["name"] == "Mevrouw Jansen" and item["nurse_phone"] == "+31 6 1234 5678"
    assert item["latest_vitals"]["news2"]["score"] >= 1 and item["wishes"]["resuscitation"] == "no"
    assert item["complaint"] == "Pijn bij palliatieve cliënt."
    assert "bsn" not in item["client"]
    assert [(a.user_id, a.client_id) for a in audits(session, "consult.list")] == [
        (world["first"].id, world["client"].id)]
    one = physician.get(f"/api/consults/{consult['id']}")
    assert one.status_code == 200
    assert [(a.user_id, a.client_id) for a in audits(session, "consult.read")] == [
        (world["first"].id, world["client"].id)]
    assert physician.get("/api/consults?status=advised").get_json() == []


def test_the_physician_is_refused_everything_else_and_refusals_are_audited(app, session, world):
    consult = ask(world)
    # A second consult, of another nurse's visit, that only the fact team's physician is asked about.
    other_nurse = make_user(session, role="nurse", team="fact")
    call = held_call(session, other_nurse, status="on_site")
    other_api = As(app.test_client(), other_nurse)
    visit = other_api.post("/api/visits", json={"id": str(uuid.uuid4()), "call_id": call.id}).get_json()
    other = other_api.post(f"/api/visits/{visit['id']}/consults", json={"question": "Delier?"}).get_json()
    assert other["physician_id"] is None  # nobody on the fact team's roster

    stranger = make_physician(session, name="Niet gevraagd")
    physician = As(app.test_client(), world["first"])
    for api, path in ((physician, f"/api/consults/{other['id']}"), (stranger, f"/api/consults/{consult['id']}")):
        api = api if isinstance(api, As) else As(app.test_client(), api)
        assert api.get(path).status_code == 403
    assert As(app.test_client(), stranger).get("/api/consults").get_json() == []
    assert [(a.user_id, a.client_id, a.outcome) for a in audits(session, "consult.read")] == [
        (world["first"].id, call.client_id, "denied"), (stranger.id, world["client"].id, "denied")]

    # Least privilege: no calls, clients, visits, handovers, board or beds for the physician.
    for path in ("/api/calls", f"/api/calls/{world['call'].id}", f"/api/clients/{world['client'].id}",
                 f"/api/visits/{world['visit']['id']}", f"/api/visits?call_id={world['call'].id}",
                 "/api/capacity", "/api/sync/pull"):
        assert physician.get(path).status_code == 403, path
    # Only the asked physician acknowledges or advises; nurses and the team lead don't.
    for user in (stranger, world["nurse"], world["lead"]):
        api = As(app.test_client(), user)
        assert api.post(f"/api/consults/{consult['id']}/acknowledge").status_code == 403
        assert api.post(f"/api/consults/{consult['id']}/advice", json={"advice": "x"}).status_code == 403


def test_only_the_visits_nurse_asks_and_the_team_reads(app, session, world):
    colleague = As(app.test_client(), make_user(session, role="nurse"))
    path = f"/api/visits/{world['visit']['id']}/consults"
    assert colleague.post(path, json={"question": QUESTION}).status_code == 403
    outsider = As(app.test_client(), make_user(session, role="nurse", team="fact"))
    assert outsider.post(path, json={"question": QUESTION}).status_code == 403
    consult = ask(world)
    lead = As(app.test_client(), world["lead"])
    assert [c["id"] for c in lead.get("/api/consults?status=requested").get_json()] == [consult["id"]]
    assert lead.get(f"/api/consults/{consult['id']}").status_code == 200
    assert outsider.get("/api/consults").get_json() == []
    assert outsider.get(f"/api/consults/{consult['id']}").status_code == 403
    bad = world["nurse_api"].post(f"/api/visits/{world['visit']['id']}/consults", json={"question": ""})
    assert bad.status_code == 422 and "question" in bad.get_json()["message"]


def test_a_replayed_request_makes_one_consult(app, session, world):
    path = f"/api/visits/{world['visit']['id']}/consults"
    first = world["nurse_api"].post(path, json={"question": QUESTION}, key="consult-1")
    again = world["nurse_api"].post(path, json={"question": QUESTION}, key="consult-1")
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert len(world["nurse_api"].get("/api/consults").get_json()) == 1


def test_physician_accounts_need_a_profession(app, session):
    admin = As(app.test_client(), make_user(session, role="admin"))
    base = {"password": "lang-genoeg-123", "name": "Dr. Test", "team": "acute"}
    assert admin.post("/api/users", json={**base, "username": "dr.a", "role": "physician"}).status_code == 422
    made = admin.post("/api/users", json={**base, "username": "dr.b", "role": "physician", "profession": "so",
                                          "phone": "+31 570 600 999"})
    assert made.status_code == 201 and made.get_json()["profession"] == "so"
    assert admin.post("/api/users", json={**base, "username": "dr.c", "role": "nurse", "profession": "so"}
                      ).status_code == 422
    assert admin.post("/api/users", json={**base, "username": "dr.d", "role": "physician", "profession": "arts"}
                      ).status_code == 422
