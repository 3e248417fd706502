"""What every roster rule stands on: `Violation`, the `Rule` base, and the predicates both halves of a rule
call (so the planner can never propose what the checker would report, and the other way round)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from backend.roster.planning import Assignment, RosterProblem, Shift, SkillNeed, MONTHS_NL, WorkingTimeRules
from backend.timeutil import AMSTERDAM


@dataclass(frozen=True)
class Violation:
    """A broken hard rule or a coverage gap, in words a team lead reads."""

    rule: str
    start: datetime
    end: datetime
    message: str
    nurse_id: int | None = None
    shift: str | None = None
    hard: bool = True
    context_only: bool = False  # only shifts outside the planned period are involved

    @property
    def kind(self) -> str:
        """'rule' for a broken hard rule, 'gap' for a need not met."""
        return "rule" if self.hard else "gap"

    def to_dict(self) -> dict:
        """Return the violation as the body of a refused request carries it (times as ISO 8601)."""
        return {"rule": self.rule, "nurse_id": self.nurse_id, "shift": self.shift, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "message": self.message, "kind": self.kind}


def is_night(shift: Shift) -> bool:
    """A night shift (ATW): more than one hour of it falls between 00:00 and 06:00 local time."""
    local_start, local_end = shift.local_start, shift.local_end
    day = local_start.date()
    overlap = timedelta()
    for d in (day, day + timedelta(days=1)):
        window_start = datetime.combine(d, time(0, 0), tzinfo=AMSTERDAM)
        window_end = datetime.combine(d, time(6, 0), tzinfo=AMSTERDAM)
        lo, hi = max(local_start, window_start), min(local_end, window_end)
        if hi > lo:
            overlap += hi - lo
    return overlap > timedelta(hours=1)


def is_weekend(shift: Shift) -> bool:
    """A weekend shift: it starts on Saturday or Sunday, or it is the Friday night into Saturday."""
    weekday = shift.local_start.weekday()
    return weekday >= 5 or (weekday == 4 and shift.local_end.weekday() == 5 and is_night(shift))


def rest_needed(shift: Shift, rules: WorkingTimeRules) -> timedelta:
    """Rest owed after a shift: the night rest after a night shift ending after `night_end_after`, else the
    minimum rest (both set per team)."""
    if late_night(shift, rules):  # Arbeidstijdenwet art. 5:8: 14 hours after a night ending after 02:00
        return timedelta(hours=rules.night_rest_hours)
    return timedelta(hours=rules.min_rest_hours)


def rest_kind(first: Shift, then: Shift, rules: WorkingTimeRules) -> str | None:
    """Classify working `first` and then `then`: None (fine), 'short' (allowed once a week), 'forbidden'."""
    if then.start < first.end:
        return "forbidden"  # they overlap
    gap = then.start - first.end
    needed = rest_needed(first, rules)
    if gap >= needed:
        return None
    if needed > timedelta(hours=rules.min_rest_hours):
        return "forbidden"  # the night rest is never shortened
    return "short" if gap >= timedelta(hours=rules.short_rest_hours) else "forbidden"


def rest_week(first: Shift) -> tuple[int, int]:
    """The calendar week a rest after `first` counts against (ISO week of its local end)."""
    return tuple(first.local_end.isocalendar()[:2])


def week_of(shift: Shift) -> tuple[int, int]:
    """The calendar week a shift's hours count in (ISO week of its local start)."""
    return tuple(shift.local_start.isocalendar()[:2])


def late_night(shift: Shift, rules: WorkingTimeRules) -> bool:
    """A night shift ending after `night_end_after` (02:00): it owes the night rest and counts toward the 40-hour
    average (Arbeidstijdenwet art. 5:8)."""
    return is_night(shift) and shift.local_end.time() > rules.night_end_after


