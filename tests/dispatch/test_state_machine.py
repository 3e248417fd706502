"""The call state machine through the API: a table of (from status, action) → expected code.

A legal step answers 200, writes one call event and one audit event and bumps the version; an illegal one
answers 409 (403 when the call belongs to another nurse) and changes nothing at all.
"""
from datetime import timedelta

import pytest
from sqlmodel import select

from backend import errors
from backend.dispatch import service as dispatch
from backend.dispatch.models import Call, CallEvent
from tests.factories import START, actor, assert_error, login, make_call, make_user, row_counts

STATUSES = ["open", "offered", "accepted", "en_route", "on_site", "completed", "cancelled"]
# action: (who acts, path, body)
ACTIONS = {
    "offer": ("coordinator", "offer", lambda p: {"nurse_id": p["bram"].id}),
    "accept": ("anna", "accept", None),
    "decline": ("anna", "decline", lambda p: {"reason": "Ik zit nog bij een cliënt"}),
    "en_route": ("anna", "status", lambda p: {"status": "en_route"}),
    "on_site": ("anna", "status", lambda p: {"status": "on_site"}),
    "cancel": ("coordinator", "cancel", lambda p: {"reason": "Huisarts gaat zelf"}),
    "triage": ("coordinator", "triage", lambda p: {"urgency": "U2", "reason": "Toch pijnlijker"}),
}
# expected code per from-status, in the order of ACTIONS; the call is offered to / held by anna
TABLE = {
    #             offer accept decline en_route on_site cancel triage
    "open":      (200,  200,   409,    409,     409,    200,   200),
    "offered":   (200,  200,   200,    409,     409,    200,   200),
    "accepted":  (409,  409,   409,    200,     409,    200,   200),
    "en_route":  (409,  409,   409,    409,     200,    200,   200),
    "on_site":   (409,  409,   409,    409,     409,    200,   200),
    "completed": (409,  409,   409,    409,     409,    409,   409),
    "cancelled": (409,  409,   409,    409,     409,    409,   409),
}
# status after a legal step
AFTER = {"offer": "offered", "accept": "accepted", "decline": "open", "en_route": "en_route",
         "on_site": "on_site", "cancel": "cancelled"}
# call event written by a legal step
EVENT = {"offer": "offered", "accept": "accepted", "decline": "declined", "en_route": "en_route",
         "on_site": "on_site", "cancel": "cancelled", "triage": "retriaged"}
CASES = [(status, action, TABLE[status][i]) for status in STATUSES for i, action in enumerate(ACTIONS)]


@pytest.fixture
def people(session):
    return {
        "hap": make_user(session, role="hap"),
        "coordinator": make_user(session, role="coordinator"),
        "anna": make_user(session, role="nurse"),
        "bram": make_user(session, role="nurse"),
    }


def bring_to(session, people, status: str) -> Call:
    """Make a call and walk it to `status` through the service, with anna as the nurse."""
    call = make_call(session, by=people["hap"])
    anna, coordinator = actor(people["anna"]), actor(people["coordinator"])
    if status == "offered":
        dispatch.offer_call(session, actor=coordinator, call_id=call.id, nurse_id=anna.user_id, now=START)
    if status in ("accepted", "en_route", "on_site", "completed", "cancelled"):
        dispatch.accept_call(session, actor=anna, call_id=call.id, now=START)
    if status in ("en_route", "on_site", "completed"):
        dispatch.set_call_status(session, actor=anna, call_id=call.id, status="en_route", now=START)
    if status in ("on_site", "completed"):
        dispatch.set_call_status(session, actor=anna, call_id=call.id, status="on_site", now=START)
    if status == "completed":
        dispatch.complete_call(session, actor=anna, call_id=call.id, now=START, closing_note="Klaar")
    if status == "cancelled":
        dispatch.cancel_call(session, actor=coordinator, call_id=call.id, reason="Niet meer nodig", now=START)
    session.refresh(call)
    assert call.status == status
    return call


def test_table_covers_every_status_and_action():
    assert len(CASES) == len(STATUSES) * len(ACTIONS) == 49


