"""The audit trail: who may read it, that every read and write of client data leaves an event, and that a
failed write leaves neither the write nor its event while a refused read leaves a 'denied' event."""
import pytest
from sqlmodel import select

from backend.audit.models import AuditEvent
from backend.dispatch import service as dispatch
from backend.dispatch.models import Call, CallEvent
from tests.factories import actor, assert_error, login, make_call, make_client, make_user, row_counts

NEW_CLIENT = {"name": "Mevrouw Test", "birth_date": "1938-04-02", "address": "Brink 1", "postcode": "7411 BR",
              "city": "Deventer", "lat": 52.2525, "lon": 6.159, "bsn": "111222333"}


def _as(client, session, role, **kw):
    user = make_user(session, role=role, **kw)
    return user, {"X-CSRF-Token": login(client, user.username)}


def _events(session):
    session.commit()
    return list(session.exec(select(AuditEvent).order_by(AuditEvent.id)).all())


@pytest.mark.parametrize("role, expected", [("admin", 200), ("team_lead", 200), ("coordinator", 403),
                                            ("nurse", 403), ("hap", 403)])
def test_who_reads_the_audit_trail(client, session, role, expected):
    make_call(session)
    _as(client, session, role)
    response = client.get("/api/audit")
    if expected != 200:
        assert_error(response, expected)
        return
    events = response.get_json()
    assert [e["action"] for e in events] == ["call.create"]
    assert {"at", "user_id", "role", "action", "client_id", "request_id"} <= events[0].keys()


def test_audit_trail_without_login_is_401(client):
    assert_error(client.get("/api/audit"), 401)


def test_audit_trail_is_newest_first_and_filters_by_client(client, session, clock):
    hap = make_user(session, role="hap")
    first, second = (make_client(session, created_team=None, created_org=hap.organisation) for _ in range(2))
    make_call(session, by=hap, client=first, now=clock.now())
    make_call(session, by=hap, client=second, now=clock.advance(minutes=5))
    make_call(session, by=hap, client=first, now=clock.advance(minutes=5))
    _as(client, session, "admin")
    events = client.get("/api/audit").get_json()
    assert [e["client_id"] for e in events] == [first.id, second.id, first.id]
    assert [e["at"] for e in events] == sorted((e["at"] for e in events), reverse=True)
    assert [e["client_id"] for e in client.get(f"/api/audit?client_id={second.id}").get_json()] == [second.id]
    assert len(client.get("/api/audit?limit=1").get_json()) == 1


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_audit_trail_cannot_be_changed_through_the_api(client, session, method):
    _, h = _as(client, session, "admin")
    assert_error(getattr(client, method)("/api/audit", headers=h), 405)


def test_every_read_of_client_data_is_audited_with_request_id_and_access_point(client, session):
    hap = make_user(session, role="hap")
    call = make_call(session, by=hap)
    nurse, _ = _as(client, session, "nurse")
    before = len(_events(session))
    responses = [
        client.get(f"/api/calls/{call.id}", headers={"User-Agent": "Wijkspoed-test/1"}),
        client.get("/api/calls"),
        client.get(f"/api/calls/{call.id}/events"),
        client.get(f"/api/clients/{call.client_id}"),
    ]
    assert [r.status_code for r in responses] == [200] * 4
    events = _events(session)[before:]
    assert [(e.action, e.client_id, e.user_id, e.role, e.outcome) for e in events] == [
        ("call.read", call.client_id, nurse.id, "nurse", "ok"),
        ("call.list", call.client_id, nurse.id, "nurse", "ok"),
        ("call.events", call.client_id, nurse.id, "nurse", "ok"),
        ("client.read", call.client_id, nurse.id, "nurse", "ok"),
    ]
    assert [e.request_id for e in events] == [r.headers["X-Request-ID"] for r in responses]
    assert events[0].ip == "127.0.0.1" and events[0].user_agent == "Wijkspoed-test/1"


def test_a_list_audits_each_client_shown_once(client, session):
    hap = make_user(session, role="hap")
    shared = make_client(session)
    make_call(session, by=hap, client=shared)
    make_call(session, by=hap, client=shared)
    make_call(session, by=hap)
    _as(client, session, "coordinator")
    before = len(_events(session))
    assert len(client.get("/api/calls").get_json()) == 3
    assert len(_events(session)[before:]) == 2


def test_an_empty_list_writes_no_event(client, session):
    _as(client, session, "coordinator")
    assert client.get("/api/calls").get_json() == []
    assert _events(session) == []


