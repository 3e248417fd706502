"""The roster rules, written once: each rule builds its CP-SAT constraints and checks a plan made by hand.

Both halves of a rule call the same predicate (`rest_kind`, `night_windows`, `week_of`, `blocking`,
`covers`), so the planner can never propose what the checker would report, and the other way round.
Hard rules are the Arbeidstijdenwet defaults (configurable per team); coverage needs are soft in the
solver (a shift nobody can fill becomes a gap with its reason, not an infeasible model).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from backend.roster.planning import (
    Assignment,
    RosterProblem,
    Shift,
    SkillNeed,
    MONTHS_NL,
    WorkingTimeRules,
    fmt_local,
    skill_label,
)
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


# --- shared predicates --------------------------------------------------------------------------

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


def _by_nurse(assignments) -> dict[int, list[Assignment]]:
    grouped = defaultdict(list)
    for a in assignments:
        grouped[a.nurse_id].append(a)
    for items in grouped.values():
        items.sort(key=lambda a: (a.shift.start, a.shift.code))
    return grouped


# --- the rules ----------------------------------------------------------------------------------

class Rule:
    """A rule: `constrain` adds it to the CP-SAT model, `check` reports where a plan breaks it."""

    code = ""
    hard = True

    def constrain(self, m) -> None:  # m: solver.RosterModel
        raise NotImplementedError

    def check(self, problem: RosterProblem, assignments: list[Assignment]) -> list[Violation]:
        raise NotImplementedError


class Unavailable(Rule):
    """Nobody works while she is on leave, sick or otherwise unavailable."""

    code = "unavailable"

    def constrain(self, m) -> None:
        for (nurse_id, key), var in m.x.items():
            shift = m.problem.shift_by_key[key]
            if not shift.context and blocking(m.problem, nurse_id, shift):
                m.cp.Add(var == 0)

    def check(self, problem, assignments):
        out = []
        for a in assignments:
            item = blocking(problem, a.nurse_id, a.shift)
            if item:
                why = f" ({item.reason})" if item.reason else ""
                out.append(Violation(
                    self.code, a.shift.start, a.shift.end, nurse_id=a.nurse_id, shift=a.shift.code,
                    message=f"{nurse_name(problem, a.nurse_id)} is niet beschikbaar{why} tijdens "
                            f"{a.shift.label()}.", context_only=a.shift.context,
                ))
        return out


class Rest(Rule):
    """The minimum rest after a shift (shorter a few times a week), the longer night rest after a late-ending
    night, and never two shifts at once; the hours and counts are the team's `WorkingTimeRules`."""

    code = "rest"

    def _pairs(self, problem):
        shifts = problem.shifts
        horizon = timedelta(hours=max(problem.rules.night_rest_hours, problem.rules.min_rest_hours))
        for i, first in enumerate(shifts):
            for then in shifts[i + 1:]:
                if then.start - first.end >= horizon:
                    continue
                kind = rest_kind(first, then, problem.rules)
                if kind:
                    yield first, then, kind

    def constrain(self, m) -> None:
        short_by_week = defaultdict(list)
        fixed_shorts = defaultdict(int)  # short rests already in the roster around the period
        for first, then, kind in self._pairs(m.problem):
            if first.context and then.context:
                for nurse in m.problem.nurses:
                    if kind == "short" and m.fixed(nurse.id, first) and m.fixed(nurse.id, then):
                        fixed_shorts[nurse.id, rest_week(first)] += 1
                continue
            for nurse in m.problem.nurses:
                a, b = m.x[nurse.id, first.key], m.x[nurse.id, then.key]
                if kind == "forbidden":
                    m.cp.AddBoolOr([a.Not(), b.Not()])
                else:
                    short = m.cp.NewBoolVar(f"short_{nurse.id}_{first.key}_{then.key}")
                    m.cp.Add(a + b - 1 <= short)
                    short_by_week[nurse.id, rest_week(first)].append(short)
        for (nurse_id, week), shorts in short_by_week.items():
            allowed = max(0, m.problem.rules.short_rests_per_week - fixed_shorts[nurse_id, week])
            if len(shorts) > allowed:
                m.cp.Add(sum(shorts) <= allowed)

    def check(self, problem, assignments):
        rules = problem.rules
        out = []
        for nurse_id, items in _by_nurse(assignments).items():
            name = nurse_name(problem, nurse_id)
            shorts_in_week = defaultdict(int)
            for prev, nxt in zip(items, items[1:]):
                first, then = prev.shift, nxt.shift
                kind = rest_kind(first, then, rules)
                if kind is None:
                    continue
                gap_hours = (then.start - first.end).total_seconds() / 3600
                needed = rest_needed(first, rules).total_seconds() / 3600
                if kind == "short":
                    shorts_in_week[rest_week(first)] += 1
                    if shorts_in_week[rest_week(first)] <= rules.short_rests_per_week:
                        continue
                    message = (f"{name}: rust van {gap_hours:.1f} uur tussen {first.label()} en "
                               f"{then.label()}; korter dan {needed:g} uur mag maar "
                               f"{rules.short_rests_per_week}× per week.")
                elif then.start < first.end:
                    message = f"{name} staat tegelijk in {first.label()} en {then.label()}."
                else:
                    message = (f"{name}: maar {gap_hours:.1f} uur rust tussen {first.label()} en "
                               f"{then.label()}; minimaal {needed:g} uur nodig.")
                out.append(Violation(self.code, first.end, then.start, nurse_id=nurse_id,
                                     shift=then.code, message=message,
                                     context_only=first.context and then.context))
        return out


