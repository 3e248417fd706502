"""Placement requests: requested → offered → accepted/declined → admitted/cancelled, beds and audit with them."""
from datetime import timedelta

from sqlmodel import select

from backend.audit.models import AuditEvent
from backend.capacity.models import Capacity, CapacityChange
from backend.placements import service
from backend.placements.models import Placement
from backend.push.models import PushOutbox, PushSubscription
from tests.capacity.helpers import as_user, bed_world
from tests.factories import START, actor


def _free(session, location_id, bed_type):
    session.commit()
    return session.get(Capacity, (location_id, bed_type), populate_existing=True).free


def _subscribe(session, *users):
    for u in users:
        session.add(PushSubscription(user_id=u.id, endpoint=f"http://127.0.0.1:9/push/{u.id}", p256dh="x" * 87,
                                     auth="y" * 22, created_at=START))
    session.commit()


def _request(app, w, bed_type="elv_low"):
    c, h = as_user(app, w.coordinator)
    response = c.post("/api/placements", json={"client_id": w.client_id, "bed_type": bed_type,
                                               "question": "Kan thuis niet meer alleen, valt veel."}, headers=h)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _audit(session, action):
    session.commit()
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_whole_flow_takes_one_bed_and_pushes_the_bed_managers(app, session):
    w = bed_world(session)
    _subscribe(session, w.bm, w.bm_solis)
    placement = _request(app, w)
    assert placement["status"] == "requested" and placement["team"] == "acute"
    regio, rh = as_user(app, w.regio)
    response = regio.post(f"/api/placements/{placement['id']}/offer", json={"location_id": w.elv.id}, headers=rh)
    assert response.status_code == 200 and response.get_json()["status"] == "offered"
    session.commit()
    pushes = session.exec(select(PushOutbox).where(PushOutbox.kind == "placement_offer")).all()
    assert [p.user_id for p in pushes] == [w.bm.id]
    assert pushes[0].payload["placement_id"] == placement["id"] and "Jansen" not in str(pushes[0].payload)
    bm, bh = as_user(app, w.bm)
    response = bm.post(f"/api/placements/{placement['id']}/accept", headers=bh)
    assert response.status_code == 200 and response.get_json()["status"] == "accepted"
    assert _free(session, w.elv.id, "elv_low") == 1
    change = session.exec(select(CapacityChange).where(CapacityChange.reason == "placement.accept")).one()
    assert (change.free_before, change.free_after, change.user_id) == (2, 1, w.bm.id)
    assert bm.post(f"/api/placements/{placement['id']}/admitted", headers=bh).get_json()["status"] == "admitted"
    events = regio.get(f"/api/placements/{placement['id']}/events", headers=rh).get_json()
    assert [e["type"] for e in events] == ["requested", "offered", "accepted", "admitted"]
    # the nurse's side sees where the client goes
    co, ch = as_user(app, w.coordinator)
    seen = co.get(f"/api/placements/{placement['id']}", headers=ch).get_json()
    assert seen["location"]["name"] == w.elv.name and seen["client"]["id"] == w.client_id


def test_decline_returns_to_requested_and_the_bed_manager_loses_sight(app, session):
    w = bed_world(session)
    placement = _request(app, w)
    regio, rh = as_user(app, w.regio)
    regio.post(f"/api/placements/{placement['id']}/offer", json={"location_id": w.elv.id}, headers=rh)
    bm, bh = as_user(app, w.bm)
    response = bm.post(f"/api/placements/{placement['id']}/decline", json={"reason": "Geen tillift vrij."},
                       headers=bh)
    assert response.status_code == 200
    assert response.get_json()["status"] == "requested" and response.get_json()["location_id"] is None
    assert _free(session, w.elv.id, "elv_low") == 2
    assert bm.get("/api/placements", headers=bh).get_json() == []
    assert bm.get(f"/api/placements/{placement['id']}", headers=bh).status_code == 403
    # a decline needs a reason
    regio.post(f"/api/placements/{placement['id']}/offer", json={"location_id": w.elv.id}, headers=rh)
    assert bm.post(f"/api/placements/{placement['id']}/decline", json={}, headers=bh).status_code == 422


def test_cancel_of_an_accepted_placement_gives_the_bed_back(app, session):
    w = bed_world(session)
    placement = _request(app, w, bed_type="elv_high")
    regio, rh = as_user(app, w.regio)
    regio.post(f"/api/placements/{placement['id']}/offer", json={"location_id": w.elv.id}, headers=rh)
    bm, bh = as_user(app, w.bm)
    assert bm.post(f"/api/placements/{placement['id']}/accept", headers=bh).status_code == 200
    assert _free(session, w.elv.id, "elv_high") == 0
    co, ch = as_user(app, w.coordinator)
    response = co.post(f"/api/placements/{placement['id']}/cancel", json={"reason": "Dochter blijft slapen."},
                       headers=ch)
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert _free(session, w.elv.id, "elv_high") == 1
    again = co.post(f"/api/placements/{placement['id']}/cancel", json={"reason": "x"}, headers=ch)
    assert again.status_code == 409 and again.get_json()["current_status"] == "cancelled"