def test_every_write_is_audited(client, session):
    coordinator, ch = _as(client, session, "coordinator")
    response = client.post("/api/calls", json={"client": NEW_CLIENT, "team": "acute", "category": "catheter",
                                                "urgency": "U3", "complaint": "Katheter", "source": "gp"},
                           headers=ch)
    assert response.status_code == 201
    call_id = response.get_json()["id"]
    nurse = make_user(session)
    assert client.post(f"/api/calls/{call_id}/triage", json={"urgency": "U2", "reason": "erger"},
                       headers=ch).status_code == 200
    assert client.post(f"/api/calls/{call_id}/offer", json={"nurse_id": nurse.id}, headers=ch).status_code == 200
    nh = {"X-CSRF-Token": login(client, nurse.username)}
    assert client.post(f"/api/calls/{call_id}/decline", json={}, headers=nh).status_code == 200
    assert client.post(f"/api/calls/{call_id}/accept", headers=nh).status_code == 200
    assert client.post(f"/api/calls/{call_id}/status", json={"status": "en_route"}, headers=nh).status_code == 200
    ch = {"X-CSRF-Token": login(client, coordinator.username)}
    assert client.post(f"/api/calls/{call_id}/cancel", json={"reason": "x"}, headers=ch).status_code == 200
    writes = [(e.action, e.user_id) for e in _events(session) if e.action not in ("call.read",)]
    assert writes == [
        ("client.create", coordinator.id), ("call.create", coordinator.id), ("call.retriage", coordinator.id),
        ("call.offer", coordinator.id), ("call.decline", nurse.id), ("call.accept", nurse.id),
        ("call.en_route", nurse.id), ("call.cancel", coordinator.id),
    ]
    assert len({e.client_id for e in _events(session)}) == 1


def test_a_write_that_fails_halfway_leaves_neither_the_write_nor_its_event(app, client, session):
    """Accepting moves the call first and the nurse second; a nurse who is off duty undoes both."""
    call = make_call(session)
    nurse, h = _as(client, session, "nurse", availability="off_duty")
    before = row_counts(app.extensions["db_engine"])
    assert_error(client.post(f"/api/calls/{call.id}/accept", headers=h), 409)
    assert row_counts(app.extensions["db_engine"]) == before
    session.commit()
    stored = session.get(Call, call.id)
    session.refresh(stored)
    assert (stored.status, stored.nurse_id, stored.version) == ("open", None, 1)
    assert [e.type for e in session.exec(select(CallEvent).where(CallEvent.call_id == call.id))] == ["created"]
    assert "call.accept" not in [e.action for e in _events(session)]


def test_a_failing_intake_with_a_new_client_leaves_no_client_and_no_event(app, client, session):
    """A new client whose BSN is already registered refuses the whole intake: no client, call or event — only the
    attempt itself is audited (a BSN probe, issue 12 finding 5)."""
    _, h = _as(client, session, "nurse")
    make_client(session, bsn="111222333")
    before = row_counts(app.extensions["db_engine"])
    response = client.post("/api/calls", json={"client": {**NEW_CLIENT, "bsn": "111222333"}, "team": "acute",
                                                "category": "catheter", "urgency": "U3", "complaint": "x",
                                                "source": "gp"}, headers=h)
    assert_error(response, 409)
    assert row_counts(app.extensions["db_engine"]) == {**before, "audit_events": before["audit_events"] + 1}
    assert [(e.action, e.outcome) for e in _events(session)][-1] == ("client.create.conflict", "denied")


def test_service_failure_after_a_flush_is_rolled_back(app, session):
    """At service level too: the call's insert fails (a nurse that does not exist: foreign key) after the
    client and its event were flushed, and nothing is left behind."""
    from datetime import date

    from sqlalchemy.exc import IntegrityError

    from backend.db import session_scope

    hap = make_user(session, role="hap")
    before = row_counts(app.extensions["db_engine"])
    with session_scope(app.extensions["db_engine"]) as work, pytest.raises(IntegrityError):
        dispatch.create_call(work, actor=actor(hap), now=hap.created_at, data={
            "client": {**NEW_CLIENT, "birth_date": date(1938, 4, 2)}, "team": "acute", "nurse_id": 2**31 - 2,
            "category": "catheter",
            "urgency": "U3", "complaint": "x", "source": "gp"})
    assert row_counts(app.extensions["db_engine"]) == before


def test_a_refused_read_leaves_a_denied_event_and_nothing_else(app, client, session):
    call = make_call(session)
    outsider, _ = _as(client, session, "nurse", team="fact")
    before = row_counts(app.extensions["db_engine"])
    assert_error(client.get(f"/api/calls/{call.id}"), 403)
    assert_error(client.get(f"/api/calls/{call.id}/events"), 403)
    assert_error(client.get(f"/api/clients/{call.client_id}"), 403)
    after = row_counts(app.extensions["db_engine"])
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {"audit_events": 3}
    denied = _events(session)[-3:]
    assert [(e.action, e.outcome, e.user_id, e.client_id) for e in denied] == [
        ("call.read", "denied", outsider.id, call.client_id),
        ("call.events", "denied", outsider.id, call.client_id),
        ("client.read", "denied", outsider.id, call.client_id),
    ]


def test_a_refused_role_is_audited_as_an_attempt_and_changes_nothing_else(app, client, session):
    """A 403 for the role comes before any data is touched; the attempt itself is kept (issue 12, finding 3)."""
    call = make_call(session)
    _as(client, session, "admin")
    before = row_counts(app.extensions["db_engine"])
    assert_error(client.get(f"/api/calls/{call.id}"), 403)
    after = row_counts(app.extensions["db_engine"])
    assert after == {**before, "audit_events": before["audit_events"] + 1}