class ConsecutiveNights(Rule):
    """At most `max_consecutive_nights` night shifts in a row (the team's rule; Arbeidstijdenwet art. 5:8)."""

    code = "consecutive_nights"

    def constrain(self, m) -> None:
        nights = [s for s in m.problem.shifts if is_night(s)]
        for lo, hi in night_windows((s.day for s in nights), m.problem.rules):
            window = [s for s in nights if lo <= s.day <= hi]
            planned = [s for s in window if not s.context]
            if len(window) <= m.problem.rules.max_consecutive_nights or not planned:
                continue
            for nurse in m.problem.nurses:
                fixed = sum(1 for s in window if m.fixed(nurse.id, s))
                allowed = max(0, m.problem.rules.max_consecutive_nights - fixed)
                m.cp.Add(sum(m.x[nurse.id, s.key] for s in planned) <= allowed)

    def check(self, problem, assignments):
        limit = problem.rules.max_consecutive_nights
        out = []
        for nurse_id, items in _by_nurse(assignments).items():
            nights = [a.shift for a in items if is_night(a.shift)]
            runs = []  # merged spans of windows that hold too many nights
            for lo, hi in night_windows((s.day for s in nights), problem.rules):
                window = [s for s in nights if lo <= s.day <= hi]
                if len(window) > limit:
                    if runs and window[0].start <= runs[-1][-1].start:
                        runs[-1] = sorted(set(runs[-1]) | set(window), key=lambda s: s.start)
                    else:
                        runs.append(window)
            for run in runs:
                out.append(Violation(
                    self.code, run[0].start, run[-1].end, nurse_id=nurse_id, shift=run[-1].code,
                    message=f"{nurse_name(problem, nurse_id)} heeft {len(run)} nachtdiensten binnen "
                            f"{limit + 1} dagen vanaf {fmt_local(run[0].start)}; maximaal {limit} "
                            f"achter elkaar.", context_only=all(s.context for s in run),
                ))
        return out