def test_accept_without_a_free_bed_is_409_and_changes_nothing(app, session):
    w = bed_world(session)
    placement = _request(app, w, bed_type="elv_low")
    regio, rh = as_user(app, w.regio)
    regio.post(f"/api/placements/{placement['id']}/offer", json={"location_id": w.grz.id}, headers=rh)  # 0 free
    bm, bh = as_user(app, w.bm_solis)
    response = bm.post(f"/api/placements/{placement['id']}/accept", headers=bh)
    assert response.status_code == 409
    session.commit()
    assert session.get(Placement, placement["id"], populate_existing=True).status == "offered"
    assert _free(session, w.grz.id, "elv_low") == 0


def test_offer_to_a_location_without_that_bed_type_is_422(app, session):
    w = bed_world(session)
    placement = _request(app, w, bed_type="grz")
    regio, rh = as_user(app, w.regio)
    assert regio.post(f"/api/placements/{placement['id']}/offer", json={"location_id": w.elv.id},
                      headers=rh).status_code == 422
    assert regio.post(f"/api/placements/{placement['id']}/offer", json={"location_id": 9999},
                      headers=rh).status_code == 404


def test_bed_manager_sees_nothing_before_an_offer_and_only_her_organisations(app, session):
    w = bed_world(session)
    placement = _request(app, w)
    bm, bh = as_user(app, w.bm)
    assert bm.get("/api/placements", headers=bh).get_json() == []
    assert bm.get(f"/api/placements/{placement['id']}", headers=bh).status_code == 403
    assert bm.get(f"/api/placements/{placement['id']}/events", headers=bh).status_code == 403
    assert bm.post(f"/api/placements/{placement['id']}/accept", headers=bh).status_code == 403
    denied = [e for e in _audit(session, "placement.read") if e.outcome == "denied"]
    assert [(e.user_id, e.client_id) for e in denied] == [(w.bm.id, w.client_id)]
    regio, rh = as_user(app, w.regio)
    regio.post(f"/api/placements/{placement['id']}/offer", json={"location_id": w.elv.id}, headers=rh)
    listed = bm.get("/api/placements", headers=bh).get_json()
    assert [p["id"] for p in listed] == [placement["id"]] and listed[0]["client"]["name"]
    other, oh = as_user(app, w.bm_solis)
    assert other.get("/api/placements", headers=oh).get_json() == []
    assert other.post(f"/api/placements/{placement['id']}/accept", headers=oh).status_code == 403
    # the client sees that the bed manager read her data
    assert [e.user_id for e in _audit(session, "placement.list") if e.user_id == w.bm.id] == [w.bm.id]


def test_every_client_read_is_audited(app, session):
    w = bed_world(session)
    placement = _request(app, w)
    regio, rh = as_user(app, w.regio)
    regio.get("/api/placements", headers=rh)
    regio.get(f"/api/placements/{placement['id']}", headers=rh)
    regio.get(f"/api/placements/{placement['id']}/events", headers=rh)
    for action in ("placement.create", "placement.list", "placement.read", "placement.events"):
        rows = _audit(session, action)
        assert rows and all(r.client_id == w.client_id for r in rows), action


def test_staff_of_another_team_cannot_request_for_a_client_they_do_not_see(app, session):
    w = bed_world(session)
    from tests.factories import make_user
    other = make_user(session, role="coordinator", team="fact")
    c, h = as_user(app, other)
    response = c.post("/api/placements", json={"client_id": w.client_id, "bed_type": "elv_low", "question": "?"},
                      headers=h)
    assert response.status_code == 403
    session.commit()
    assert session.exec(select(Placement)).all() == []
    assert c.get("/api/placements", headers=h).get_json() == []


def test_waiting_over_30_minutes_alerts_the_regional_coordinator_once(app, session):
    w = bed_world(session)
    _subscribe(session, w.regio)
    placement = service.create_placement(session, actor=actor(w.coordinator), now=START,
                                         data={"client_id": w.client_id, "bed_type": "grz", "question": "?"})
    assert service.alert_waiting(session, now=START + timedelta(minutes=29)) == 0
    assert service.alert_waiting(session, now=START + timedelta(minutes=31)) == 1
    assert service.alert_waiting(session, now=START + timedelta(minutes=45)) == 0
    # an offer starts a new wait
    service.offer_placement(session, actor=actor(w.regio), placement_id=placement.id, location_id=w.grz.id,
                            now=START + timedelta(minutes=50))
    assert service.alert_waiting(session, now=START + timedelta(minutes=81)) == 1
    alerts = session.exec(select(PushOutbox).where(PushOutbox.kind == "placement_waiting")).all()
    assert [a.user_id for a in alerts] == [w.regio.id, w.regio.id]
