"""Coverage: each shift gets its minimum staff and skill mix; soft in the solver (a shift nobody can fill becomes
a gap with its reason, not an infeasible model)."""
from __future__ import annotations

from collections import defaultdict

from backend.roster.planning import RosterProblem, Shift, SkillNeed, skill_label
from backend.roster.rule_base import Rule, Violation, blocking, covers


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
