"""The averages over every reference period of `average_weeks` weeks (Arbeidstijdenwet art. 5:7 and 5:8): hours
per week, night shifts, and hours per week with nights ending after 02:00."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone

from backend.roster.planning import WorkingTimeRules
from backend.roster.rule_base import (
    Rule, Violation, by_nurse, fmt_period, fmt_span, is_night, late_night, nurse_name, reference_periods,
    week_start,
)
from backend.timeutil import AMSTERDAM


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
        for nurse_id, items in by_nurse(assignments).items():
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
