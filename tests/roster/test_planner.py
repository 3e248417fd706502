"""The pure planner: shifts across DST, every hard rule in solver and checker, pins, gaps, iCalendar."""
from datetime import date, datetime, time, timedelta, timezone

import pytest
from icalendar import Calendar

from backend.roster.ical import shifts_to_ical
from backend.roster.planning import (
    Assignment, Nurse, RosterProblem, ShiftType, SkillNeed, Unavailability, Wish, WorkingTimeRules, expand_shifts,
    make_shift,
)
from backend.roster.rule_base import is_night, is_weekend
from backend.roster.rules import check_plan
from backend.roster.solver import PlanningError, solve

EVENING = ShiftType("evening", "Avonddienst", time(15), time(23))
NIGHT = ShiftType("night", "Nachtdienst", time(23), time(7, 30))
EARLY = ShiftType("early", "Vroege dienst", time(7), time(15))
LATE = ShiftType("late", "Late dienst", time(21, 30), time(23, 30))
MONDAY = date(2026, 12, 7)
UTC = timezone.utc


def team(count, skills=(), hours=24):
    return [Nurse(i, f"Verpleegkundige {i}", frozenset(skills), hours) for i in range(1, count + 1)]


def on(shift_type, day, nurse_id=1, pinned=False):
    return Assignment(nurse_id, make_shift(shift_type, day), pinned)


def rules_broken(problem, assignments):
    return [v.rule for v in check_plan(problem, assignments, include_gaps=False)]


def problem_for(types, days, nurses, **kw):
    return RosterProblem(expand_shifts(types, MONDAY, MONDAY + timedelta(days=days - 1)), nurses, **kw)


# --- shifts in local time -----------------------------------------------------------------------

def test_night_shift_across_spring_forward_is_seven_and_a_half_hours():
    shift = make_shift(NIGHT, date(2027, 3, 27))
    assert shift.start == datetime(2027, 3, 27, 22, 0, tzinfo=UTC)  # 23:00 CET
    assert shift.end == datetime(2027, 3, 28, 5, 30, tzinfo=UTC)  # 07:30 CEST
    assert shift.minutes == 7 * 60 + 30


def test_night_shift_across_fall_back_is_nine_and_a_half_hours():
    shift = make_shift(NIGHT, date(2026, 10, 24))
    assert shift.start == datetime(2026, 10, 24, 21, 0, tzinfo=UTC)
    assert shift.end == datetime(2026, 10, 25, 6, 30, tzinfo=UTC)
    assert shift.minutes == 9 * 60 + 30


def test_expand_respects_weekdays_and_classifies_nights_and_weekends():
    weekend_day = ShiftType("weekend_day", "Weekenddagdienst", time(7, 30), time(15, 30), weekdays=frozenset({5, 6}))
    shifts = expand_shifts([EVENING, NIGHT, weekend_day], MONDAY, MONDAY + timedelta(days=6))
    assert len(shifts) == 7 + 7 + 2
    assert {s.key for s in shifts if s.code == "weekend_day"} == {"weekend_day@2026-12-12", "weekend_day@2026-12-13"}
    assert all(is_night(s) for s in shifts if s.code == "night")
    assert not any(is_night(s) for s in shifts if s.code != "night")
    weekend = {s.key for s in shifts if is_weekend(s)}
    assert "night@2026-12-11" in weekend and "evening@2026-12-11" not in weekend
    assert "evening@2026-12-12" in weekend


# --- the checker reports every hard rule in a plan made by hand ---------------------------------

def test_checker_accepts_a_lawful_plan():
    problem = problem_for([EVENING, NIGHT], 7, team(1))
    plan = [on(EVENING, MONDAY), on(NIGHT, MONDAY + timedelta(days=2)), on(NIGHT, MONDAY + timedelta(days=3))]
    assert rules_broken(problem, plan) == []


def test_checker_reports_overlap():
    problem = problem_for([EVENING, LATE], 1, team(1))
    violations = check_plan(problem, [on(EVENING, MONDAY), on(LATE, MONDAY)], include_gaps=False)
    assert [v.rule for v in violations] == ["rest"]
    assert "tegelijk" in violations[0].message


