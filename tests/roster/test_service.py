"""Who is on duty, the rule dispatch applies, the coverage-gap job, and the demo region."""
from datetime import date, datetime, timedelta, timezone

from sqlmodel import select

from backend.demo import load_all
from backend.identity.models import User
from backend.roster import availability, jobs, plans, service
from backend.roster.models import RosterAssignment, RosterGapAlert, RosterShiftType
from tests.factories import START, actor, login, make_user

UTC = timezone.utc
TODAY = date(2026, 11, 25)  # START is Wednesday 25 November 03:00 local


def night_type(session, team="acute", min_staff=2):
    row = RosterShiftType(team=team, code="night", name="Nachtdienst", start_time="23:00", end_time="07:30",
                          min_staff=min_staff, skill_needs=[{"any_of": ["iv_therapy"], "count": 1}])
    session.add(row)
    session.commit()
    return row


def on_duty_nurse_ids(session, *, team, at):
    """The nurses with an adopted assignment whose shift runs at `at`."""
    return set(availability.running_shift_starts(session, team=team, at=at))


def available_nurse_ids(session, *, team, at):
    """The team's nurses dispatch may recommend at `at`: its candidate query, reduced to the rule."""
    return set(session.exec(select(User.id).where(
        User.team == team, User.role == "nurse", User.active, availability.available_clause(team=team, at=at))).all())


def counts_as_available(nurse, shift_start):
    """The rule for one nurse, written out: her status says available, or she is on a running shift (starting
    `shift_start`), not busy, and has not set her status since it started."""
    if nurse.availability == "available":
        return True
    if shift_start is None or nurse.availability == "busy":
        return False
    return nurse.availability_set_at is None or nurse.availability_set_at < shift_start


def put_on(session, nurse, *, day, code="night", team="acute", start="23:00", hours=8.5):
    lead = make_user(session, role="team_lead", team=team)
    return service.add_assignment(session, actor=actor(lead), data={"nurse_id": nurse.id, "shift": code, "day": day},
                                  now=START)


def test_on_duty_is_whoever_has_a_running_shift(session):
    night_type(session)
    anna, bram, chantal = (make_user(session) for _ in range(3))
    put_on(session, anna, day=TODAY - timedelta(days=1))  # Tue 23:00 – Wed 07:30: running at START
    put_on(session, bram, day=TODAY)  # Wed 23:00: not yet
    fact = make_user(session, team="fact")
    session.add(RosterShiftType(team="fact", code="night", name="Nacht", start_time="23:00", end_time="07:30"))
    session.commit()
    put_on(session, fact, day=TODAY - timedelta(days=1), team="fact")
    assert on_duty_nurse_ids(session, team="acute", at=START) == {anna.id}
    assert on_duty_nurse_ids(session, team=None, at=START) == {anna.id, fact.id}
    # The shift ends at 07:30 local = 06:30 UTC (end exclusive).
    assert on_duty_nurse_ids(session, team="acute", at=datetime(2026, 11, 25, 6, 30, tzinfo=UTC)) == set()
    assert on_duty_nurse_ids(session, team="acute", at=datetime(2026, 11, 25, 22, 0, tzinfo=UTC)) == {bram.id}
    assert chantal.id not in on_duty_nurse_ids(session, team="acute", at=START)


def test_dispatch_availability_rule(session):
    night_type(session)
    shift_start = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)
    before, after = shift_start - timedelta(hours=5), shift_start + timedelta(hours=2)
    on_shift_forgot = make_user(session, availability="off_duty", availability_set_at=before)
    on_shift_opted_out = make_user(session, availability="off_duty", availability_set_at=after)
    on_shift_busy = make_user(session, availability="busy", availability_set_at=before)
    off_roster_available = make_user(session, availability="available", availability_set_at=before)
    off_roster_off = make_user(session, availability="off_duty", availability_set_at=before)
    for nurse in (on_shift_forgot, on_shift_opted_out, on_shift_busy):
        put_on(session, nurse, day=TODAY - timedelta(days=1))
    assert available_nurse_ids(session, team="acute", at=START) == {on_shift_forgot.id,
                                                                            off_roster_available.id}
    # The per-nurse form of the rule agrees with the SQL form.
    starts = availability.running_shift_starts(session, team="acute", at=START)
    nurses = session.exec(select(User).where(User.role == "nurse")).all()
    assert {n.id for n in nurses if counts_as_available(n, starts.get(n.id))} == {
        on_shift_forgot.id, off_roster_available.id}
    assert off_roster_off.id not in on_duty_nurse_ids(session, team="acute", at=START)


