"""The hindsight optimum of a night with OR-Tools CP-SAT: the upper bound no online policy can beat.

Knowing every call of the night in advance (when, where, how urgent, how long the visit takes), assign each
call to a nurse with its skills and order each nurse's calls so that as many calls as possible have a nurse on
site within target, then total lateness is least. The physics are the simulator's: a nurse leaves for a call
no earlier than the call exists and no earlier than she finished her previous visit, drives the recommender's
travel time from where she is (her base, then her last client), and stays the visit's minutes.

Model: per nurse a circuit (AddCircuit) over a depot node and the calls she may take; an arc i→j forces
t_j ≥ t_i + visit_i + travel(i, j) and t_j ≥ arrival_j + travel(i, j). A call's self-loop on a nurse means
"not hers"; every call is hers on exactly one circuit. The solver is given the best online schedule as a
hint, so the answer is never worse than it; with a time limit it may stop before proving optimality, so the
report gives the proven bound too.
"""
from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from backend.dispatch.recommend import required_skills
from bench.simlib.engine import NightResult, Outcome, travel_minutes
from bench.simlib.scenario import Night

TARGET_MINUTES = {"U2": 30, "U3": 120, "U4": 480, "U5": 1440}  # the team defaults (identity.models.Team)
ON_TIME_WEIGHT = 1_000_000  # one more call within target outweighs any lateness


@dataclass
class OptimumResult:
    """The best schedule found, whether it is proven optimal, and the bound on calls within target."""

    result: NightResult
    within_target: int
    bound_within_target: int
    optimal: bool
    wall_seconds: float