def test_checker_reports_less_than_eight_hours_rest():
    # 15:00–23:00 then 07:00 is exactly 8 h: allowed once; 21:30–23:30 then 07:00 is 7.5 h: never.
    problem = problem_for([LATE, EARLY], 2, team(1))
    violations = check_plan(problem, [on(LATE, MONDAY), on(EARLY, MONDAY + timedelta(days=1))], include_gaps=False)
    assert [v.rule for v in violations] == ["rest"]
    assert "7.5 uur rust" in violations[0].message and "minimaal 11 uur" in violations[0].message
    assert violations[0].nurse_id == 1


def test_short_rest_is_allowed_once_a_week_not_twice():
    problem = problem_for([EVENING, EARLY], 7, team(1))
    once = [on(EVENING, MONDAY), on(EARLY, MONDAY + timedelta(days=1))]
    assert rules_broken(problem, once) == []
    twice = once + [on(EVENING, MONDAY + timedelta(days=3)), on(EARLY, MONDAY + timedelta(days=4))]
    violations = check_plan(problem, twice, include_gaps=False)
    assert [v.rule for v in violations] == ["rest"]
    assert "1× per week" in violations[0].message
    # The next calendar week has its own allowance.
    next_week = once + [on(EVENING, MONDAY + timedelta(days=7)), on(EARLY, MONDAY + timedelta(days=8))]
    problem = problem_for([EVENING, EARLY], 14, team(1))
    assert rules_broken(problem, next_week) == []


def test_checker_reports_less_than_fourteen_hours_after_a_night():
    # Night ends 07:30; 21:30 the same day is 14 h later (fine), a shift at 21:00 would be 13.5 h.
    starts_2100 = ShiftType("late9", "Late dienst", time(21), time(23, 30))
    problem = problem_for([NIGHT, starts_2100, LATE], 3, team(1))
    assert rules_broken(problem, [on(NIGHT, MONDAY), on(LATE, MONDAY + timedelta(days=1))]) == []
    violations = check_plan(problem, [on(NIGHT, MONDAY), on(starts_2100, MONDAY + timedelta(days=1))],
                            include_gaps=False)
    assert [v.rule for v in violations] == ["rest"]
    assert "13.5 uur rust" in violations[0].message and "14 uur" in violations[0].message


def test_night_rest_applies_only_after_two_oclock():
    short_night = ShiftType("short_night", "Korte nacht", time(22), time(1, 30))
    problem = problem_for([short_night, EARLY], 2, team(1))
    # Ends 01:30: 11 h rest is enough -> the early shift at 07:00 next morning... is 5.5 h: forbidden anyway.
    day_shift = ShiftType("day", "Dag", time(13), time(21))
    problem = problem_for([short_night, day_shift], 2, team(1))
    # 01:30 -> 13:00 is 11.5 h: fine after a night ending before 02:00, would break the 14 h rule otherwise.
    assert rules_broken(problem, [on(short_night, MONDAY), on(day_shift, MONDAY + timedelta(days=1))]) == []


def test_checker_reports_six_nights_in_a_row_once():
    problem = problem_for([NIGHT], 10, team(1))
    five = [on(NIGHT, MONDAY + timedelta(days=d)) for d in range(5)]
    assert rules_broken(problem, five) == []
    six = five + [on(NIGHT, MONDAY + timedelta(days=5))]
    violations = check_plan(problem, six, include_gaps=False)
    assert [v.rule for v in violations] == ["consecutive_nights"]
    assert "6 nachtdiensten" in violations[0].message
    # One free night ends the series but leaves 39.5 h of rest, not the 46 h owed after it (art. 5:8);
    # two free nights are enough.
    assert rules_broken(problem, five + [on(NIGHT, MONDAY + timedelta(days=6))]) == ["series_rest"]
    assert rules_broken(problem, five + [on(NIGHT, MONDAY + timedelta(days=7))]) == []


def test_checker_reports_too_many_hours_in_a_week():
    rules = WorkingTimeRules(max_hours_per_week=16)
    problem = problem_for([EVENING], 7, team(1), rules=rules)
    plan = [on(EVENING, MONDAY), on(EVENING, MONDAY + timedelta(days=2))]
    assert rules_broken(problem, plan) == []
    violations = check_plan(problem, plan + [on(EVENING, MONDAY + timedelta(days=4))], include_gaps=False)
    assert [v.rule for v in violations] == ["max_hours_per_week"]
    assert "24 uur in week 50" in violations[0].message


