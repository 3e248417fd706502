"""Findings 2, 3, 7, 8 (issue 12): every answer showing a client and every refused attempt is audited from one
place; visit creation checks before it changes; an idempotent answer never stores a share secret."""
import uuid

from sqlmodel import select

from backend.audit.models import AuditEvent
from backend.dispatch.models import Call
from backend.idempotency import IdempotencyKey
from tests.factories import login, make_user, make_world


def _events(session, response):
    session.commit()
    return session.exec(select(AuditEvent).where(AuditEvent.request_id == response.headers["X-Request-ID"])).all()


def _open_visit(client, call_id):
    response = client.post("/api/visits", json={"call_id": call_id}, headers={**client.h, "Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _as(app, user):
    c = app.test_client()
    c.h = {"X-CSRF-Token": login(c, user.username)}
    return c


def test_every_409_with_current_is_an_audited_read(app, session):
    w = make_world(session)
    bram = _as(app, w.bram)
    visit = _open_visit(bram, w.held.id)
    stale = bram.patch(f"/api/visits/{visit['id']}", json={"version": visit["version"] + 5}, headers=bram.h)
    assert stale.status_code == 409 and "current" in stale.get_json()
    assert {(e.client_id, e.outcome) for e in _events(session, stale)} >= {(w.held.client_id, "ok")}
    again = bram.post("/api/visits", json={"call_id": w.held.id}, headers={**bram.h, "Idempotency-Key": "other"})
    assert again.status_code == 409 and "current" in again.get_json()
    assert w.held.client_id in {e.client_id for e in _events(session, again)}


def test_every_refused_write_is_audited_with_its_client(app, session):
    w = make_world(session)
    outsider = _as(app, make_user(session, role="coordinator", team="fact"))
    for path, body in ((f"/api/calls/{w.open.id}/offer", {"nurse_id": w.chris.id}),
                       (f"/api/calls/{w.open.id}/cancel", {"reason": "weg"})):
        response = outsider.post(path, json=body, headers=outsider.h)
        assert response.status_code in (403, 404)
        assert [(e.outcome, e.client_id) for e in _events(session, response)] == [("denied", w.open.client_id)]
    stranger = _as(app, w.fact_nurse)
    response = stranger.post(f"/api/calls/{w.open.id}/accept", headers=stranger.h)
    assert response.status_code in (403, 404, 409)
    if response.status_code != 409:
        assert [(e.outcome, e.client_id) for e in _events(session, response)] == [("denied", w.open.client_id)]
    admin = _as(app, w.admin)
    response = admin.get(f"/api/clients/{w.client.id}")
    assert response.status_code == 403
    assert [(e.outcome, e.client_id) for e in _events(session, response)] == [("denied", w.client.id)]


def test_a_refused_visit_creation_changes_nothing(app, session):
    w = make_world(session)
    chris = _as(app, w.chris)
    assert chris.post(f"/api/calls/{w.open.id}/accept", headers=chris.h).status_code == 200
    taken = _open_visit(chris, w.open.id)["id"]
    bram = _as(app, w.bram)
    response = bram.post("/api/visits", json={"call_id": w.held.id, "id": taken},
                         headers={**bram.h, "Idempotency-Key": "k1"})
    assert response.status_code == 422 and "id" in response.get_json()["errors"]
    session.commit()
    assert session.get(Call, w.held.id).status == "accepted"


def test_a_handover_answer_is_stored_without_its_share_secret_and_replays_the_same_link(app, session):
    w = make_world(session)
    bram = _as(app, w.bram)
    visit = _open_visit(bram, w.held.id)
    body = {"visit_id": visit["id"], "recipient_type": "gp", "recipient_name": "Dokter", "situation": "S",
            "background": "B", "assessment": "A", "recommendation": "R"}
    headers = {**bram.h, "Idempotency-Key": "handover-1"}
    first = bram.post("/api/handovers", json=body, headers=headers)
    assert first.status_code == 201, first.get_json()
    token = first.get_json()["share_token"]
    session.commit()
    for stored in session.exec(select(IdempotencyKey)).all():
        assert token not in str(stored.response_body)
    replay = bram.post("/api/handovers", json=body, headers=headers)
    assert replay.get_json() == first.get_json()
    assert app.test_client().get(f"/api/shared/handovers/{token}").status_code == 200
