"""Findings 5, 10, 11 (issue 12): BSN guessing is throttled and audited; push endpoints belong to one user and
must carry a valid host name."""
from sqlmodel import select

from backend.audit.models import AuditEvent
from backend.clients import service as clients
from tests.factories import login, make_client, make_user

KEYS = {"p256dh": "B" + "A" * 86, "auth": "A" * 22}


def test_bsn_lookups_and_registration_conflicts_are_throttled_and_audited(app, client, session):
    hap = make_user(session, role="hap")
    target = make_client(session, created_team="fact")
    h = {"X-CSRF-Token": login(client, hap.username)}
    conflict = client.post("/api/clients", headers=h, json={
        "name": "X", "birth_date": "1940-01-01", "address": "A 1", "postcode": "7411 BR", "city": "Deventer",
        "lat": 52.2, "lon": 6.1, "bsn": target.bsn})
    assert conflict.status_code == 409 and target.bsn not in conflict.get_data(as_text=True)
    statuses = [client.get(f"/api/clients?bsn={target.bsn}&birth_date=19{n:02d}-01-01").status_code
                for n in range(clients.LOOKUP_LIMIT + 5)]
    assert statuses.count(429) >= 5 and 500 not in statuses
    session.commit()
    actions = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.user_id == hap.id)).all()]
    assert actions.count("client.lookup") + actions.count("client.create.conflict") == clients.LOOKUP_LIMIT
    assert "client.lookup.throttled" in actions


def test_a_push_endpoint_cannot_be_taken_over_by_another_user(app, session):
    anna, bram = make_user(session), make_user(session)
    endpoint = "http://127.0.0.1:9/push/anna"
    a, b = app.test_client(), app.test_client()
    ha, hb = {"X-CSRF-Token": login(a, anna.username)}, {"X-CSRF-Token": login(b, bram.username)}
    assert a.post("/api/push/subscriptions", json={"endpoint": endpoint, "keys": KEYS}, headers=ha).status_code == 201
    assert b.post("/api/push/subscriptions", json={"endpoint": endpoint, "keys": KEYS}, headers=hb).status_code == 409
    assert a.post("/api/push/subscriptions", json={"endpoint": endpoint, "keys": KEYS}, headers=ha).status_code in (200, 201)


def test_malformed_push_endpoints_are_422(client, session):
    nurse = make_user(session)
    h = {"X-CSRF-Token": login(client, nurse.username)}
    for endpoint in ("https://127.0.0.1 .fcm.googleapis.com/x", "https://a%2fb.fcm.googleapis.com/x",
                     "https://fcm..googleapis.com/x", "https://-x.fcm.googleapis.com/x", "https://[::1/x"):
        response = client.post("/api/push/subscriptions", json={"endpoint": endpoint, "keys": KEYS}, headers=h)
        assert response.status_code == 422, endpoint