class MaxWeekHours(Rule):
    """At most `max_hours_per_week` hours in a calendar week (the team's rule; Arbeidstijdenwet art. 5:7)."""

    code = "max_hours_per_week"

    def constrain(self, m) -> None:
        limit = int(m.problem.rules.max_hours_per_week * 60)
        by_week = defaultdict(list)
        for s in m.problem.shifts:
            by_week[week_of(s)].append(s)
        for shifts in by_week.values():
            planned = [s for s in shifts if not s.context]
            if sum(s.minutes for s in shifts) <= limit or not planned:
                continue
            for nurse in m.problem.nurses:
                fixed = sum(s.minutes for s in shifts if m.fixed(nurse.id, s))
                allowed = max(0, limit - fixed)
                m.cp.Add(sum(s.minutes * m.x[nurse.id, s.key] for s in planned) <= allowed)

    def check(self, problem, assignments):
        limit = problem.rules.max_hours_per_week
        out = []
        for nurse_id, items in _by_nurse(assignments).items():
            by_week = defaultdict(list)
            for a in items:
                by_week[week_of(a.shift)].append(a.shift)
            for (year, week), shifts in sorted(by_week.items()):
                hours = sum(s.minutes for s in shifts) / 60
                if hours > limit:
                    out.append(Violation(
                        self.code, shifts[0].start, shifts[-1].end, nurse_id=nurse_id, shift=shifts[-1].code,
                        message=f"{nurse_name(problem, nurse_id)} werkt {hours:g} uur in week {week} "
                                f"van {year}; maximaal {limit:g} uur.",
                        context_only=all(s.context for s in shifts),
                    ))
        return out


class SeriesRest(Rule):
    """Arbeidstijdenwet art. 5:8: after a series of 3 or more night shifts (`series_min_nights`) at least 46 hours
    (`series_rest_hours`) of uninterrupted rest before the next shift."""

    code = "series_rest"

    def _series(self, nights_by_day, last: Shift, count: int):
        """Every chain of `count` nights on consecutive days ending with `last` (one night a day)."""
        chains = [[last]]
        for back in range(1, count):
            day = last.day - timedelta(days=back)
            chains = [[n, *chain] for chain in chains for n in nights_by_day.get(day, ())]
        return chains

    def constrain(self, m) -> None:
        rules, shifts = m.problem.rules, m.problem.shifts
        if rules.series_min_nights < 1:
            return
        nights_by_day = defaultdict(list)
        for s in shifts:
            if is_night(s):
                nights_by_day[s.day].append(s)
        horizon = timedelta(hours=rules.series_rest_hours)
        for last in (s for s in shifts if is_night(s)):
            following = [t for t in shifts if last.start < t.start < last.end + horizon
                         and series_rest_broken(last, t, rules)]
            if not following:
                continue
            continued = nights_by_day.get(last.day + timedelta(days=1), [])
            for chain in self._series(nights_by_day, last, rules.series_min_nights):
                if all(s.context for s in chain) and all(t.context for t in following):
                    continue  # only the roster around the period: the checker's to report
                for nurse in m.problem.nurses:
                    # The series ends with `last` unless she works a night the next day too.
                    series = [m.x[nurse.id, s.key].Not() for s in chain]
                    series += [m.x[nurse.id, n.key] for n in continued]
                    for t in following:
                        m.cp.AddBoolOr(series + [m.x[nurse.id, t.key].Not()])

    def check(self, problem, assignments):
        rules = problem.rules
        out = []
        if rules.series_min_nights < 1:
            return out
        for nurse_id, items in _by_nurse(assignments).items():
            nights_by_day = defaultdict(list)
            for a in items:
                if is_night(a.shift):
                    nights_by_day[a.shift.day].append(a.shift)
            for a in items:
                last = a.shift
                if not is_night(last):
                    continue
                run = 1
                while nights_by_day.get(last.day - timedelta(days=run)):
                    run += 1
                if run < rules.series_min_nights or nights_by_day.get(last.day + timedelta(days=1)):
                    continue  # no series, or it goes on the next night
                for b in items:
                    then = b.shift
                    if not series_rest_broken(last, then, rules):
                        continue
                    out.append(Violation(
                        self.code, last.end, then.start, nurse_id=nurse_id, shift=then.code,
                        message=f"{nurse_name(problem, nurse_id)}: na {run} nachtdiensten achter elkaar "
                                f"(de laatste tot {fmt_local(last.end)}) maar {fmt_span(then.start - last.end)} rust voor "
                                f"{then.label()}; minimaal {rules.series_rest_hours:g} uur "
                                f"(Arbeidstijdenwet art. 5:8).",
                        context_only=last.context and then.context,
                    ))
        return out


