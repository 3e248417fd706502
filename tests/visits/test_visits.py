"""Visits through the API: opening, vitals, edits with versions, idempotent replays, completion."""
import uuid

import pytest
from sqlmodel import func, select

from backend import idempotency
from backend.audit.models import AuditEvent
from backend.dispatch.models import Call
from backend.identity.models import User
from backend.idempotency import IdempotencyKey
from backend.visits.models import Visit, VisitNote, VitalSigns
from backend.vocab import OUTCOMES
from tests.factories import make_user
from tests.visits.conftest import VITALS, As, held_call, open_visit


def count(session, model):
    session.commit()  # end the read transaction, see what requests wrote
    return session.scalar(select(func.count()).select_from(model))


def test_opening_a_visit_moves_the_call_on_site_and_shows_the_wishes(client, session, nurse, call):
    api = As(client, nurse)
    visit = open_visit(api, call)
    assert visit["call_id"] == call.id and visit["version"] == 1 and visit["status"] == "open"
    assert visit["arrived_at"] == "2026-11-25T02:00:00+00:00"
    assert visit["wishes"]["resuscitation"] == "unknown" and visit["wishes"]["recorded"] is False
    assert session.get(Call, call.id, populate_existing=True).status == "on_site"


def test_the_same_write_replayed_gives_the_same_answer_and_no_second_visit(client, session, nurse, call):
    api = As(client, nurse)
    body = {"id": str(uuid.uuid4()), "call_id": call.id}
    first = api.post("/api/visits", json=body, key="outbox-1")
    again = api.post("/api/visits", json=body, key="outbox-1")
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert count(session, Visit) == 1
    assert count(session, IdempotencyKey) == 1
    replay = session.exec(select(AuditEvent).where(AuditEvent.action == "write.replay")).one()
    assert replay.client_id == call.client_id and replay.user_id == nurse.id  # the answer shows client data
    # The same key for a different request is refused, and writes nothing.
    reused = api.post("/api/visits", json={**body, "arrived_at": "2026-11-25T01:59:00+00:00"}, key="outbox-1")
    assert reused.status_code == 422
    assert count(session, Visit) == 1


def test_replayed_vitals_are_stored_once(client, session, nurse, call):
    api = As(client, nurse)
    visit = open_visit(api, call)
    body = {"id": str(uuid.uuid4()), **VITALS}
    answers = [api.post(f"/api/visits/{visit['id']}/vitals", json=body, key="vitals-1") for _ in range(3)]
    assert {a.status_code for a in answers} == {201}
    assert len({a.get_data() for a in answers}) == 1
    assert count(session, VitalSigns) == 1


def test_writes_from_the_phone_need_an_idempotency_key(client, session, nurse, call):
    api = As(client, nurse)
    response = api.post("/api/visits", json={"call_id": call.id}, key=False)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.get_json()["message"]
    assert count(session, Visit) == 0


def test_vitals_get_news2_and_its_band(client, session, nurse, call):
    api = As(client, nurse)
    visit = open_visit(api, call)
    septic = {**VITALS, "resp_rate": 22, "spo2": 95, "on_oxygen": True, "systolic_bp": 105, "heart_rate": 105,
              "temperature": 38.5, "glucose": 8.4, "pain": 5}
    response = api.post(f"/api/visits/{visit['id']}/vitals", json=septic)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["news2"] == {"score": 8, "band": "high", "band_label": "Hoog"}
    later = {**VITALS, "consciousness": "C", "measured_at": "2026-11-25T02:01:00+00:00"}
    red = api.post(f"/api/visits/{visit['id']}/vitals", json=later).get_json()
    assert red["news2"]["band"] == "low_medium"
    shown = api.get(f"/api/visits/{visit['id']}").get_json()
    assert [v["news2"]["score"] for v in shown["vitals"]] == [8, 3]  # appended, both kept
    assert shown["latest_news2"]["band"] == "low_medium"