def test_checker_reports_work_while_unavailable():
    leave = Unavailability(1, datetime(2026, 12, 8, 0, 0, tzinfo=UTC), datetime(2026, 12, 9, 0, 0, tzinfo=UTC), "verlof")
    problem = problem_for([EVENING], 3, team(1), unavailability=[leave])
    violations = check_plan(problem, [on(EVENING, MONDAY + timedelta(days=1))], include_gaps=False)
    assert [v.rule for v in violations] == ["unavailable"]
    assert "niet beschikbaar (verlof)" in violations[0].message


def test_checker_lists_gaps_in_dutch():
    night = ShiftType("night", "Nachtdienst", time(23), time(7, 30), min_staff=2,
                      skill_needs=(SkillNeed(frozenset({"iv_therapy"})),))
    problem = problem_for([night], 1, team(2))
    gaps = check_plan(problem, [on(night, MONDAY)])
    assert sorted(v.rule for v in gaps) == ["skill_missing", "understaffed"]
    assert all(v.to_dict()["kind"] == "gap" for v in gaps)
    messages = " ".join(v.message for v in gaps)
    assert "Nachtdienst ma 7 dec 23:00–07:30" in messages
    assert "IV-therapie te weinig" in messages and "Niemand in het team is IV-therapie" in messages


# --- the solver never proposes what the checker would report -------------------------------------

def assert_lawful(problem, result):
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert check_plan(problem, result.assignments, include_gaps=False) == []
    assert result.violations == []


def test_solver_keeps_rest_rules_under_pressure():
    # Demand far above supply: the solver would love to chain shifts back to back.
    evening = ShiftType("evening", "Avonddienst", time(15), time(23), min_staff=3)
    night = ShiftType("night", "Nachtdienst", time(23), time(7, 30), min_staff=3)
    early = ShiftType("early", "Vroege dienst", time(7), time(15), min_staff=3)
    problem = problem_for([early, evening, night], 14, team(4))
    result = solve(problem, time_limit=10)
    assert_lawful(problem, result)
    assert result.unfilled  # not enough people: gaps, no broken rule
    for nurse in problem.nurses:
        mine = sorted((a.shift for a in result.assignments if a.nurse_id == nurse.id), key=lambda s: s.start)
        shorts = {}
        for first, then in zip(mine, mine[1:]):
            rest = then.start - first.end
            if is_night(first):
                assert rest >= timedelta(hours=14)
            else:
                assert rest >= timedelta(hours=8)
                if rest < timedelta(hours=11):
                    week = first.local_end.isocalendar()[:2]
                    shorts[week] = shorts.get(week, 0) + 1
        assert all(count <= 1 for count in shorts.values())


def test_solver_never_plans_six_nights_in_a_row():
    night = ShiftType("night", "Nachtdienst", time(23), time(7, 30), min_staff=1)
    problem = problem_for([night], 8, team(1, hours=60), rules=WorkingTimeRules(max_hours_per_week=80))
    result = solve(problem, time_limit=10)
    assert_lawful(problem, result)
    days = sorted(a.shift.day for a in result.assignments)
    run = longest = 1
    for a, b in zip(days, days[1:]):
        run = run + 1 if b - a == timedelta(days=1) else 1
        longest = max(longest, run)
    assert longest <= 5
    assert len(result.unfilled) >= 1


def test_solver_respects_max_hours_and_unavailability():
    evening = ShiftType("evening", "Avonddienst", time(15), time(23), min_staff=1)
    leave = Unavailability(1, datetime(2026, 12, 7, 0, tzinfo=UTC), datetime(2026, 12, 9, 0, tzinfo=UTC), "cursus")
    problem = problem_for([evening], 7, team(2), unavailability=[leave], rules=WorkingTimeRules(max_hours_per_week=24))
    result = solve(problem, time_limit=10)
    assert_lawful(problem, result)
    for nurse in problem.nurses:
        assert sum(a.shift.minutes for a in result.assignments if a.nurse_id == nurse.id) <= 24 * 60
    assert not any(a.nurse_id == 1 and a.shift.day < date(2026, 12, 9) for a in result.assignments)
    assert len(result.unfilled) == 1  # 7 evenings, 2 nurses × 3 evenings


