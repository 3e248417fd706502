"""The roster rules, written once: each rule builds its CP-SAT constraints and checks a plan made by hand.

Both halves of a rule call the same predicate (`rule_base.py`: `rest_kind`, `night_windows`, `week_of`,
`blocking`, `covers`), so the planner can never propose what the checker would report, and the other way round.
Hard rules are the Arbeidstijdenwet defaults (configurable per team); coverage needs are soft in the
solver (a shift nobody can fill becomes a gap with its reason, not an infeasible model).
The rules: `week_rules.py` (days and weeks), `period_rules.py` (reference-period averages), `coverage.py`.
"""
from __future__ import annotations

from backend.roster.coverage import Coverage
from backend.roster.period_rules import AverageHours, NightAverageHours, NightsPerPeriod
from backend.roster.planning import Assignment, RosterProblem
from backend.roster.rule_base import Rule, Violation
from backend.roster.week_rules import ConsecutiveNights, MaxWeekHours, Rest, SeriesRest, Unavailable

HARD_RULES: tuple[Rule, ...] = (Unavailable(), Rest(), ConsecutiveNights(), MaxWeekHours(), SeriesRest(),
                                 AverageHours(), NightsPerPeriod(), NightAverageHours())
COVERAGE = Coverage()


def check_plan(problem: RosterProblem, assignments: list[Assignment], *, start=None, end=None,
               include_gaps: bool = True) -> list[Violation]:
    """Check a plan: every broken hard rule and (optionally) every coverage gap, oldest first."""
    found = []
    for rule in HARD_RULES:
        found.extend(rule.check(problem, assignments))
    if include_gaps:
        found.extend(COVERAGE.check(problem, assignments))
    if start is not None:
        found = [v for v in found if v.end > start]
    if end is not None:
        found = [v for v in found if v.start < end]
    return sorted(found, key=lambda v: (v.start, v.rule, v.nurse_id or 0))
