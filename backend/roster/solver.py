"""The roster proposal: a CP-SAT model built from the rules in rules.py, solved on two workers."""
from __future__ import annotations

import time as _time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from backend.roster.planning import Assignment, RosterProblem
from backend.roster.rule_base import blocking, is_night, is_weekend, nurse_name, wish_met, wish_shifts
from backend.roster.rules import COVERAGE, HARD_RULES, check_plan

SCALE = 10  # fairness targets are fractional; count them in tenths


class PlanningError(Exception):
    """The request cannot be planned; `reason` says why in Dutch, `violations` what blocks it."""

    def __init__(self, reason: str, violations=None, status: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.violations = list(violations or [])
        self.status = status


class RosterModel:
    """A CP-SAT model with one boolean per (nurse, shift), plus the penalties of the soft goals."""

    def __init__(self, problem: RosterProblem):
        self.problem = problem
        self.cp = cp_model.CpModel()
        self.x = {
            (n.id, s.key): self.cp.NewBoolVar(f"x_{n.id}_{s.key}")
            for n in problem.nurses for s in problem.shifts
        }
        # Around the period nothing is planned: there a var is 1 exactly when the roster already has it.
        self._fixed = {(p.nurse_id, p.shift.key) for p in problem.pins if p.shift.context}
        self.terms = []  # soft goals: fairness, contract hours, wishes
        self.gap_terms = []  # coverage: filled first, see solve()
        self.wish_missed = {}  # index in problem.wishes -> BoolVar

    def fixed(self, nurse_id: int, shift) -> bool:
        """Whether the nurse already works this shift outside the period (a constant, not a choice)."""
        return shift.context and (nurse_id, shift.key) in self._fixed

    def penalise(self, weight: int, expr, *, gap: bool = False) -> None:
        if weight:
            (self.gap_terms if gap else self.terms).append(weight * expr)


@dataclass
class RosterResult:
    """A proposal: the assignments, the gaps that remain, and how the solver did."""

    status: str
    objective: float
    bound: float
    seconds: float
    assignments: list[Assignment]
    unfilled: list[dict]
    violations: list = field(default_factory=list)
    gap_penalty: int = 0  # the coverage part of the objective, fixed in the first stage
    first_stage: tuple = ()  # (status, seconds) of the coverage stage: when a gap-minimal plan was known
    unmet_wishes: list[dict] = field(default_factory=list)  # explain_unmet_wishes()


def validate_pins(problem: RosterProblem) -> None:
    """Refuse pins that name an unknown nurse or shift, or that break a hard rule between themselves."""
    for pin in problem.pins:
        if pin.nurse_id not in problem.nurse_by_id:
            raise PlanningError(f"Vastgezette dienst voor onbekende verpleegkundige {pin.nurse_id}.")
        if pin.shift.key not in problem.shift_by_key:
            raise PlanningError(f"Vastgezette dienst {pin.shift.key} valt buiten de periode of bestaat niet.")
    # What the roster already breaks outside the period is the checker's to report, not ours to fix.
    broken = [v for v in check_plan(problem, problem.pins, include_gaps=False) if not v.context_only]
    if broken:
        raise PlanningError(
            "De vastgezette diensten breken zelf al een harde regel: " + " ".join(v.message for v in broken),
            violations=broken,
        )


def _add_soft_goals(m: RosterModel) -> None:
    """Spread nights and weekends in proportion to contract hours; respect contract hours and wishes."""
    problem, rules = m.problem, m.problem.rules
    planned = [s for s in problem.shifts if not s.context]
    excluded = {n.id: {s for s in planned if blocking(problem, n.id, s)} for n in problem.nurses}
    for wish in problem.wishes:
        if not wish.want and wish.nurse_id in excluded:
            excluded[wish.nurse_id].update(wish_shifts(wish, planned))
    days = len({s.day for s in planned}) or 1
    for flag, weight in ((is_night, rules.weight_fair_nights), (is_weekend, rules.weight_fair_weekends)):
        chosen = [s for s in planned if flag(s)]
        demand = sum(s.min_staff for s in chosen)
        if not chosen or not weight:
            continue
        # Her share follows her contract hours and the shifts she can take: leave and wishes for a free day or
        # a week without nights lower her target instead of costing fairness.
        share = {n.id: n.contract_hours * sum(1 for s in chosen if s not in excluded[n.id]) / len(chosen)
                 for n in problem.nurses}
        total_share = sum(share.values()) or 1.0
        for n in problem.nurses:
            target = round(SCALE * demand * share[n.id] / total_share)
            count = sum(m.x[n.id, s.key] for s in chosen)
            dev = m.cp.NewIntVar(0, SCALE * len(chosen) + target, f"dev_{flag.__name__}_{n.id}")
            m.cp.Add(dev >= SCALE * count - target)
            m.cp.Add(dev >= target - SCALE * count)
            # Convex: being two off target costs more than twice being one off, so the spread is even.
            excess = m.cp.NewIntVar(0, SCALE * len(chosen) + target, f"excess_{flag.__name__}_{n.id}")
            m.cp.Add(excess >= dev - SCALE)
            m.penalise(weight, dev)
            m.penalise(2 * weight, excess)
    if rules.weight_contract_hours:
        for n in problem.nurses:
            target = round(n.contract_hours * 60 * days / 7)
            worked = sum(s.minutes * m.x[n.id, s.key] for s in planned)
            top = sum(s.minutes for s in planned) + target
            over = m.cp.NewIntVar(0, top // 60 + 1, f"over_{n.id}")
            under = m.cp.NewIntVar(0, top // 60 + 1, f"under_{n.id}")
            m.cp.Add(60 * over >= worked - target)
            m.cp.Add(60 * under >= target - worked)
            m.penalise(3 * rules.weight_contract_hours, over)  # overtime costs more than a short week
            m.penalise(rules.weight_contract_hours, under)
    missed_by_nurse = {}
    for index, wish in enumerate(problem.wishes):
        if wish.nurse_id not in problem.nurse_by_id:
            continue
        matching = [m.x[wish.nurse_id, s.key] for s in wish_shifts(wish, planned)]
        if not matching:
            continue
        missed = m.cp.NewBoolVar(f"wish_{index}")
        if wish.want:
            m.cp.Add(sum(matching) + missed >= 1)
        else:
            for var in matching:
                m.cp.AddImplication(var, missed)
        m.wish_missed[index] = missed
        missed_by_nurse.setdefault(wish.nurse_id, []).append(missed)
        m.penalise(rules.weight_wish * wish.weight, missed)
    # Fairness: each further unmet wish of the same nurse costs more, so no nurse's wishes always lose.
    if rules.weight_wish_fairness:
        for nurse_id, missed in missed_by_nurse.items():
            for k in range(1, len(missed)):
                extra = m.cp.NewIntVar(0, len(missed), f"wish_fair_{nurse_id}_{k}")
                m.cp.Add(extra >= sum(missed) - k)
                m.penalise(rules.weight_wish_fairness, extra)


def build_model(problem: RosterProblem) -> RosterModel:
    """Build the CP-SAT model: every hard rule, coverage as weighted slack, soft goals, pins fixed."""
    m = RosterModel(problem)
    for rule in HARD_RULES:
        rule.constrain(m)
    COVERAGE.constrain(m)
    _add_soft_goals(m)
    for pin in problem.pins:
        m.cp.Add(m.x[pin.nurse_id, pin.shift.key] == 1)
    return m


def _run(m: RosterModel, objective, *, seconds: float, workers: int, seed: int):
    m.cp.Minimize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = max(seconds, 0.5)
    solver.parameters.random_seed = seed
    return solver, solver.Solve(m.cp)


def solve(problem: RosterProblem, *, time_limit: float = 20.0, workers: int = 2, seed: int = 7) -> RosterResult:
    """Propose a roster that holds every hard rule; raise PlanningError with the reason if none exists."""
    validate_pins(problem)
    started = _time.perf_counter()
    m = build_model(problem)
    gap_objective = sum(m.gap_terms) if m.gap_terms else 0
    # Lexicographic: first fill as many needs as possible, then weigh fairness and wishes without
    # giving any coverage back. One weighted objective let the solver wander among fair-but-gappy plans.
    solver, status = _run(m, gap_objective, seconds=time_limit * 0.4, workers=workers, seed=seed)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        name = solver.StatusName(status)
        if status == cp_model.INFEASIBLE:
            reason = "De harde regels en de vastgezette diensten laten samen geen rooster toe."
        else:
            reason = f"Binnen {time_limit:g} seconden is geen rooster gevonden; probeer een kortere periode."
        raise PlanningError(reason, status=name)
    first_status, first_name = status, solver.StatusName(status)
    first_seconds = _time.perf_counter() - started
    gap_value = int(round(solver.ObjectiveValue()))
    values = {key: solver.Value(var) for key, var in m.x.items()}
    for key, var in m.x.items():
        m.cp.AddHint(var, values[key])
    m.cp.Add(gap_objective <= gap_value)
    remaining = time_limit - (_time.perf_counter() - started)
    second, status = _run(m, gap_objective + sum(m.terms), seconds=remaining, workers=workers, seed=seed)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        solver = second
        values = {key: solver.Value(var) for key, var in m.x.items()}
        optimal = first_status == status == cp_model.OPTIMAL
        name = "OPTIMAL" if optimal else "FEASIBLE"
        objective, bound = solver.ObjectiveValue(), solver.BestObjectiveBound()
    else:  # out of time in the second stage: keep the first stage's plan
        name = "FEASIBLE"
        objective, bound = float(gap_value), float(gap_value)
    seconds = _time.perf_counter() - started
    pinned = {(p.nurse_id, p.shift.key) for p in problem.pins}
    assignments = [
        Assignment(nurse_id, problem.shift_by_key[key], pinned=(nurse_id, key) in pinned)
        for (nurse_id, key), value in values.items() if value
    ]
    assignments.sort(key=lambda a: (a.shift.start, a.shift.code, a.nurse_id))
    return RosterResult(
        status=name,
        objective=objective,
        bound=bound,
        gap_penalty=gap_value,
        first_stage=(first_name, round(first_seconds, 3)),
        seconds=seconds,
        assignments=assignments,
        unfilled=COVERAGE.gaps(problem, assignments, solved=True),
        violations=[v for v in check_plan(problem, assignments, include_gaps=False) if not v.context_only],
        unmet_wishes=explain_unmet_wishes(problem, assignments),
    )


def _clean_with(problem: RosterProblem, assignments, nurse_id: int, added: Assignment) -> bool:
    """Whether giving `added` to nurse_id breaks none of the hard rules for her."""
    own = [a for a in assignments if a.nurse_id == nurse_id] + [added]
    return not [v for v in check_plan(problem, own, include_gaps=False) if not v.context_only]


def explain_unmet_wishes(problem: RosterProblem, assignments: list[Assignment]) -> list[dict]:
    """List each wish the plan does not honour, with the reason in Dutch for the team lead."""
    worked = {}
    on_shift = {}
    for a in assignments:
        worked.setdefault(a.nurse_id, []).append(a.shift)
        on_shift.setdefault(a.shift.key, []).append(a.nurse_id)
    out = []
    for wish in problem.wishes:
        if wish.nurse_id not in problem.nurse_by_id:
            continue
        planned = [s for s in wish_shifts(wish, problem.shifts) if not s.context]
        mine = worked.get(wish.nurse_id, [])
        if not planned or wish_met(wish, mine):
            continue
        name = nurse_name(problem, wish.nurse_id)
        if wish.want:
            shift = planned[0]
            if blocking(problem, wish.nurse_id, shift):
                reason = f"{name} is dan afwezig gemeld."
            elif all(len(on_shift.get(s.key, [])) >= s.max_staff for s in planned):
                reason = f"{shift.label()} zat al vol."
            elif not any(_clean_with(problem, assignments, wish.nurse_id, Assignment(wish.nurse_id, s))
                         for s in planned):
                reason = f"{name} zou met {shift.label()} een arbeidstijdregel breken."
            else:
                reason = "Voor een eerlijke verdeling van nachten, weekenden en uren."
        else:
            shift = wish_shifts(wish, mine)[0]
            alternatives = [n.id for n in problem.nurses if n.id != wish.nurse_id
                            and n.id not in on_shift.get(shift.key, [])
                            and not blocking(problem, n.id, shift)
                            and _clean_with(problem, assignments, n.id, Assignment(n.id, shift))]
            wishing = [i for i in alternatives if any(
                w.nurse_id == i and not w.want and shift in wish_shifts(w, [shift]) for w in problem.wishes)]
            if not alternatives:
                reason = (f"{name} is nodig voor {shift.label()}: niemand anders kon die dienst overnemen zonder "
                          f"een arbeidstijdregel te breken.")
            elif len(wishing) == len(alternatives):
                reason = (f"{name} is nodig voor {shift.label()}: de {len(wishing)} collega('s) die hem konden "
                          f"overnemen, hadden daar zelf ook een wens; de wensen zijn eerlijk verdeeld.")
            else:
                reason = f"{name} werkt {shift.label()} voor een eerlijke verdeling van nachten, weekenden en uren."
        out.append({"wish_id": wish.id, "nurse_id": wish.nurse_id, "kind": wish.kind, "day": wish.day.isoformat(),
                    "shift": wish.shift_code, "message": reason})
    return out
