"""The rules of a nurse's days and weeks: unavailability, rest between shifts, nights in a row, hours per week,
and the rest after a series of nights (Arbeidstijdenwet defaults, set per team)."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from backend.roster.planning import Shift, fmt_local
from backend.roster.rule_base import (
    Rule, Violation, blocking, by_nurse, fmt_span, is_night, night_windows, nurse_name, rest_kind, rest_needed,
    rest_week, series_rest_broken, week_of,
)


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
        for nurse_id, items in by_nurse(assignments).items():
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
        for nurse_id, items in by_nurse(assignments).items():
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
        for nurse_id, items in by_nurse(assignments).items():
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
        for nurse_id, items in by_nurse(assignments).items():
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
