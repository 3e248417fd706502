"""The Arbeidstijdenwet rules added in v1.1, each exactly at its limit and one minute (or one night) over, in the
checker and in the solver; and a 16-week average spanning two planning periods through the service."""
from datetime import date, datetime, time, timedelta

from backend.roster import plans, service
from backend.roster.models import RosterShiftType
from backend.roster.planning import (
    Assignment, Nurse, RosterProblem, Shift, ShiftType, WorkingTimeRules, expand_shifts, local_moment, make_shift,
)
from backend.roster.rules import check_plan
from backend.roster.solver import solve
from tests.factories import START, actor, make_user

MONDAY = date(2026, 12, 7)
NIGHT = ShiftType("night", "Nachtdienst", time(23), time(7, 30))
NURSE = [Nurse(1, "Anna", contract_hours=36)]


def block(day: date, start: time, minutes: int, code="work") -> Shift:
    """A shift of any length by hand (history and odd cases)."""
    begin = local_moment(day, start)
    return Shift(code, code, day, begin, begin + timedelta(minutes=minutes), 0, 0, context=True)


def broken(problem, assignments):
    return [v for v in check_plan(problem, assignments, include_gaps=False)]


def nights(*days):
    return [Assignment(1, make_shift(NIGHT, MONDAY + timedelta(days=d))) for d in days]


# --- 46 h after a series of 3 or more nights (art. 5:8) ---------------------------------------

def early(start: time):
    return ShiftType("early", "Vroege dienst", start, time(13))


def test_series_rest_at_46_hours_is_fine_one_minute_less_is_reported():
    # Nights Mon, Tue, Wed end Thursday 07:30; 46 h later is Saturday 05:30.
    saturday = MONDAY + timedelta(days=5)
    problem = RosterProblem(expand_shifts([NIGHT], MONDAY, saturday), NURSE)
    at_limit = nights(0, 1, 2) + [Assignment(1, make_shift(early(time(5, 30)), saturday))]
    assert broken(problem, at_limit) == []
    over = nights(0, 1, 2) + [Assignment(1, make_shift(early(time(5, 29)), saturday))]
    [violation] = broken(problem, over)
    assert violation.rule == "series_rest"
    assert "na 3 nachtdiensten" in violation.message and "45 uur 59 min" in violation.message
    assert "do 10 dec 07:30" in violation.message and "za 12 dec 05:29" in violation.message
    assert "Arbeidstijdenwet art. 5:8" in violation.message
    # Two nights are no series: 14 h after the last is enough.
    assert broken(problem, nights(0, 1) + [Assignment(1, make_shift(early(time(5, 29)), saturday))]) == []


def test_series_rest_in_the_solver():
    saturday = MONDAY + timedelta(days=5)
    for start, filled in ((time(5, 30), True), (time(5, 29), False)):
        shift_type = ShiftType("early", "Vroege dienst", start, time(13), weekdays=frozenset({5}))
        shifts = expand_shifts([NIGHT, shift_type], MONDAY, saturday)
        by_key = {s.key: s for s in shifts}
        pins = [Assignment(1, by_key[f"night@{MONDAY + timedelta(days=d)}"], pinned=True) for d in range(3)]
        # Only the three pinned nights and Saturday's early shift are wanted.
        for s in shifts:
            if s.code == "night":
                object.__setattr__(s, "min_staff", 0)
        problem = RosterProblem(shifts, NURSE, pins=pins)
        result = solve(problem, time_limit=5)
        assert result.violations == []
        assert any(a.shift.key == f"early@{saturday}" for a in result.assignments) is filled


def test_a_night_the_next_day_continues_the_series():
    problem = RosterProblem(expand_shifts([NIGHT], MONDAY, MONDAY + timedelta(days=10)), NURSE)
    assert broken(problem, nights(0, 1, 2, 3)) == []
    # After four nights, the fifth two days later leaves 39.5 h.
    assert [v.rule for v in broken(problem, nights(0, 1, 2, 3, 5))] == ["series_rest"]


# --- 48 h a week on average over 16 weeks (art. 5:7) -----------------------------------------