def week_loads(assignments, rules: WorkingTimeRules) -> dict[tuple[int, date], list[int]]:
    """Sum each nurse's calendar weeks: [minutes, night shifts, night shifts ending after 02:00]."""
    loads = defaultdict(lambda: [0, 0, 0])
    for a in assignments:
        load = loads[a.nurse_id, week_start(a.shift)]
        load[0] += a.shift.minutes
        load[1] += is_night(a.shift)
        load[2] += late_night(a.shift, rules)
    return loads


class ReferencePeriodRule(Rule):
    """A limit over every 16 consecutive calendar weeks, counting the adopted roster before and after the period
    (`problem.history`) so a plan for four weeks respects what was worked in the twelve before."""

    article = ""

    def limits(self, rules: WorkingTimeRules) -> bool:
        raise NotImplementedError

    def constrain_period(self, m, nurse, shifts, past: list[int]) -> None:
        raise NotImplementedError

    def broken(self, rules, total: list[int]) -> tuple[float, str] | None:
        """(how far over, the Dutch clause) when a period's totals break the rule, else None."""
        raise NotImplementedError

    def constrain(self, m) -> None:
        rules = m.problem.rules
        if not self.limits(rules):
            return
        past = week_loads(m.problem.history, rules)
        by_week = defaultdict(list)
        for s in m.problem.shifts:
            by_week[week_start(s)].append(s)
        planned = {week_start(s) for s in m.problem.shifts if not s.context}
        for first, last in reference_periods(planned, rules):
            weeks = [first + timedelta(weeks=k) for k in range(rules.average_weeks)]
            shifts = [s for w in weeks for s in by_week.get(w, ())]
            for nurse in m.problem.nurses:
                before = [sum(past[nurse.id, w][i] for w in weeks if (nurse.id, w) in past) for i in range(3)]
                self.constrain_period(m, nurse, shifts, before)

    def check(self, problem, assignments):
        rules = problem.rules
        if not self.limits(rules):
            return []
        loads = week_loads([*problem.history, *assignments], rules)
        out = []
        for nurse_id, items in _by_nurse(assignments).items():
            worst = None
            for first, last in reference_periods({week_start(a.shift) for a in items}, rules):
                weeks = [first + timedelta(weeks=k) for k in range(rules.average_weeks)]
                total = [sum(loads[nurse_id, w][i] for w in weeks if (nurse_id, w) in loads) for i in range(3)]
                found = self.broken(rules, total)
                if found and (worst is None or found[0] > worst[0]):
                    inside = [a for a in items if first <= week_start(a.shift) <= last]
                    worst = (*found, first, last, inside)
            if worst:
                _over, clause, first, last, inside = worst
                start = datetime.combine(first, time(0), tzinfo=AMSTERDAM)
                end = datetime.combine(last + timedelta(days=7), time(0), tzinfo=AMSTERDAM)
                out.append(Violation(
                    self.code, start.astimezone(timezone.utc), end.astimezone(timezone.utc),
                    nurse_id=nurse_id, shift=inside[-1].shift.code,
                    message=f"{nurse_name(problem, nurse_id)} {clause} in de {rules.average_weeks} weken van "
                            f"{fmt_period(first, last)} (Arbeidstijdenwet {self.article}).",
                    context_only=all(a.shift.context for a in inside),
                ))
        return out


