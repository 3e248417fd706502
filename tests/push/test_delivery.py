"""The service worker's delivery report for an offer."""
from sqlmodel import select

from backend.audit.models import AuditEvent
from backend.dispatch import service as dispatch
from tests.factories import START, actor, login, make_call, make_user


def offered(session):
    coordinator = make_user(session, role="coordinator")
    nurse = make_user(session, role="nurse")
    call = make_call(session)
    dispatch.offer_call(session, actor=actor(coordinator), call_id=call.id, nurse_id=nurse.id, now=START)
    return call, nurse


def test_the_offered_nurse_reports_the_offer_shown_once(client, session):
    call, nurse = offered(session)
    csrf = login(client, nurse.username)
    for _ in range(2):
        response = client.post(f"/api/calls/{call.id}/delivery", json={"status": "shown"}, headers={"X-CSRF-Token": csrf})
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["type"] == "offer_shown"
    events = client.get(f"/api/calls/{call.id}/events").get_json()
    assert [e["type"] for e in events].count("offer_shown") == 1
    session.expire_all()
    reports = session.exec(select(AuditEvent).where(AuditEvent.action == "call.offer_delivery")).all()
    assert [(a.user_id, a.client_id) for a in reports] == [(nurse.id, call.client_id)]


def test_another_nurse_cannot_report_and_bad_status_is_refused(client, session):
    call, _ = offered(session)
    other = make_user(session, role="nurse")
    csrf = login(client, other.username)
    response = client.post(f"/api/calls/{call.id}/delivery", json={"status": "shown"}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 409
    response = client.post(f"/api/calls/{call.id}/delivery", json={"status": "read"}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 422


def test_a_report_needs_the_csrf_token_and_an_existing_call(client, session):
    call, nurse = offered(session)
    csrf = login(client, nurse.username)
    assert client.post(f"/api/calls/{call.id}/delivery", json={"status": "shown"}).status_code == 403
    response = client.post("/api/calls/999999/delivery", json={"status": "failed"}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 404
