"""The rollup's stored days give exactly the live figures, before and after late changes (on SQLite and PG).

The hand-counted fortnight (tests/outcomes/history.py) is stored by the job; then, the next morning, real
services change it the way days change late: a handover written and acknowledged for an old call, an old
accepted call reached and completed, and a re-call that makes an older call of the same client a re-call.
"""
from dataclasses import asdict
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from backend.clock import build_scheduler
from backend.outcomes import rollup, service
from backend.visits import handovers
from backend.visits import service as visits
from backend.visits.models import Visit
from tests.factories import actor, make_call, make_user
from tests.outcomes.history import END, START, make_fortnight

Z = timezone.utc
STORED_AT = datetime(2026, 11, 23, 3, 0, tzinfo=Z)  # the night after the fortnight (04:00 in Amsterdam)
LATE = datetime(2026, 11, 23, 12, 0, tzinfo=Z)
M = timedelta(minutes=1)


@pytest.fixture
def people(session):
    lead = make_user(session, role="team_lead", team="acute")
    coordinator = make_user(session, role="regional_coordinator", team=None)
    return lead, coordinator


def both_paths(session, who, *, start=START, end=END, now=LATE):
    """Return (via the rollup, live) of the period and of its weeks, as plain dicts."""
    out = []
    for live in (False, True):
        period = service.period_figures(session, actor=actor(who), now=now, start=start, end=end, live=live)
        weeks = service.weekly_figures(session, actor=actor(who), now=now, start=start, end=end, live=live)
        out.append((asdict(period), [asdict(w) for w in weeks]))
    return out


def late_changes(session, w):
    """At LATE: c2 gets a second handover, acknowledged; c4 is reached and completed; client A calls again."""
    nurse = actor(w.nurse)
    c2_visit = session.exec(select(Visit).where(Visit.call_id == w.c2.id)).one()
    new = handovers.create_handover(session, actor=nurse, data={
        "visit_id": c2_visit.id, "recipient_type": "gp", "recipient_name": "Huisarts De Boer", "situation": "S",
        "background": "B", "assessment": "A", "recommendation": "R", "expires_in_hours": 72},
        now=LATE, base_url="http://127.0.0.1")
    session.commit()
    handovers.acknowledge(session, token=new.share_token, name="Dr. De Boer", now=LATE + 20 * M,
                          meta={"request_id": "test", "ip": "127.0.0.1", "user_agent": "test"})
    session.commit()
    record = visits.create_visit(session, actor=nurse, data={"call_id": w.c4.id}, now=LATE)
    session.commit()
    visits.complete_visit(session, actor=nurse, visit_id=record.visit.id, data={"outcome": "home_resolved"},
                          now=LATE + 30 * M)
    session.commit()
    # c6 (client A) was completed 19 Nov 21:20 UTC: a call now is a re-call within 30 days (not 72 h).
    make_call(session, client=w.client_a, urgency="U4", now=LATE)


def test_stored_days_equal_live_figures_before_and_after_late_changes(session, people):
    lead, coordinator = people
    w = make_fortnight(session)
    assert rollup.refresh(session, now=STORED_AT) >= 14
    # every day of the fortnight comes from the rollup: nothing is read live
    p = rollup.plan(session, start=START, end=END, bounds=None)
    assert (len(p.days), p.live) == (14, [])
    for who in (lead, coordinator):
        stored, live = both_paths(session, who, now=STORED_AT)
        assert stored == live
    before = both_paths(session, lead, now=STORED_AT)[0][0]
    assert (before["response"]["p50_minutes"], before["response"]["p90_minutes"]) == (100.0, 540.0)  # hand count
    assert (before["recalls_72h"], before["recalls_30d"], before["handovers"]["total"]) == (1, 2, 5)

    late_changes(session, w)
    # touched: c2's and c4's day (16 Nov), c6's through the re-call (19 Nov), the new call's (today, live anyway)
    assert rollup.touched_days(session, since=STORED_AT) == {date(2026, 11, 16), date(2026, 11, 19), date(2026, 11, 23)}
    p = rollup.plan(session, start=START, end=END, bounds=None)
    assert len(p.days) == 12 and date(2026, 11, 16) not in p.days and date(2026, 11, 19) not in p.days
    for who in (lead, coordinator):
        stored, live = both_paths(session, who)
        assert stored == live
    period = both_paths(session, lead)[0][0]
    assert (period["recalls_72h"], period["recalls_30d"]) == (1, 3)  # c6: 86.7 h later, within 30 days
    assert (period["handovers"]["total"], period["handovers"]["acknowledged"], period["completed"]) == (6, 4, 8)
    assert period["response"]["on_site"] == 8

    # the next run (over LAG after the last change) stores those days again: nothing is read live any more
    assert rollup.refresh(session, now=LATE + 60 * M) == 2
    later = LATE + 2 * 60 * M
    assert rollup.plan(session, start=START, end=END, bounds=None).live == []
    for who in (lead, coordinator):
        stored, live = both_paths(session, who, now=later)
        assert stored == live and stored[0]["recalls_30d"] == 3


def test_a_period_that_cuts_days_reads_the_cut_parts_live(session, people):
    lead, coordinator = people
    make_fortnight(session)
    rollup.refresh(session, now=STORED_AT)
    start, end = START + 5 * 60 * M, END - 3 * 60 * M
    p = rollup.plan(session, start=start, end=end, bounds=None)
    assert len(p.days) == 12 and p.live[0] == (start, START + 24 * 60 * M) and p.live[-1][1] == end
    for who in (lead, coordinator):
        stored, live = both_paths(session, who, start=start, end=end, now=STORED_AT)
        assert stored == live


def test_today_and_days_not_stored_yet_are_live(session, people):
    lead, _ = people
    make_fortnight(session)
    rollup.refresh(session, now=datetime(2026, 11, 18, 12, 0, tzinfo=Z))  # stores 9–17 Nov only
    p = rollup.plan(session, start=START, end=END, bounds=None)
    # (the fixture's later calls look "touched" then, and re-call c5 and c7: 16 and 17 Nov are live as well)
    assert sorted(p.days) == [date(2026, 11, d) for d in range(9, 16)]
    assert p.live == [(datetime(2026, 11, 15, 23, 0, tzinfo=Z), END)]
    stored, live = both_paths(session, lead, now=STORED_AT)
    assert stored == live
    # the next night the job catches up: 18–22 Nov, and 16–17 Nov again (touched since its last run)
    assert rollup.refresh(session, now=STORED_AT) == 7
    assert rollup.plan(session, start=START, end=END, bounds=None).live == []


def test_the_clock_runs_the_rollup(app):
    assert "outcomes.rollup" in {job.id for job in build_scheduler(app).get_jobs()}