def _fmt_hours(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


class AverageHours(ReferencePeriodRule):
    """Arbeidstijdenwet art. 5:7: at most 48 hours a week (`max_average_hours`) on average over every 16 weeks."""

    code = "average_hours"
    article = "art. 5:7"

    def limits(self, rules):
        return rules.max_average_hours > 0

    def constrain_period(self, m, nurse, shifts, before):
        limit = round(m.problem.rules.max_average_hours * 60 * m.problem.rules.average_weeks)
        if before[0] + sum(s.minutes for s in shifts) <= limit:
            return
        m.cp.Add(sum(s.minutes * m.x[nurse.id, s.key] for s in shifts) <= limit - before[0])

    def broken(self, rules, total):
        limit = round(rules.max_average_hours * 60 * rules.average_weeks)
        if total[0] <= limit:
            return None
        average = total[0] / 60 / rules.average_weeks
        return (total[0] - limit, f"werkt {fmt_span(timedelta(minutes=total[0]))}, gemiddeld {_fmt_hours(average)} "
                                  f"uur per week; maximaal {rules.max_average_hours:g} uur per week")


class NightsPerPeriod(ReferencePeriodRule):
    """Arbeidstijdenwet art. 5:8: at most 36 night shifts (`max_nights_per_period`) in every 16 weeks, where the
    team works this regime (0 turns it off)."""

    code = "nights_per_period"
    article = "art. 5:8"

    def limits(self, rules):
        return rules.max_nights_per_period > 0

    def constrain_period(self, m, nurse, shifts, before):
        nights = [s for s in shifts if is_night(s)]
        limit = m.problem.rules.max_nights_per_period
        if before[1] + len(nights) <= limit:
            return
        m.cp.Add(sum(m.x[nurse.id, s.key] for s in nights) <= limit - before[1])

    def broken(self, rules, total):
        if total[1] <= rules.max_nights_per_period:
            return None
        return (total[1] - rules.max_nights_per_period,
                f"heeft {total[1]} nachtdiensten; maximaal {rules.max_nights_per_period}")


class NightAverageHours(ReferencePeriodRule):
    """Arbeidstijdenwet art. 5:8: at most 40 hours a week (`max_average_hours_nights`) on average over 16 weeks in
    which she works 16 or more night shifts ending after 02:00 (`night_average_from`)."""

    code = "night_average_hours"
    article = "art. 5:8"

    def limits(self, rules):
        return rules.max_average_hours_nights > 0 and rules.night_average_from > 0

    def constrain_period(self, m, nurse, shifts, before):
        rules = m.problem.rules
        late = [s for s in shifts if late_night(s, rules)]
        limit = round(rules.max_average_hours_nights * 60 * rules.average_weeks)
        if before[2] + len(late) < rules.night_average_from or before[0] + sum(s.minutes for s in shifts) <= limit:
            return
        applies = m.cp.NewBoolVar(f"night_avg_{nurse.id}_{shifts[0].key}")
        m.cp.Add(sum(m.x[nurse.id, s.key] for s in late) <= rules.night_average_from - 1 - before[2]) \
            .OnlyEnforceIf(applies.Not())
        m.cp.Add(sum(s.minutes * m.x[nurse.id, s.key] for s in shifts) <= limit - before[0]).OnlyEnforceIf(applies)

    def broken(self, rules, total):
        limit = round(rules.max_average_hours_nights * 60 * rules.average_weeks)
        if total[2] < rules.night_average_from or total[0] <= limit:
            return None
        average = total[0] / 60 / rules.average_weeks
        return (total[0] - limit, f"werkt {fmt_span(timedelta(minutes=total[0]))}, gemiddeld {_fmt_hours(average)} "
                                  f"uur per week, met {total[2]} nachtdiensten "
                                  f"tot na {rules.night_end_after:%H:%M}; maximaal {rules.max_average_hours_nights:g} "
                                  f"uur per week vanaf {rules.night_average_from} zulke nachten")


class Coverage(Rule):
    """Each shift gets its minimum staff and skill mix (soft in the solver: a gap, not a crash)."""

    code = "coverage"
    hard = False

    def constrain(self, m) -> None:
        pinned = defaultdict(int)
        for a in m.problem.pins:
            pinned[a.shift.key] += 1
        weights = m.problem.rules
        for s in m.problem.shifts:
            on_shift = [m.x[n.id, s.key] for n in m.problem.nurses]
            m.cp.Add(sum(on_shift) <= max(s.max_staff, pinned[s.key]))
            if s.context:
                continue
            short = m.cp.NewIntVar(0, s.min_staff, f"understaffed_{s.key}")
            m.cp.Add(sum(on_shift) + short >= s.min_staff)
            m.penalise(weights.weight_understaffed, short, gap=True)
            for need in s.skill_needs:
                skilled = [m.x[n.id, s.key] for n in m.problem.nurses if covers(m.problem, n.id, need)]
                missing = m.cp.NewIntVar(0, need.count, f"missing_{s.key}_{need.code}")
                m.cp.Add(sum(skilled) + missing >= need.count)
                m.penalise(weights.weight_skill_missing, missing, gap=True)

    def gaps(self, problem, assignments, shifts=None, *, solved: bool = False) -> list[dict]:
        """List each shift's shortfall: {shift, missing: [{need, count, reason}]}."""
        on_shift = defaultdict(list)
        for a in assignments:
            on_shift[a.shift.key].append(a.nurse_id)
        out = []
        for s in problem.shifts if shifts is None else shifts:
            if s.context:
                continue
            nurses = on_shift[s.key]
            missing = []
            if len(nurses) < s.min_staff:
                count = s.min_staff - len(nurses)
                missing.append({"need": "staff", "count": count, "label": "verpleegkundige",
                                "reason": explain_gap(problem, s, None, count, solved=solved)})
            for need in s.skill_needs:
                have = sum(1 for n in nurses if covers(problem, n, need))
                if have < need.count:
                    count = need.count - have
                    missing.append({"need": need.code, "count": count, "label": skill_label(need.any_of),
                                    "reason": explain_gap(problem, s, need, count, solved=solved)})
            if missing:
                out.append({"shift": s.code, "key": s.key, "start": s.start, "end": s.end,
                            "missing": missing, "shift_obj": s})
        return out

    def check(self, problem, assignments, shifts=None):
        out = []
        for gap in self.gaps(problem, assignments, shifts):
            s = gap["shift_obj"]
            for item in gap["missing"]:
                what = ("verpleegkundige(n) te weinig" if item["need"] == "staff"
                        else f"× {item['label']} te weinig")
                out.append(Violation(
                    "understaffed" if item["need"] == "staff" else "skill_missing",
                    s.start, s.end, shift=s.code, hard=False,
                    message=f"{s.label()}: {item['count']} {what}. {item['reason']}",
                ))
        return out


def explain_gap(problem: RosterProblem, shift: Shift, need: SkillNeed | None, count: int, *,
                solved: bool = False) -> str:
    """Say in Dutch why a need is not met: nobody has the skill, nobody is free, or (after solving) the rules
    block everyone who is; in a plan made by hand, that somebody free could still be rostered."""
    if need is not None:
        holders = [n for n in problem.nurses if n.has_any(need.any_of)]
        what = skill_label(need.any_of)
        if not holders:
            return f"Niemand in het team is {what}."
    else:
        holders = list(problem.nurses)
        what = "verpleegkundige"
        if len(holders) < shift.min_staff:
            return f"Het team heeft maar {len(holders)} verpleegkundige(n) in het rooster."
    free = [n for n in holders if not blocking(problem, n.id, shift)]
    if len(free) < (shift.min_staff if need is None else need.count):
        return f"Maar {len(free)} van de {len(holders)} ({what}) zijn beschikbaar."
    if not solved:
        return f"{len(free)} ({what}) zijn niet afwezig gemeld; roosteren kan nog."
    return f"Wie {what} is en beschikbaar is, zou een arbeidstijdregel breken of is al elders ingeroosterd."


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
