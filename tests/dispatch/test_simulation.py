"""The night simulator on two small nights: the real service layer keeps its rules under every policy."""
from datetime import timedelta

import pytest
from sqlmodel import select

from backend.dispatch.models import Call
from bench.simlib import report
from bench.simlib.engine import POLICIES, InvariantError, Simulation, check_invariants, simulate
from bench.simlib.optimum import solve
from bench.simlib.scenario import make_night

# Two small nights: few calls close together, so nurses are busy and calls wait (and the solver proves).
NIGHTS = [("busy", 7, 9), ("normal", 3, 8)]


@pytest.fixture(scope="module")
def played():
    """Each small night under each policy (played once for the module: the runs are the slow part)."""
    out = {}
    for scenario, seed, calls in NIGHTS:
        night = make_night(scenario, seed, calls=calls)
        # Squeeze the night's calls into its first two hours: a rush, so policies differ.
        night.calls = [c.__class__(**{**c.__dict__, "minute": c.minute % 120}) for c in night.calls]
        night.calls.sort(key=lambda c: c.minute)
        out[scenario] = (night, {policy: simulate(night, policy) for policy in POLICIES})
    return out


def test_same_seed_same_night_and_another_seed_another():
    assert make_night("busy", 7) == make_night("busy", 7)
    assert make_night("busy", 7).calls != make_night("busy", 8).calls


@pytest.mark.parametrize("scenario", [s for s, _, _ in NIGHTS])
def test_every_call_ends_on_site_after_it_came_and_each_nurse_does_one_thing_at_a_time(played, scenario):
    night, results = played[scenario]
    for policy, result in results.items():
        assert len(result.outcomes) == len(night.calls), policy
        rounds: dict[str, list] = {}
        for outcome in result.outcomes:
            assert outcome.created <= outcome.on_site < outcome.closed, (policy, outcome)
            rounds.setdefault(outcome.nurse, []).append(outcome)
        for nurse, done in rounds.items():
            done.sort(key=lambda o: o.on_site)
            for before, after in zip(done, done[1:]):
                assert before.closed <= after.on_site, (policy, nurse)
        assert sum(result.calls_per_nurse.values()) == len(night.calls)


def test_invariant_check_catches_a_nurse_in_two_places_and_a_call_that_never_ends():
    night = make_night("busy", 7, calls=4)
    sim = Simulation(night, "today")
    try:
        sim.run(close=False)
        nurses = list(sim.nurses)
        check_invariants(sim.session, expected_calls=4, nurse_ids=nurses)  # the real night passes
        calls = sim.session.exec(select(Call).order_by(Call.id)).all()
        first, second = calls[0], calls[1]
        # Put both calls on one nurse, overlapping in time.
        second.nurse_id = first.nurse_id
        second.accepted_at = first.accepted_at + timedelta(minutes=1)
        sim.session.add(second)
        sim.session.commit()
        with pytest.raises(InvariantError):
            check_invariants(sim.session, expected_calls=4, nurse_ids=nurses)
        with pytest.raises(InvariantError, match="in the night"):
            check_invariants(sim.session, expected_calls=5, nurse_ids=nurses)
    finally:
        sim.close()


def test_the_hindsight_optimum_is_never_beaten_and_is_a_real_schedule(played):
    night, results = played["busy"]
    best = max(results.values(), key=lambda r: sum(o.within_target for o in r.outcomes))
    found = solve(night, hint=best, time_limit=20, workers=1)
    assert found.optimal
    for policy, result in results.items():
        assert found.within_target >= sum(o.within_target for o in result.outcomes), policy
    by_key = {c.key: c for c in night.calls}
    rounds: dict[str, list] = {}
    for outcome in found.result.outcomes:
        assert outcome.on_site >= outcome.created
        rounds.setdefault(outcome.nurse, []).append(outcome)
    for done in rounds.values():
        done.sort(key=lambda o: o.on_site)
        for before, after in zip(done, done[1:]):
            assert after.on_site >= before.on_site + by_key[before.key].visit_minutes


def test_report_figures(played):
    _, results = played["busy"]
    summaries = [report.summarise(policy, [result]) for policy, result in results.items()]
    for summary in summaries:
        assert all(0 <= value <= 100 for value in summary.within.values())
        assert summary.calls == 9
    text = report.table(summaries)
    assert text.count("\n") == len(summaries) + 1 and "| today |" in text
