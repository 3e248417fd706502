"""On duty flows into dispatch: a rostered nurse becomes offerable when her shift starts."""
from datetime import date, datetime, timezone

import pytest

from backend import errors
from backend.dispatch import service as dispatch
from sqlmodel import select

from backend.identity.models import User
from backend.roster import availability, jobs, service
from backend.roster.models import RosterShiftType
from tests.factories import actor, login, make_call, make_user

UTC = timezone.utc


def available_nurse_ids(session, *, team, at):
    """The team's nurses dispatch may recommend at `at`: its candidate query, reduced to the rule."""
    return set(session.exec(select(User.id).where(
        User.team == team, User.role == "nurse", User.active, availability.available_clause(team=team, at=at))).all())


def test_rostered_nurse_can_be_offered_once_her_shift_runs(app, session, clock, run_job):
    session.add(RosterShiftType(team="acute", code="night", name="Nachtdienst", start_time="23:00",
                                end_time="07:30"))
    session.commit()
    lead = make_user(session, role="team_lead", team="acute")
    coordinator = make_user(session, role="coordinator", team="acute")
    sanne = make_user(session, availability="off_duty", availability_set_at=datetime(2026, 11, 25, 8, tzinfo=UTC))
    service.add_assignment(session, actor=actor(lead), data={"nurse_id": sanne.id, "shift": "night",
                                                             "day": date(2026, 11, 25)}, now=clock.now())
    clock.set(datetime(2026, 11, 25, 21, 0, tzinfo=UTC))  # 22:00 local: before her night
    call = make_call(session, now=clock.now())
    run_job(jobs.sync_availability)
    with pytest.raises(errors.Conflict):
        dispatch.offer_call(session, actor=actor(coordinator), call_id=call.id, nurse_id=sanne.id, now=clock.now())
    session.rollback()
    clock.advance(hours=1, minutes=5)  # 23:05 local: the night runs
    assert available_nurse_ids(session, team="acute", at=clock.now()) >= {sanne.id}
    run_job(jobs.sync_availability)
    session.commit()  # a new snapshot: see what the clock process wrote
    session.expire_all()
    offered = dispatch.offer_call(session, actor=actor(coordinator), call_id=call.id, nurse_id=sanne.id,
                                  now=clock.now())
    assert offered.status == "offered" and offered.nurse_id == sanne.id


def test_on_duty_flows_into_recommendations(app, session, clock):
    # roster.available_clause is wired into dispatch.ranking.candidates; see docs/roster.md "On duty and dispatch".
    session.add(RosterShiftType(team="acute", code="evening", name="Avonddienst", start_time="15:00",
                                end_time="23:00"))
    session.commit()
    lead = make_user(session, role="team_lead", team="acute")
    coordinator = make_user(session, role="coordinator", team="acute")
    before_shift = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    on_duty = make_user(session, name="Op dienst", availability="off_duty", availability_set_at=before_shift)
    signed_off = make_user(session, name="Afgemeld", availability="off_duty", availability_set_at=before_shift)
    make_user(session, name="Vrij", availability="off_duty", availability_set_at=before_shift)
    busy_on_duty = make_user(session, name="Bezet", availability="busy", availability_set_at=before_shift)
    for nurse in (on_duty, signed_off, busy_on_duty):
        service.add_assignment(session, actor=actor(lead), data={"nurse_id": nurse.id, "shift": "evening",
                                                                 "day": date(2026, 11, 25)}, now=clock.now())
    clock.set(datetime(2026, 11, 25, 16, 0, tzinfo=UTC))  # 17:00 local: the evening runs
    # She signs off during her shift (after it started): she is not on duty for dispatch any more.
    client = app.test_client()
    headers = {"X-CSRF-Token": login(client, signed_off.username)}
    assert client.post("/api/me/status", json={"status": "off_duty"}, headers=headers).status_code == 200
    call = make_call(session, now=clock.now(), category="wound_care")
    client = app.test_client()
    login(client, coordinator.username)
    response = client.get(f"/api/calls/{call.id}/recommendations")
    assert response.status_code == 200, response.get_json()
    assert [r["nurse_id"] for r in response.get_json()] == [on_duty.id]
    # After the shift nobody is on duty.
    clock.set(datetime(2026, 11, 25, 22, 30, tzinfo=UTC))
    assert client.get(f"/api/calls/{call.id}/recommendations").get_json() == []


def test_recommended_from_the_first_minute_of_her_shift_is_offerable_without_the_minute_job(app, session, clock):
    """The gap the roster's closing note named: recommendations and offers apply one rule, so between a shift's
    start and the next run of `roster.shift_availability` she is recommended *and* can be offered (not 409)."""
    session.add(RosterShiftType(team="acute", code="night", name="Nachtdienst", start_time="23:00",
                                end_time="07:30"))
    session.commit()
    lead = make_user(session, role="team_lead", team="acute")
    coordinator = make_user(session, role="coordinator", team="acute")
    sanne = make_user(session, availability="off_duty", availability_set_at=datetime(2026, 11, 25, 8, tzinfo=UTC))
    gone = make_user(session, availability="off_duty", availability_set_at=datetime(2026, 11, 25, 8, tzinfo=UTC))
    service.add_assignment(session, actor=actor(lead), data={"nurse_id": sanne.id, "shift": "night",
                                                             "day": date(2026, 11, 25)}, now=clock.now())
    clock.set(datetime(2026, 11, 25, 22, 0, 30, tzinfo=UTC))  # 23:00:30 local: her night began 30 s ago
    call = make_call(session, now=clock.now(), category="wound_care")
    client = app.test_client()
    login(client, coordinator.username)
    recommended = [r["nurse_id"] for r in client.get(f"/api/calls/{call.id}/recommendations").get_json()]
    assert recommended == [sanne.id]
    # No status job has run: she still says off_duty, and the offer goes through all the same.
    assert session.get(User, sanne.id).availability == "off_duty"
    offered = dispatch.offer_call(session, actor=actor(coordinator), call_id=call.id, nurse_id=sanne.id,
                                  now=clock.now())
    assert offered.status == "offered"
    session.expire_all()
    assert session.get(User, sanne.id).availability == "available"
    accepted = dispatch.accept_call(session, actor=actor(sanne), call_id=call.id, now=clock.now())
    assert accepted.status == "accepted"
    # Not rostered and off duty: neither recommended nor offerable.
    other = make_call(session, now=clock.now())
    with pytest.raises(errors.Conflict):
        dispatch.offer_call(session, actor=actor(coordinator), call_id=other.id, nurse_id=gone.id, now=clock.now())