def history_weeks(minutes_per_week: int, weeks: int = 15, per_week: int = 4):
    """Worked weeks before MONDAY's week, `per_week` equal day shifts each."""
    out = []
    for w in range(weeks, 0, -1):
        monday = MONDAY - timedelta(weeks=w)
        for d in range(per_week):
            out.append(Assignment(1, block(monday + timedelta(days=d), time(7), minutes_per_week // per_week)))
    return out


def test_average_48_hours_at_the_limit_and_one_minute_over():
    rules = WorkingTimeRules(max_hours_per_week=60)
    history = history_weeks(48 * 60)  # 15 weeks of exactly 48 h
    problem = RosterProblem([], NURSE, history=history, rules=rules)
    week = [Assignment(1, block(MONDAY + timedelta(days=d), time(7), 720)) for d in range(4)]  # 48 h
    assert broken(problem, week) == []
    over = week[:3] + [Assignment(1, block(MONDAY + timedelta(days=3), time(7), 721))]
    [violation] = broken(problem, over)
    assert violation.rule == "average_hours"
    assert "werkt 768 uur 1 min, gemiddeld 48 uur per week; maximaal 48 uur per week" in violation.message
    assert "ma 24 aug 2026 t/m zo 13 dec 2026" in violation.message
    assert "Arbeidstijdenwet art. 5:7" in violation.message


def test_average_48_hours_in_the_solver_counts_the_weeks_before():
    rules = WorkingTimeRules(max_hours_per_week=60, weight_contract_hours=0)
    for end, filled in ((time(19), 4), (time(19, 1), 3)):
        day = ShiftType("day", "Dagdienst", time(7), end, weekdays=frozenset({0, 1, 2, 3}))
        problem = RosterProblem(expand_shifts([day], MONDAY, MONDAY + timedelta(days=6)), NURSE,
                                history=history_weeks(48 * 60), rules=rules)
        result = solve(problem, time_limit=5)
        assert len(result.assignments) == filled and result.violations == []


# --- at most 36 nights in 16 weeks (art. 5:8) -----------------------------------------------

def night_history(count: int):
    """`count` nights spread over the 15 weeks before, never two in a row."""
    out = []
    for i in range(count):
        monday = MONDAY - timedelta(weeks=15 - i // 3)
        out.append(Assignment(1, make_shift(NIGHT, monday + timedelta(days=2 * (i % 3)))))
    return [Assignment(a.nurse_id, Shift(**{**a.shift.__dict__, "context": True})) for a in out]


def test_36_nights_in_16_weeks_at_the_limit_and_one_over():
    problem = RosterProblem([], NURSE, history=night_history(35))
    assert broken(problem, nights(0)) == []
    [violation] = broken(problem, nights(0, 2))
    assert violation.rule == "nights_per_period"
    assert "heeft 37 nachtdiensten; maximaal 36" in violation.message and "art. 5:8" in violation.message
    # A team on the other regime of art. 5:8 (38 h of night work in 2 weeks) turns the count off.
    problem.rules = WorkingTimeRules(max_nights_per_period=0)
    assert broken(problem, nights(0, 2)) == []


def test_36_nights_in_the_solver():
    night = ShiftType("night", "Nachtdienst", time(23), time(7, 30), weekdays=frozenset({0, 2}))
    problem = RosterProblem(expand_shifts([night], MONDAY, MONDAY + timedelta(days=6)), NURSE,
                            history=night_history(35))
    result = solve(problem, time_limit=5)
    assert len(result.assignments) == 1 and len(result.unfilled) == 1 and result.violations == []


# --- 40 h on average with 16 or more nights ending after 02:00 (art. 5:8) ------------------

def night_average_history():
    """15 late nights and day work: 40 h × 16 weeks less one night of 8.5 h."""
    late = night_history(15)
    worked = sum(a.shift.minutes for a in late)
    per_week = (40 * 16 * 60 - 510 - worked) // 15  # day work over the same 15 weeks, Tue/Thu/Sat/Sun
    days = [Assignment(1, block(MONDAY - timedelta(weeks=w) + timedelta(days=d), time(12), per_week // 4))
            for w in range(15, 0, -1) for d in (1, 3, 5, 6)]
    assert sum(a.shift.minutes for a in late + days) == 40 * 16 * 60 - 510
    return late + days


def test_night_average_40_hours_at_the_limit_and_one_minute_over():
    rules = WorkingTimeRules(max_hours_per_week=60)
    problem = RosterProblem([], NURSE, history=night_average_history(), rules=rules)
    assert broken(problem, nights(0)) == []  # the 16th night, exactly 40 h on average
    longer = ShiftType("night", "Nachtdienst", time(23), time(7, 31))
    [violation] = broken(problem, [Assignment(1, make_shift(longer, MONDAY))])
    assert violation.rule == "night_average_hours"
    assert "werkt 640 uur 1 min" in violation.message and "16 nachtdiensten tot na 02:00" in violation.message
    assert "maximaal 40 uur per week" in violation.message
    # A 16th night ending before 02:00 does not bring the 40 h in: the 48 h average holds.
    short = ShiftType("night", "Nachtdienst", time(20), time(1, 59))
    assert broken(problem, [Assignment(1, make_shift(short, MONDAY))]) == []


def test_night_average_40_hours_in_the_solver():
    rules = WorkingTimeRules(max_hours_per_week=60, weight_contract_hours=0)
    for end, filled in ((time(7, 30), 1), (time(7, 31), 0)):
        night = ShiftType("night", "Nachtdienst", time(23), end, weekdays=frozenset({0}))
        problem = RosterProblem(expand_shifts([night], MONDAY, MONDAY + timedelta(days=6)), NURSE,
                                history=night_average_history(), rules=rules)
        result = solve(problem, time_limit=5)
        assert len(result.assignments) == filled and result.violations == []


# --- a 16-week average across two planning periods (the service) --------------------------

def test_the_average_spans_two_planning_periods(session):
    lead = make_user(session, role="team_lead", team="acute")
    nurse = make_user(session, team="acute", skills=[])
    session.add(RosterShiftType(team="acute", code="day", name="Dagdienst", start_time="08:00", end_time="16:00"))
    session.commit()
    # The team sets 10 h a week on average: 160 h, twenty 8-hour shifts, in any 16 weeks.
    service.set_rules(session, actor=actor(lead), team="acute", data={"max_average_hours": 10})
    first = date(2026, 11, 30)
    proposal = plans.generate_roster(session, actor=actor(lead), team="acute", start_date=first,
                                     end_date=first + timedelta(days=13), now=START, time_limit=5)
    assert len(proposal.assignments) == 14
    plans.adopt_proposal(session, actor=actor(lead), proposal_id=proposal.id, now=START)
    second = plans.generate_roster(session, actor=actor(lead), team="acute", start_date=first + timedelta(days=14),
                                   end_date=first + timedelta(days=27), now=START, time_limit=5)
    assert len(second.assignments) == 6 and second.violations == []
    plans.adopt_proposal(session, actor=actor(lead), proposal_id=second.id, now=START)
    window = dict(start=datetime.combine(first, time(0)).astimezone(),
                  end=datetime.combine(first + timedelta(days=28), time(0)).astimezone())
    assert [v for v in plans.check_roster(session, actor=actor(lead), team="acute", **window) if v.hard] == []
    free = next(first + timedelta(days=14 + d) for d in range(14)
                if not any(a["day"] == (first + timedelta(days=14 + d)).isoformat() for a in second.assignments))
    service.add_assignment(session, actor=actor(lead), data={"nurse_id": nurse.id, "shift": "day", "day": free},
                           now=START)
    found = [v for v in plans.check_roster(session, actor=actor(lead), team="acute", **window) if v.hard]
    assert [v.rule for v in found] == ["average_hours"]
    assert "werkt 168 uur, gemiddeld 10,5 uur per week; maximaal 10 uur per week" in found[0].message


# --- wishes ---------------------------------------------------------------------------------

def test_all_wishes_are_honoured_where_they_can_be():
    from backend.roster.planning import Wish
    evening = ShiftType("evening", "Avonddienst", time(15), time(23))
    nurses = [Nurse(i, f"V{i}", contract_hours=24) for i in (1, 2, 3, 4)]
    shifts = expand_shifts([evening, NIGHT], MONDAY, MONDAY + timedelta(days=6))
    wishes = [Wish(1, MONDAY, kind="day_off"), Wish(2, MONDAY + timedelta(days=1), kind="day_off"),
              Wish(3, MONDAY, kind="no_nights"), Wish(1, MONDAY + timedelta(days=3), kind="preferred_shift",
                                                      shift_code="night")]
    result = solve(RosterProblem(shifts, nurses, wishes=wishes), time_limit=5)
    assert result.unfilled == [] and result.unmet_wishes == []
    worked = {(a.nurse_id, a.shift.key) for a in result.assignments}
    assert not any((1, k) in worked for k in (f"evening@{MONDAY}", f"night@{MONDAY}"))
    assert not any(n == 3 and k.startswith("night") for n, k in worked)
    assert (1, f"night@{MONDAY + timedelta(days=3)}") in worked


def test_wishes_that_cannot_all_be_met_are_split_fairly_and_explained():
    from backend.roster.planning import Wish
    day = ShiftType("day", "Dagdienst", time(8), time(16), weekdays=frozenset({0, 1, 2, 3}))
    nurses = [Nurse(1, "Anna"), Nurse(2, "Bram")]
    # Both want all four days off; every day needs one of them: four wishes must lose.
    wishes = [Wish(n, MONDAY + timedelta(days=d), kind="day_off") for n in (1, 2) for d in range(4)]
    rules = WorkingTimeRules(weight_contract_hours=0, weight_fair_nights=0, weight_fair_weekends=0)
    result = solve(RosterProblem(expand_shifts([day], MONDAY, MONDAY + timedelta(days=6)), nurses,
                                 wishes=wishes, rules=rules), time_limit=5)
    assert result.unfilled == []
    unmet = result.unmet_wishes
    assert len(unmet) == 4
    assert sorted(w["nurse_id"] for w in unmet) == [1, 1, 2, 2]  # two each, not four for one
    assert all("hadden daar zelf ook een wens" in w["message"] for w in unmet)