def test_solver_meets_the_skill_mix_and_spreads_nights():
    night = ShiftType("night", "Nachtdienst", time(23), time(7, 30), min_staff=3,
                      skill_needs=(SkillNeed(frozenset({"iv_therapy"})), SkillNeed(frozenset({"hbo", "vs"}))))
    nurses = [Nurse(1, "A", frozenset({"iv_therapy"})), Nurse(2, "B", frozenset({"hbo"})),
              Nurse(3, "C", frozenset({"vs", "iv_therapy"}))] + [Nurse(i, f"N{i}", frozenset(), 24) for i in range(4, 11)]
    problem = problem_for([night], 14, nurses)
    result = solve(problem, time_limit=4)
    assert_lawful(problem, result)
    assert result.unfilled == []
    for shift in problem.shifts:
        staff = [problem.nurse_by_id[a.nurse_id] for a in result.assignments if a.shift.key == shift.key]
        assert len(staff) == 3
        assert any("iv_therapy" in n.skills for n in staff)
        assert any(n.skills & {"hbo", "vs"} for n in staff)
    # Nurses with the same contract and no scarce skill share the remaining nights evenly.
    counts = [sum(1 for a in result.assignments if a.nurse_id == n.id) for n in nurses[3:]]
    assert max(counts) - min(counts) <= 1


def test_pinned_assignments_are_kept():
    evening = ShiftType("evening", "Avonddienst", time(15), time(23), min_staff=1)
    nurses = team(3)
    # Nurse 3 wishes to be free on Wednesday; the team lead pins her anyway.
    wed = MONDAY + timedelta(days=2)
    pins = [on(evening, wed, nurse_id=3, pinned=True)]
    problem = problem_for([evening], 7, nurses, pins=pins, wishes=[Wish(3, wed, want=False, weight=5)])
    result = solve(problem, time_limit=10)
    assert_lawful(problem, result)
    pinned = [a for a in result.assignments if a.pinned]
    assert [(a.nurse_id, a.shift.key) for a in pinned] == [(3, f"evening@{wed}")]
    assert [a.nurse_id for a in result.assignments if a.shift.day == wed] == [3]


def test_wish_to_be_free_is_granted_when_possible():
    evening = ShiftType("evening", "Avonddienst", time(15), time(23), min_staff=1)
    wed = MONDAY + timedelta(days=2)
    problem = problem_for([evening], 7, team(3), wishes=[Wish(1, wed), Wish(2, wed)])
    result = solve(problem, time_limit=10)
    assert [a.nurse_id for a in result.assignments if a.shift.day == wed] == [3]


def test_pins_that_break_a_rule_are_refused_with_the_reason():
    problem = problem_for([NIGHT, EVENING], 2, team(2),
                          pins=[on(NIGHT, MONDAY, pinned=True), on(EVENING, MONDAY + timedelta(days=1), pinned=True)])
    with pytest.raises(PlanningError) as caught:
        solve(problem, time_limit=5)
    assert "harde regel" in caught.value.reason and "rust" in caught.value.reason
    assert [v.rule for v in caught.value.violations] == ["rest"]


def test_pin_outside_the_period_is_refused():
    problem = problem_for([EVENING], 2, team(1), pins=[on(EVENING, MONDAY + timedelta(days=9), pinned=True)])
    with pytest.raises(PlanningError, match="buiten de periode"):
        solve(problem, time_limit=5)


def test_needs_nobody_can_meet_become_gaps_with_a_reason():
    night = ShiftType("night", "Nachtdienst", time(23), time(7, 30), min_staff=4,
                      skill_needs=(SkillNeed(frozenset({"palliative"})),))
    problem = problem_for([night], 2, team(3, skills=("iv_therapy",)))
    result = solve(problem, time_limit=5)
    assert_lawful(problem, result)
    assert len(result.unfilled) == 2
    needs = {m["need"]: m for m in result.unfilled[0]["missing"]}
    assert needs["staff"]["count"] == 1 and "maar 3 verpleegkundige" in needs["staff"]["reason"]
    assert needs["palliative"]["count"] == 1
    assert needs["palliative"]["reason"] == "Niemand in het team is palliatieve zorg."