def series_rest_broken(last: Shift, then: Shift, rules: WorkingTimeRules) -> bool:
    """Whether working `then` after a series of nights ending with `last` cuts the rest after the series short.

    Arbeidstijdenwet art. 5:8: after a series of 3 or more night shifts, at least 46 hours of uninterrupted rest.
    A night on the next day continues the series (the rest is owed after that one)."""
    if then.start <= last.start:
        return False
    if is_night(then) and then.day == last.day + timedelta(days=1):
        return False
    return then.start - last.end < timedelta(hours=rules.series_rest_hours)


def fmt_span(span: timedelta) -> str:
    """A duration in Dutch: '45 uur 59 min', '46 uur'."""
    minutes = int(span.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours} uur {rest} min" if rest else f"{hours} uur"


def week_start(shift: Shift) -> date:
    """The Monday of the calendar week a shift's hours count in (the week of its local start)."""
    day = shift.local_start.date()
    return day - timedelta(days=day.weekday())


def reference_periods(weeks, rules: WorkingTimeRules) -> list[tuple[date, date]]:
    """Every run of `average_weeks` consecutive calendar weeks (first Monday, last Monday) holding one of `weeks`
    (Arbeidstijdenwet art. 5:7 and 5:8: "in elke periode van 16 aaneengesloten weken")."""
    span = timedelta(weeks=rules.average_weeks - 1)
    firsts = {w - timedelta(weeks=k) for w in weeks for k in range(rules.average_weeks)}
    return [(f, f + span) for f in sorted(firsts)]


def fmt_period(first_monday: date, last_monday: date) -> str:
    """Name a reference period in Dutch: 'ma 7 sep 2026 t/m zo 27 dec 2026'."""
    last_sunday = last_monday + timedelta(days=6)
    return (f"ma {first_monday.day} {MONTHS_NL[first_monday.month - 1]} {first_monday.year} t/m "
            f"zo {last_sunday.day} {MONTHS_NL[last_sunday.month - 1]} {last_sunday.year}")


def night_windows(days, rules: WorkingTimeRules) -> list[tuple[date, date]]:
    """Every run of max_consecutive_nights + 1 calendar days starting on one of `days`."""
    span = timedelta(days=rules.max_consecutive_nights)
    return [(d, d + span) for d in sorted(set(days))]


def wish_shifts(wish, shifts) -> list[Shift]:
    """The shifts a wish is about: on its day (of its shift type, if given), or the nights of its week."""
    if wish.kind == "no_nights":
        last = wish.day + timedelta(days=6)
        return [s for s in shifts if is_night(s) and wish.day <= s.day <= last]
    return [s for s in shifts if wish.matches(s)]


def wish_met(wish, worked) -> bool:
    """Whether a nurse's worked shifts honour her wish: none of them (free, no nights), or one (preferred)."""
    about = wish_shifts(wish, worked)
    return bool(about) if wish.want else not about


def blocking(problem: RosterProblem, nurse_id: int, shift: Shift):
    """The unavailability of the nurse that overlaps the shift, if any."""
    for item in problem.unavailability:
        if item.nurse_id == nurse_id and item.start < shift.end and shift.start < item.end:
            return item
    return None


def covers(problem: RosterProblem, nurse_id: int, need: SkillNeed) -> bool:
    """Whether the nurse counts toward a skill need."""
    nurse = problem.nurse_by_id.get(nurse_id)
    return nurse is not None and nurse.has_any(need.any_of)


def nurse_name(problem: RosterProblem, nurse_id: int) -> str:
    nurse = problem.nurse_by_id.get(nurse_id)
    return nurse.name if nurse else f"verpleegkundige {nurse_id}"


def by_nurse(assignments) -> dict[int, list[Assignment]]:
    grouped = defaultdict(list)
    for a in assignments:
        grouped[a.nurse_id].append(a)
    for items in grouped.values():
        items.sort(key=lambda a: (a.shift.start, a.shift.code))
    return grouped


class Rule:
    """A rule: `constrain` adds it to the CP-SAT model, `check` reports where a plan breaks it."""

    code = ""
    hard = True

    def constrain(self, m) -> None:  # m: solver.RosterModel
        raise NotImplementedError

    def check(self, problem: RosterProblem, assignments: list[Assignment]) -> list[Violation]:
        raise NotImplementedError