@pytest.mark.parametrize("changes", [
    {"spo2": 9}, {"temperature": 375}, {"heart_rate": 1200}, {"systolic_bp": 20}, {"pain": 11},
    {"glucose": 0.0}, {"consciousness": "X"}, {"resp_rate": None}, {"measured_at": "2026-11-25T05:00:00+00:00"},
    {"heart_rate": "snel"}, {"unknown_field": 1},
])
def test_implausible_vitals_are_refused_and_nothing_is_written(client, session, nurse, call, changes):
    api = As(client, nurse)
    visit = open_visit(api, call)
    body = {k: v for k, v in {**VITALS, **changes}.items() if v is not None}
    response = api.post(f"/api/visits/{visit['id']}/vitals", json=body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"]
    assert count(session, VitalSigns) == 0
    assert count(session, IdempotencyKey) == 1  # only the visit's


def test_an_edit_raises_the_version_and_a_stale_one_gets_409_with_the_server_copy(client, session, nurse, call):
    api = As(client, nurse)
    visit = open_visit(api, call)
    edit = {"version": 1, "actions": [{"category": "catheter", "action": "Katheter gespoeld"}],
            "medication": [{"name": "Paracetamol", "change": "given", "dose": "1000 mg"}],
            "client_informed": True, "mantelzorger_informed": False}
    response = api.patch(f"/api/visits/{visit['id']}", json=edit)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["version"] == 2
    stale = api.patch(f"/api/visits/{visit['id']}", json={"version": 1, "actions_note": "Van de telefoon, offline"})
    assert stale.status_code == 409
    current = stale.get_json()["current"]
    assert current["version"] == 2 and current["actions"][0]["action"] == "Katheter gespoeld"
    assert current["actions_note"] is None
    session.commit()
    assert session.get(Visit, visit["id"], populate_existing=True).actions_note is None


@pytest.mark.parametrize("body", [
    {"version": 1, "actions": [{"category": "toveren", "action": "x"}]},
    {"version": 1, "medication": [{"name": "X", "change": "doubled"}]},
    {"version": 1, "departed_at": "2026-11-25T01:00:00+00:00"},  # before arrival
    {"actions_note": "no version"},
    {"version": 1, "outcome": "seh"},  # the outcome is set by completing
])
def test_bad_edits_are_refused(client, session, nurse, call, body):
    api = As(client, nurse)
    visit = open_visit(api, call)
    response = api.patch(f"/api/visits/{visit['id']}", json=body)
    assert response.status_code == 422, response.get_json()
    session.commit()
    assert session.get(Visit, visit["id"], populate_existing=True).version == 1


def test_notes_are_appended(client, session, nurse, call, clock):
    api = As(client, nurse)
    visit = open_visit(api, call)
    for text in ("Cliënt rustig.", "Dochter gebeld."):
        clock.advance(minutes=3)
        assert api.post(f"/api/visits/{visit['id']}/notes", json={"text": text}).status_code == 201
    notes = api.get(f"/api/visits/{visit['id']}").get_json()["notes"]
    assert [n["text"] for n in notes] == ["Cliënt rustig.", "Dochter gebeld."]
    assert count(session, VisitNote) == 2


OUTCOME_BODIES = {
    "home_resolved": {},
    "follow_up_visit": {"follow_up_at": "2026-11-25T09:00:00+00:00"},
    "own_gp": {"referral_question": "Graag urine laten kweken."},
    "temporary_stay": {"outcome_detail": "elv", "referral_question": "Herstel na val; thuis niet veilig."},
    "seh": {"referral_question": "Heupfractuur uitsluiten."},
    "hospital_admission": {"referral_question": "Sepsis bij urineweginfectie?"},
    "regular_home_care": {},
    "deceased": {},
}


@pytest.mark.parametrize("outcome", list(OUTCOMES))
def test_every_outcome_completes_the_call_and_frees_the_nurse(client, session, nurse, call, outcome):
    api = As(client, nurse)
    visit = open_visit(api, call)
    response = api.post(f"/api/visits/{visit['id']}/complete", json={"outcome": outcome, **OUTCOME_BODIES[outcome]})
    assert response.status_code == 200, response.get_json()
    done = response.get_json()
    assert done["status"] == "completed" and done["outcome"] == outcome and done["version"] == 2
    session.commit()
    stored_call = session.get(Call, call.id, populate_existing=True)
    assert stored_call.status == "completed"
    assert OUTCOMES[outcome][0] in stored_call.closing_note
    if OUTCOME_BODIES[outcome].get("referral_question"):
        assert OUTCOME_BODIES[outcome]["referral_question"] in stored_call.closing_note
    assert session.get(User, nurse.id, populate_existing=True).availability == "available"
    events = api.get(f"/api/calls/{call.id}/events").get_json()
    assert events[-1]["type"] == "completed" and events[-1]["detail"]["outcome"] == outcome


@pytest.mark.parametrize("body,field", [
    ({"outcome": "temporary_stay", "referral_question": "x"}, "outcome_detail"),
    ({"outcome": "temporary_stay", "outcome_detail": "hotel", "referral_question": "x"}, "outcome_detail"),
    ({"outcome": "seh"}, "referral_question"),
    ({"outcome": "home_resolved", "outcome_detail": "elv"}, "outcome_detail"),
    ({"outcome": "lost"}, "outcome"),
])
def test_incomplete_outcomes_are_refused_and_the_call_stays_open(client, session, nurse, call, body, field):
    api = As(client, nurse)
    visit = open_visit(api, call)
    response = api.post(f"/api/visits/{visit['id']}/complete", json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert field in errors.get("json", errors)  # schema errors come per location, rule errors per field
    session.commit()
    assert session.get(Call, call.id, populate_existing=True).status == "on_site"
    assert session.get(User, nurse.id, populate_existing=True).availability == "busy"


def test_the_hap_reads_the_closing_note(client, session, nurse):
    hap = make_user(session, role="hap")
    from tests.factories import make_call, actor
    from backend.dispatch import service as dispatch
    call = make_call(session, by=hap)
    dispatch.accept_call(session, actor=actor(nurse), call_id=call.id, now=call.created_at)
    api = As(client, nurse)
    visit = open_visit(api, call)
    api.post(f"/api/visits/{visit['id']}/complete", json={"outcome": "seh", "referral_question": "Fractuur?"})
    As(client, hap)
    shown = client.get(f"/api/calls/{call.id}").get_json()
    assert shown["status"] == "completed"
    assert shown["closing_note"] == "Uitkomst: Spoedeisende hulp (SEH). Vraagstelling: Fractuur?"


def test_only_the_visits_nurse_writes_and_other_teams_see_nothing(client, session, nurse, call):
    visit = open_visit(As(client, nurse), call)
    colleague = make_user(session, role="nurse")
    api = As(client, colleague)
    assert api.get(f"/api/visits/{visit['id']}").status_code == 200  # same team reads
    assert api.post(f"/api/visits/{visit['id']}/vitals", json=VITALS).status_code == 403
    stranger = make_user(session, role="nurse", team="fact")
    api = As(client, stranger)
    assert api.get(f"/api/visits/{visit['id']}").status_code == 403
    assert api.get(f"/api/visits?call_id={call.id}").get_json() == []
    assert api.get(f"/api/clients/{call.client_id}/wishes").status_code == 403
    session.commit()
    denied = session.exec(select(AuditEvent).where(AuditEvent.user_id == stranger.id,
                                                   AuditEvent.outcome == "denied")).all()
    assert {e.action for e in denied} == {"visit.read", "wishes.read"}
    assert all(e.client_id == call.client_id for e in denied)


def test_a_visit_needs_a_call_the_nurse_holds(client, session, nurse):
    other = make_user(session, role="nurse")
    call = held_call(session, other)
    api = As(client, nurse)
    assert api.post("/api/visits", json={"call_id": call.id}).status_code == 403
    assert api.post("/api/visits", json={"call_id": 999999}).status_code == 422
    assert api.post("/api/visits", json={"call_id": "een"}).status_code == 422
    assert count(session, Visit) == 0


def test_every_read_of_a_visit_is_audited(client, session, nurse, call):
    api = As(client, nurse)
    visit = open_visit(api, call)
    api.get(f"/api/visits/{visit['id']}")
    session.commit()
    actions = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.client_id == call.client_id))]
    assert "visit.create" in actions and "visit.read" in actions


def test_stored_answers_are_forgotten_after_the_replay_window(app, client, session, nurse, call, clock):
    open_visit(As(client, nurse), call)
    clock.advance(days=6)
    idempotency.purge(session, now=clock.now())
    assert count(session, IdempotencyKey) == 1
    clock.advance(days=1, minutes=1)
    idempotency.purge(session, now=clock.now())
    assert count(session, IdempotencyKey) == 0
    assert count(session, Visit) == 1