def test_gap_job_records_each_gap_once(app, session, clock, run_job):
    night_type(session, min_staff=2)
    anna = make_user(session, skills=["hbo"])
    lead = make_user(session, role="team_lead", team="acute")
    put_on(session, anna, day=TODAY)  # tonight: 1 of 2, and no IV
    clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    run_job(jobs.alert_gaps)
    run_job(jobs.alert_gaps)  # a second pass (or a second clock) records nothing new
    session.commit()
    rows = session.exec(select(RosterGapAlert)).all()
    # Tonight's night (Wed 23:00) lies within 24 h; Thursday's (starts 22:00 UTC Thu) is 34 h away.
    assert [(r.team, r.shift_code, r.starts_at) for r in rows] == [
        ("acute", "night", datetime(2026, 11, 25, 22, 0, tzinfo=UTC))]
    assert {m["need"] for m in rows[0].missing} == {"staff", "iv_therapy"}
    assert "Nachtdienst wo 25 nov 23:00–07:30" in rows[0].message
    clock.advance(hours=12)  # now Thursday night's shift comes within reach
    run_job(jobs.alert_gaps)
    session.commit()
    assert len(session.exec(select(RosterGapAlert)).all()) == 2
    client = app.test_client()
    login(client, lead.username)
    listed = client.get("/api/roster/alerts?team=acute")
    assert listed.status_code == 200
    assert [a["start"] for a in listed.get_json()] == ["2026-11-25T22:00:00+00:00", "2026-11-26T22:00:00+00:00"]


def test_filled_shift_raises_no_alert(app, session, clock):
    night_type(session, min_staff=1)
    anna = make_user(session, skills=["iv_therapy"])
    put_on(session, anna, day=TODAY)
    clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    assert jobs.alert_gaps(session, now=clock.now()) == []


def test_demo_region_plans_at_once(app, session):
    assert load_all(session, now=START)
    assert not load_all(session, now=START)  # idempotent
    types = session.exec(select(RosterShiftType)).all()
    assert {t.team for t in types} == {"acute", "fact"}
    lead = session.exec(select(User).where(User.username == "teamlead")).one()
    for team, username in (("acute", "teamlead"), ("fact", "teamlead.fact")):
        planner = session.exec(select(User).where(User.username == username)).one()
        proposal = plans.generate_roster(session, actor=actor(planner), team=team, start_date=date(2026, 11, 30),
                                           end_date=date(2026, 12, 6), now=START, time_limit=5)
        assert proposal.violations == []
        assert proposal.assignments
    listed = service.list_nurses(session, actor=actor(lead), team="acute")
    assert all(n.contract_hours > 0 for n in listed) and len(listed) >= 10
    # Nothing of the nurses' roster is adopted yet (the demo physicians' on-call roster is: consults/demo.py).
    assert not session.exec(select(RosterAssignment).where(RosterAssignment.shift_code != "so_oncall")).all()


def test_status_follows_the_roster_unless_she_chose(app, session, clock, run_job):
    night_type(session)
    shift_start = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)  # Tue 23:00 local, ends Wed 06:30 UTC
    forgot = make_user(session, availability="off_duty", availability_set_at=shift_start - timedelta(hours=8))
    opted_out = make_user(session, availability="off_duty", availability_set_at=shift_start + timedelta(hours=1))
    busy = make_user(session, availability="busy", availability_set_at=shift_start - timedelta(hours=8))
    for nurse in (forgot, opted_out, busy):
        put_on(session, nurse, day=TODAY - timedelta(days=1))
    clock.set(START)  # 02:00 UTC, during the night
    run_job(jobs.sync_availability)
    run_job(jobs.sync_availability)
    session.commit()
    session.expire_all()
    status = {u.id: u.availability for u in session.exec(select(User)).all()}
    assert (status[forgot.id], status[opted_out.id], status[busy.id]) == ("available", "off_duty", "busy")
    # After the shift: back off duty, except whoever said 'available' after it ended.
    after_end = datetime(2026, 11, 25, 6, 45, tzinfo=UTC)
    keeps_going = make_user(session, availability="available", availability_set_at=after_end)
    put_on(session, keeps_going, day=TODAY - timedelta(days=1))
    clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=UTC))
    changed = availability.sync_shift_availability(session, now=clock.now())
    assert changed == {"started": 0, "ended": 1}
    session.commit()
    session.expire_all()
    status = {u.id: u.availability for u in session.exec(select(User)).all()}
    assert (status[forgot.id], status[keeps_going.id], status[busy.id]) == ("off_duty", "available", "busy")