@pytest.mark.parametrize("status, action, expected", CASES)
def test_transition(app, client, session, people, status, action, expected):
    call = bring_to(session, people, status)
    who, path, body = ACTIONS[action]
    csrf = login(client, people[who].username)
    engine = app.extensions["db_engine"]
    before, version, events = row_counts(engine), call.version, _event_types(session, call)
    response = client.post(f"/api/calls/{call.id}/{path}", json=body(people) if body else None,
                           headers={"X-CSRF-Token": csrf})
    if expected != 200:
        error = assert_error(response, expected)
        assert error["current_status"] == status
        assert row_counts(engine) == before
        assert _event_types(session, call) == events
        return
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["status"] == AFTER.get(action, status)
    assert result["version"] == version + 1
    after = row_counts(engine)
    assert after["call_events"] == before["call_events"] + 1
    assert after["audit_events"] == before["audit_events"] + 1
    assert _event_types(session, call) == events + [EVENT[action]]


def _event_types(session, call):
    session.commit()
    return [e.type for e in session.exec(select(CallEvent).where(CallEvent.call_id == call.id)
                                  .order_by(CallEvent.at, CallEvent.id)).all()]


# -- who holds the call ---------------------------------------------------------------------------------

def _post(client, user, path, body=None):
    csrf = login(client, user.username)
    return client.post(path, json=body, headers={"X-CSRF-Token": csrf})


def test_accept_of_a_call_offered_to_another_nurse_is_409_and_changes_nothing(app, client, session, people):
    call = bring_to(session, people, "offered")
    csrf = login(client, people["bram"].username)
    before = row_counts(app.extensions["db_engine"])
    assert_error(client.post(f"/api/calls/{call.id}/accept", headers={"X-CSRF-Token": csrf}), 409)
    assert row_counts(app.extensions["db_engine"]) == before


def test_decline_of_a_call_offered_to_another_nurse_is_409(client, session, people):
    call = bring_to(session, people, "offered")
    assert_error(_post(client, people["bram"], f"/api/calls/{call.id}/decline", {}), 409)


@pytest.mark.parametrize("status", ["accepted", "en_route"])
def test_another_nurse_cannot_move_a_held_call_on(client, session, people, status):
    call = bring_to(session, people, status)
    assert_error(_post(client, people["bram"], f"/api/calls/{call.id}/status", {"status": "on_site"}), 403)


def test_second_accept_after_the_first_nurse_won_is_409(client, session, people):
    call = bring_to(session, people, "open")
    assert _post(client, people["anna"], f"/api/calls/{call.id}/accept").status_code == 200
    body = assert_error(_post(client, people["bram"], f"/api/calls/{call.id}/accept"), 409)
    assert "andere verpleegkundige" in body["message"]


def test_a_busy_nurse_cannot_accept_a_second_call(app, client, session, people):
    bring_to(session, people, "accepted")
    second = make_call(session, by=people["hap"])
    csrf = login(client, people["anna"].username)
    before = row_counts(app.extensions["db_engine"])
    assert_error(client.post(f"/api/calls/{second.id}/accept", headers={"X-CSRF-Token": csrf}), 409)
    assert row_counts(app.extensions["db_engine"]) == before


def test_offer_to_a_busy_nurse_is_409(client, session, people):
    bring_to(session, people, "accepted")
    call = make_call(session, by=people["hap"])
    assert_error(_post(client, people["coordinator"], f"/api/calls/{call.id}/offer",
                       {"nurse_id": people["anna"].id}), 409)


@pytest.mark.parametrize("nurse_kw, reason", [({"team": "fact"}, "team"), ({"role": "coordinator"}, "role"),
                                              ({"active": False}, "inactive")])
def test_offer_to_someone_who_cannot_take_it_is_422(client, session, people, nurse_kw, reason):
    call = bring_to(session, people, "open")
    other = make_user(session, **nurse_kw)
    assert_error(_post(client, people["coordinator"], f"/api/calls/{call.id}/offer", {"nurse_id": other.id}), 422)


# -- the nurse's availability follows the call ------------------------------------------------------------

def _availability(session, user):
    session.commit()
    session.refresh(user)
    return user.availability