def solve(night: Night, *, hint: NightResult | None = None, time_limit: float = 5.0,
          workers: int = 2, presolve: bool = False) -> OptimumResult:
    """Return the hindsight-optimal assignment of the night (best found within `time_limit`)."""
    calls, nurses = night.calls, night.nurses
    n = len(calls)
    horizon = max((c.minute for c in calls), default=0) + 4 * 24 * 60
    model = cp_model.CpModel()
    t = [model.NewIntVar(c.minute, horizon, f"t{c.key}") for c in calls]
    on_time = [model.NewBoolVar(f"ok{c.key}") for c in calls]
    late = [model.NewIntVar(0, horizon, f"late{c.key}") for c in calls]
    deadline = [c.minute + TARGET_MINUTES[c.urgency] for c in calls]
    travel = [[travel_minutes((a.lat, a.lon), (b.lat, b.lon)) for b in calls] for a in calls]
    assigned: dict[tuple[int, int], cp_model.IntVar] = {}
    keep = _hint_arcs(night, hint) if hint is not None else set()
    arcs_by_nurse: dict[int, dict[tuple[int, int], cp_model.IntVar]] = {}
    for k, nurse in enumerate(nurses):
        allowed = [j for j, c in enumerate(calls) if required_skills(c.category) <= set(nurse.skills)]
        arcs: dict[tuple[int, int], cp_model.IntVar] = {}
        for j in allowed:
            x = model.NewBoolVar(f"x{k}_{j}")
            assigned[k, j] = x
            arcs[j + 1, j + 1] = x.Not()  # the self-loop: not on her round
            start = model.NewBoolVar(f"s{k}_{j}")
            arcs[0, j + 1] = start
            base_trip = travel_minutes(nurse.base, (calls[j].lat, calls[j].lon))
            model.Add(t[j] >= max(calls[j].minute, nurse.shift[0]) + base_trip).OnlyEnforceIf(start)
            arcs[j + 1, 0] = model.NewBoolVar(f"e{k}_{j}")
        for i in allowed:
            for j in allowed:
                if i == j or ((i, j) not in keep and not _plausible(calls[i], calls[j])):
                    continue
                arc = model.NewBoolVar(f"a{k}_{i}_{j}")
                arcs[i + 1, j + 1] = arc
                model.Add(t[j] >= t[i] + calls[i].visit_minutes + travel[i][j]).OnlyEnforceIf(arc)
                model.Add(t[j] >= calls[j].minute + travel[i][j]).OnlyEnforceIf(arc)
        arcs[0, 0] = model.NewBoolVar(f"idle{k}")
        model.AddCircuit([(a, b, lit) for (a, b), lit in arcs.items()])
        arcs_by_nurse[k] = arcs
    for j in range(n):
        model.AddExactlyOne([assigned[k, j] for k in range(len(nurses)) if (k, j) in assigned])
        model.Add(t[j] <= deadline[j]).OnlyEnforceIf(on_time[j])
        model.Add(late[j] >= t[j] - deadline[j])
    model.Maximize(ON_TIME_WEIGHT * sum(on_time) - sum(late))
    if hint is not None:
        _hint(model, night, hint, t, assigned, arcs_by_nurse)
        for j, outcome in enumerate(hint.outcomes):
            model.AddHint(on_time[j], outcome.on_site <= deadline[j])
            model.AddHint(late[j], max(0, outcome.on_site - deadline[j]))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    solver.parameters.cp_model_presolve = presolve
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"CP-SAT found no schedule for night {night.scenario}/{night.seed}")
    outcomes = []
    busy = {nurse.key: 0 for nurse in nurses}
    count = {nurse.key: 0 for nurse in nurses}
    for j, c in enumerate(calls):
        k = next(k for k in range(len(nurses)) if (k, j) in assigned and solver.Value(assigned[k, j]))
        on_site = solver.Value(t[j])
        outcomes.append(Outcome(key=c.key, urgency=c.urgency, category=c.category, created=c.minute,
                                target=deadline[j], on_site=on_site, closed=on_site + c.visit_minutes,
                                nurse=nurses[k].key))
        count[nurses[k].key] += 1
        busy[nurses[k].key] += c.visit_minutes  # travel is folded into waiting here; visits only
    within = sum(o.within_target for o in outcomes)
    bound = int(solver.BestObjectiveBound() // ON_TIME_WEIGHT) + (1 if solver.BestObjectiveBound() % ON_TIME_WEIGHT else 0)
    return OptimumResult(
        result=NightResult("optimum", night.scenario, night.seed, outcomes, busy, count),
        within_target=within, bound_within_target=min(n, max(within, bound)),
        optimal=status == cp_model.OPTIMAL, wall_seconds=solver.WallTime(),
    )


# Arcs i→j ("right after call i, call j") are kept when j arrives at most PREDECESSOR_WINDOW before i (j would
# otherwise wait hours while she does i first) and at most SUCCESSOR_WINDOW after it. This keeps the model small
# enough to solve on a shared laptop; the hint's own arcs are always kept, so the model stays feasible. It makes
# the answer the best schedule within that neighbourhood (a lower bound on the true optimum), and the proven
# bound is the bound of that restricted model: the report says so.
PREDECESSOR_WINDOW = 180
SUCCESSOR_WINDOW = 300


def _plausible(first, then) -> bool:
    return -PREDECESSOR_WINDOW <= then.minute - first.minute <= SUCCESSOR_WINDOW


def _hint_arcs(night: Night, hint: NightResult) -> set[tuple[int, int]]:
    rounds: dict[str, list[int]] = {}
    for j, outcome in enumerate(hint.outcomes):
        rounds.setdefault(outcome.nurse, []).append(j)
    arcs = set()
    for order in rounds.values():
        order.sort(key=lambda j: hint.outcomes[j].on_site)
        arcs.update(zip(order, order[1:]))
    return arcs


def _hint(model, night: Night, hint: NightResult, t, assigned, arcs_by_nurse) -> None:
    """Give the solver an online policy's schedule to start from."""
    keys = [nurse.key for nurse in night.nurses]
    rounds: dict[int, list[int]] = {k: [] for k in range(len(keys))}
    for j, outcome in enumerate(hint.outcomes):
        rounds[keys.index(outcome.nurse)].append(j)
        model.AddHint(t[j], outcome.on_site)
    for k, arcs in arcs_by_nurse.items():
        order = sorted(rounds[k], key=lambda j: hint.outcomes[j].on_site)
        used = set()
        if order:
            used.add((0, order[0] + 1))
            used.add((order[-1] + 1, 0))
            used.update((a + 1, b + 1) for a, b in zip(order, order[1:]))
        else:
            used.add((0, 0))
        for (a, b), lit in arcs.items():
            if a == b and a != 0:
                continue  # x.Not(): hinted through x below
            model.AddHint(lit, 1 if (a, b) in used else 0)
    for (k, j), x in assigned.items():
        model.AddHint(x, 1 if hint.outcomes[j].nurse == keys[k] else 0)
