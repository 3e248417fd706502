"""The capacity board: locations, free counts kept by bed managers, history, stale after 12 hours."""
from datetime import timedelta

from sqlmodel import select

from backend.capacity import jobs, service
from backend.capacity.models import Capacity, CapacityChange
from backend.push.models import PushOutbox, PushSubscription
from tests.capacity.helpers import as_user, bed_world
from tests.factories import START, actor, make_organisation, make_user


def _free(session, location_id, bed_type):
    session.commit()
    return session.get(Capacity, (location_id, bed_type), populate_existing=True).free


def test_admin_adds_a_location_with_bed_types(app, session):
    org = make_organisation(session, name="Sutfene", kind="care_provider")
    hap_org = make_organisation(session, name="HAP Zutphen", kind="hap")
    c, h = as_user(app, make_user(session, role="admin", team=None))
    body = {"organisation_id": org.id, "name": "Het Hoge Veld", "address": "Dieserstraat 2", "postcode": "7201 NC",
            "lat": 52.14, "lon": 6.2, "bed_types": ["elv_low", "wlz_crisis"], "phone": "0575 123456"}
    response = c.post("/api/locations", json=body, headers=h)
    assert response.status_code == 201, response.get_json()
    rows = service.list_capacity(session, now=START)
    assert sorted((r.bed_type, r.free) for r in rows) == [("elv_low", 0), ("wlz_crisis", 0)]
    assert c.post("/api/locations", json={**body, "organisation_id": hap_org.id}, headers=h).status_code == 422
    assert c.post("/api/locations", json={**body, "bed_types": ["sofa"]}, headers=h).status_code == 422


def test_board_lists_free_beds_and_marks_stale_after_12_hours(app, session, clock):
    w = bed_world(session)
    c, h = as_user(app, w.nurse)
    clock.advance(hours=11, minutes=59)
    rows = c.get("/api/capacity", headers=h).get_json()
    assert {(r["location_id"], r["bed_type"]): r["free"] for r in rows} == {
        (w.elv.id, "elv_low"): 2, (w.elv.id, "elv_high"): 1, (w.grz.id, "grz"): 1, (w.grz.id, "elv_low"): 0}
    assert not any(r["stale"] for r in rows)
    assert rows[0]["organisation"] in ("Carinova", "Solis") and "updated_at" in rows[0]
    only_grz = c.get("/api/capacity?bed_type=grz", headers=h).get_json()
    assert [r["bed_type"] for r in only_grz] == ["grz"]


def test_stale_flag_follows_the_injected_clock(session):
    w = bed_world(session)
    at = START + timedelta(hours=12)
    assert not any(r.stale for r in service.list_capacity(session, now=at))
    later = START + timedelta(hours=12, seconds=1)
    assert all(r.stale for r in service.list_capacity(session, now=later))
    service.set_free(session, actor=actor(w.bm), location_id=w.elv.id, bed_type="elv_low", free=2, now=later)
    stale = {(r.location_id, r.bed_type): r.stale for r in service.list_capacity(session, now=later)}
    assert stale[(w.elv.id, "elv_low")] is False and stale[(w.elv.id, "elv_high")] is True


def test_bed_manager_sets_free_count_with_history(app, session, clock):
    w = bed_world(session)
    c, h = as_user(app, w.bm)
    response = c.put(f"/api/capacity/{w.elv.id}/elv_low", json={"free": 5, "criteria": "Geen isolatie."}, headers=h)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["free"] == 5 and response.get_json()["criteria"] == "Geen isolatie."
    assert _free(session, w.elv.id, "elv_low") == 5
    history = c.get(f"/api/capacity/history?location_id={w.elv.id}", headers=h).get_json()
    assert [(e["user_id"], e["bed_type"], e["free_before"], e["free_after"]) for e in history] == [
        (w.bm.id, "elv_low", 2, 5)]


def test_negative_free_is_a_422_and_changes_nothing(app, session):
    w = bed_world(session)
    c, h = as_user(app, w.bm)
    assert c.put(f"/api/capacity/{w.elv.id}/elv_low", json={"free": -1}, headers=h).status_code == 422
    assert _free(session, w.elv.id, "elv_low") == 2
    assert session.exec(select(CapacityChange)).all() == []


def test_another_organisations_beds_are_403(app, session):
    w = bed_world(session)
    c, h = as_user(app, w.bm_solis)
    assert c.put(f"/api/capacity/{w.elv.id}/elv_low", json={"free": 0}, headers=h).status_code == 403
    assert _free(session, w.elv.id, "elv_low") == 2
    # a bed type the location does not have, or an unknown location → 404
    assert c.put(f"/api/capacity/{w.grz.id}/wijkkliniek", json={"free": 1}, headers=h).status_code == 404
    assert c.put("/api/capacity/9999/grz", json={"free": 1}, headers=h).status_code == 404


def test_bed_manager_history_shows_only_her_own_locations(app, session):
    w = bed_world(session)
    service.set_free(session, actor=actor(w.bm), location_id=w.elv.id, bed_type="elv_low", free=1, now=START)
    service.set_free(session, actor=actor(w.bm_solis), location_id=w.grz.id, bed_type="grz", free=0, now=START)
    c, h = as_user(app, w.bm_solis)
    assert [e["location_id"] for e in c.get("/api/capacity/history", headers=h).get_json()] == [w.grz.id]
    c, h = as_user(app, w.regio)
    assert len(c.get("/api/capacity/history", headers=h).get_json()) == 2


def test_stale_reminder_pushes_bed_managers_once(session, app):
    w = bed_world(session)
    session.add(PushSubscription(user_id=w.bm.id, endpoint="http://127.0.0.1:9/push", p256dh="x" * 87,
                                 auth="y" * 22, created_at=START))
    session.commit()
    later = START + timedelta(hours=13)
    assert jobs.remind_stale(session, now=later) == 4
    assert jobs.remind_stale(session, now=later + timedelta(minutes=15)) == 0
    sent = session.exec(select(PushOutbox).where(PushOutbox.kind == "capacity_stale")).all()
    assert len(sent) == 2 and {o.user_id for o in sent} == {w.bm.id}