def test_gap_reason_names_unavailability():
    evening = ShiftType("evening", "Avonddienst", time(15), time(23), min_staff=2)
    leave = [Unavailability(i, datetime(2026, 12, 7, tzinfo=UTC), datetime(2026, 12, 8, tzinfo=UTC), "ziek")
             for i in (1, 2)]
    problem = problem_for([evening], 1, team(3), unavailability=leave)
    result = solve(problem, time_limit=5)
    assert result.unfilled[0]["missing"][0]["reason"] == "Maar 1 van de 3 (verpleegkundige) zijn beschikbaar."


# --- iCalendar ----------------------------------------------------------------------------------

def test_ical_export_parses_back():
    shifts = [make_shift(NIGHT, date(2027, 3, 27)), make_shift(EVENING, date(2027, 3, 29))]
    body = shifts_to_ical(nurse_id=5, nurse_name="Sanne", team="acute", now=datetime(2027, 3, 1, tzinfo=UTC),
                          shifts=[(s.code, s.name, s.start, s.end) for s in shifts])
    cal = Calendar.from_ical(body)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 2
    first = events[0]
    assert first.decoded("dtstart") == datetime(2027, 3, 27, 22, 0, tzinfo=UTC)
    assert first.decoded("dtend") == datetime(2027, 3, 28, 5, 30, tzinfo=UTC)
    assert str(first["summary"]) == "Nachtdienst (acute)"
    assert len({str(e["uid"]) for e in events}) == 2


def test_what_the_roster_breaks_around_the_period_does_not_block_planning():
    night = ShiftType("night", "Nachtdienst", time(23), time(7, 30), min_staff=1)
    evening = ShiftType("evening", "Avonddienst", time(15), time(23), min_staff=1)
    shifts = expand_shifts([night, evening], MONDAY, MONDAY + timedelta(days=1), margin_days=6)
    by_key = {s.key: s for s in shifts}
    saturday, sunday = MONDAY - timedelta(days=2), MONDAY - timedelta(days=1)
    # Already rostered by hand: nurse 1 works Saturday night and Sunday evening (7.5 h rest), and Sunday night.
    around = [Assignment(1, by_key[f"night@{saturday}"]), Assignment(1, by_key[f"evening@{sunday}"]),
              Assignment(1, by_key[f"night@{sunday}"])]
    problem = RosterProblem(shifts, team(2), pins=around)
    result = solve(problem, time_limit=5)
    assert result.violations == []
    planned = [a for a in result.assignments if not a.shift.context]
    assert len(planned) == 4 and result.unfilled == []
    # Sunday's night ends Monday 07:30: nurse 1 cannot take Monday's evening.
    assert [a.nurse_id for a in planned if a.shift.key == f"evening@{MONDAY}"] == [2]
    # The checker still reports what is broken around the period.
    assert [v.rule for v in check_plan(problem, around, include_gaps=False)] == ["rest", "rest"]


def test_six_nights_across_the_period_edge_are_prevented():
    night = ShiftType("night", "Nachtdienst", time(23), time(7, 30), min_staff=1)
    shifts = expand_shifts([night], MONDAY, MONDAY + timedelta(days=2), margin_days=6)
    by_key = {s.key: s for s in shifts}
    before = [Assignment(1, by_key[f"night@{MONDAY - timedelta(days=d)}"]) for d in range(1, 5)]  # Thu-Sun
    # Without the 46 h after a series (series_min_nights=0), only the series length limits her.
    problem = RosterProblem(shifts, [Nurse(1, "A", contract_hours=60)], pins=before,
                            rules=WorkingTimeRules(max_hours_per_week=80, series_min_nights=0))
    result = solve(problem, time_limit=5)
    planned = sorted(a.shift.day for a in result.assignments if not a.shift.context)
    # Monday and Tuesday after Thursday–Sunday would make 6 in a row: one of them stays open.
    assert len(planned) == 2 and MONDAY + timedelta(days=2) in planned
    assert len(result.unfilled) == 1
    assert check_plan(problem, result.assignments, include_gaps=False) == []
    # With it, Wednesday after Monday (or Tuesday after Sunday) leaves 39.5 h: one night of the three.
    problem.rules = WorkingTimeRules(max_hours_per_week=80)
    result = solve(problem, time_limit=5)
    assert len([a for a in result.assignments if not a.shift.context]) == 1
    assert check_plan(problem, result.assignments, include_gaps=False) == []