def test_availability_follows_accept_decline_cancel_and_complete(client, session, people):
    anna = people["anna"]
    offered = bring_to(session, people, "offered")
    assert _availability(session, anna) == "available"
    _post(client, anna, f"/api/calls/{offered.id}/decline", {})
    assert _availability(session, anna) == "available"
    held = bring_to(session, people, "en_route")
    assert _availability(session, anna) == "busy"
    _post(client, people["coordinator"], f"/api/calls/{held.id}/cancel", {"reason": "x"})
    assert _availability(session, anna) == "available"
    bring_to(session, people, "completed")
    assert _availability(session, anna) == "available"


def test_cancelling_an_open_call_leaves_other_nurses_alone(client, session, people):
    bring_to(session, people, "accepted")
    open_call = make_call(session, by=people["hap"])
    _post(client, people["coordinator"], f"/api/calls/{open_call.id}/cancel", {"reason": "x"})
    assert _availability(session, people["anna"]) == "busy"


# -- the expired offer and completion (service level: the timer job and visits use these) --------------------

def test_an_offer_expires_only_after_its_window(session, people, clock):
    call = bring_to(session, people, "offered")
    deadline = call.offer_expires_at
    assert deadline == START + timedelta(seconds=300)  # the team's window for U3
    assert dispatch.expire_offer(session, call_id=call.id, now=deadline - timedelta(seconds=1)) is None
    expired = dispatch.expire_offer(session, call_id=call.id, now=deadline)
    assert (expired.status, expired.nurse_id, expired.offer_expires_at) == ("open", None, None)
    assert dispatch.expire_offer(session, call_id=call.id, now=deadline) is None
    assert _event_types(session, call)[-1] == "offer_expired"


def test_an_accepted_offer_does_not_expire(session, people):
    call = bring_to(session, people, "accepted")
    assert dispatch.expire_offer(session, call_id=call.id, now=START.replace(year=2030)) is None


@pytest.mark.parametrize("status", ["accepted", "en_route", "completed", "cancelled"])
def test_completing_is_only_possible_on_site(session, people, status):
    call = bring_to(session, people, status)
    with pytest.raises(errors.InvalidTransition):
        dispatch.complete_call(session, actor=actor(people["anna"]), call_id=call.id, now=START)


def test_only_the_holding_nurse_completes(session, people):
    call = bring_to(session, people, "on_site")
    with pytest.raises(errors.Forbidden):
        dispatch.complete_call(session, actor=actor(people["bram"]), call_id=call.id, now=START)


# -- U0/U1 ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("urgency", ["U0", "U1"])
def test_retriage_to_life_threatening_is_refused_with_112_and_changes_nothing(app, client, session, people,
                                                                              urgency):
    call = bring_to(session, people, "open")
    csrf = login(client, people["coordinator"].username)
    before = row_counts(app.extensions["db_engine"])
    response = client.post(f"/api/calls/{call.id}/triage", json={"urgency": urgency, "reason": "Benauwd"},
                           headers={"X-CSRF-Token": csrf})
    assert "112" in assert_error(response, 422)["message"]
    assert row_counts(app.extensions["db_engine"]) == before
    session.refresh(call)
    assert call.urgency == "U3"


@pytest.mark.parametrize("urgency", ["U0", "U1"])
def test_intake_of_life_threatening_urgency_is_refused_for_every_role(app, client, session, people, urgency):
    body = {"client_id": make_call(session, by=people["hap"]).client_id, "team": "acute", "category": "other",
            "urgency": urgency, "complaint": "Pijn op de borst", "source": "hap"}
    before = row_counts(app.extensions["db_engine"])
    for who in ("hap", "coordinator", "anna"):
        response = _post(client, people[who], "/api/calls", body)
        assert "112" in assert_error(response, 422)["message"]
    # only the three logins wrote something
    assert row_counts(app.extensions["db_engine"]) == {**before, "login_sessions": before["login_sessions"] + 3}


def test_retriage_moves_the_target(client, session, people):
    call = bring_to(session, people, "open")
    response = _post(client, people["coordinator"], f"/api/calls/{call.id}/triage",
                     {"urgency": "U2", "reason": "Erger geworden"})
    assert response.get_json()["target_at"] == "2026-11-25T02:30:00+00:00"  # U2: 30 min after intake
