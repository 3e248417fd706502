"""Every figure against the hand-counted fortnight (tests/outcomes/history.py), on SQLite and PostgreSQL."""
import pytest

from backend.outcomes import service
from tests.factories import actor, make_user
from tests.outcomes.history import END, START, make_fortnight


@pytest.fixture
def lead(session):
    return make_user(session, role="team_lead", team="acute")


def test_period_figures_match_the_hand_count(session, lead, clock):
    make_fortnight(session)
    f = service.period_figures(session, actor=actor(lead), now=clock.now(), start=START, end=END)
    assert f.team == "acute"
    assert (f.calls.total, f.calls.by_urgency) == (10, {"U2": 2, "U3": 3, "U4": 3, "U5": 2})
    assert f.cancelled == 1
    r = f.response
    assert (r.on_site, r.within_target, r.within_target_pct) == (7, 5, 71.4)
    assert (r.p50_minutes, r.p90_minutes) == (100.0, 540.0)
    u2, u3, u4, u5 = (r.by_urgency[u] for u in ("U2", "U3", "U4", "U5"))
    # exactly on target counts, one minute late does not
    assert (u2.calls, u2.on_site, u2.within_target, u2.within_target_pct) == (2, 2, 1, 50.0)
    assert (u2.p50_minutes, u2.p90_minutes, u2.target_minutes) == (30.5, 30.9, 30.0)
    # cancelled and not-yet-on-site calls have no response
    assert (u3.calls, u3.on_site, u3.within_target_pct, u3.p50_minutes) == (3, 1, 100.0, 60.0)
    assert (u4.on_site, u4.within_target, u4.within_target_pct, u4.p50_minutes, u4.p90_minutes) == (3, 2, 66.7, 240.0, 448.0)
    assert (u5.calls, u5.on_site, u5.within_target) == (2, 1, 1)
    assert f.completed == 7
    assert f.outcomes == {"home_resolved": 1, "follow_up_visit": 1, "own_gp": 1, "temporary_stay": 1, "seh": 1,
                          "hospital_admission": 1, "regular_home_care": 1}
    assert (f.home, f.home_pct) == (4, 57.1)
    h = f.handovers
    assert (h.total, h.acknowledged, h.acknowledged_pct, h.p50_ack_minutes) == (5, 3, 60.0, 60.0)
    o = f.offers
    assert (o.offered, o.first_offer_accepted, o.first_offer_accepted_pct, o.escalations) == (5, 3, 60.0, 2)
    # re-call 71 h after completion counts for 72 h; 73 h only for 30 days
    assert (f.recalls_72h, f.recalls_30d) == (1, 2)


def test_distribution_puts_exactly_on_target_at_100_pct(session, lead, clock):
    make_fortnight(session)
    f = service.period_figures(session, actor=actor(lead), now=clock.now(), start=START, end=END)
    bins = {b.upto_pct: b.counts for b in f.response.distribution}
    assert bins[100]["U2"] == 1 and bins[125]["U2"] == 1  # 30/30 and 31/30
    assert bins[125]["U4"] == 1  # 500/480
    assert sum(sum(c.values()) for c in bins.values()) == 7


def test_weekly_splits_by_iso_week_in_amsterdam_time(session, lead, clock):
    w = make_fortnight(session)
    weeks = service.weekly_figures(session, actor=actor(lead), now=clock.now(), start=START, end=END)
    assert [x.week for x in weeks] == ["2026-W46", "2026-W47"]
    w46, w47 = weeks
    assert (w46.start, w46.end, w47.end) == (START, w47.start, END)
    assert (w46.calls.total, w46.completed, w46.outcomes, w46.handovers.total) == (1, 1, {"temporary_stay": 1}, 1)
    # c4 at Sunday 23:30 UTC is Monday 00:30 in Amsterdam: week 47
    assert w47.calls.total == 9 and w47.calls.by_urgency["U3"] == 3
    assert (w47.response.within_target_pct, w47.recalls_72h, w47.recalls_30d) == (66.7, 1, 2)
    assert (w46.offers.first_offer_accepted, w47.offers.first_offer_accepted, w47.offers.escalations) == (1, 2, 2)
    assert sum(x.calls.total for x in weeks) == 10
    assert w.c4.id  # created


def test_region_without_team_counts_every_team(session, clock):
    make_fortnight(session)
    coordinator = make_user(session, role="regional_coordinator", team=None)
    f = service.period_figures(session, actor=actor(coordinator), now=clock.now(), start=START, end=END)
    assert f.team is None and f.calls.total == 11 and f.calls.by_urgency["U2"] == 3
    fact = service.period_figures(session, actor=actor(coordinator), now=clock.now(), start=START, end=END, team="fact")
    assert (fact.calls.total, fact.response.within_target_pct, fact.home_pct) == (1, 100.0, 0.0)  # completed, no visit outcome: not home


def test_an_empty_period_has_no_percentages(session, lead, clock):
    f = service.period_figures(session, actor=actor(lead), now=clock.now(), start=START, end=END)
    assert f.calls.total == 0 and f.response.within_target_pct is None and f.response.p50_minutes is None
    assert f.home_pct is None and f.handovers.acknowledged_pct is None and f.offers.first_offer_accepted_pct is None


def test_percentile_interpolates_between_ranks():
    assert service.percentile([], 0.5) is None
    assert service.percentile([10], 0.9) == 10
    assert service.percentile([1, 2, 3, 4], 0.5) == 2.5
    assert service.percentile([30, 31, 60, 100, 240, 500, 600], 0.9) == 540.0
