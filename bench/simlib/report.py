"""Figures per policy over many nights, a Markdown table and a PNG plot."""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from bench.simlib.engine import NightResult

URGENCIES = ("U2", "U3", "U4", "U5")
LABELS = {"today": "vandaag (vrij nu, auto-offer)", "nearest": "dichtstbijzijnde vrije",
          "new": "vooruitkijkend (nieuw)", "optimum": "optimum achteraf (CP-SAT)"}


def _p90(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


@dataclass
class Summary:
    """One policy over the nights."""

    policy: str
    nights: int
    calls: int
    within: dict[str, float]  # urgency (and "U2+U3", "all") → % within target
    mean_lateness: float  # minutes, over all calls
    p90_lateness_late: float  # minutes, over the calls that were late
    p90_u2_response: float  # minutes from call to nurse on site
    load_spread: float  # mean over nights of the standard deviation of calls per nurse
    gap_to_optimum: float | None = None  # points of "all within target" below the optimum, relative %


def summarise(policy: str, results: list[NightResult]) -> Summary:
    """Pool the calls of all nights of one policy."""
    outcomes = [o for r in results for o in r.outcomes]
    within: dict[str, float] = {}
    for group, members in [*((u, (u,)) for u in URGENCIES), ("U2+U3", ("U2", "U3")), ("all", URGENCIES)]:
        chosen = [o for o in outcomes if o.urgency in members]
        within[group] = 100.0 * sum(o.within_target for o in chosen) / len(chosen) if chosen else 0.0
    late = [o.lateness for o in outcomes if o.lateness > 0]
    u2 = [o.response for o in outcomes if o.urgency == "U2" and o.response is not None]
    spread = statistics.mean(statistics.pstdev(r.calls_per_nurse.values()) for r in results) if results else 0.0
    return Summary(policy=policy, nights=len(results), calls=len(outcomes), within=within,
                   mean_lateness=statistics.mean(o.lateness for o in outcomes) if outcomes else 0.0,
                   p90_lateness_late=_p90(late), p90_u2_response=_p90(u2), load_spread=spread)


def add_gaps(summaries: list[Summary]) -> None:
    """Set each policy's gap to the optimum: how far below its share within target, relative."""
    best = next((s for s in summaries if s.policy == "optimum"), None)
    if best is None or not best.within["all"]:
        return
    for s in summaries:
        s.gap_to_optimum = 100.0 * (best.within["all"] - s.within["all"]) / best.within["all"]


def table(summaries: list[Summary]) -> str:
    """Return the figures as a Markdown table."""
    head = ("| policy | U2 | U3 | U4 | U5 | U2+U3 | all | mean lateness | p90 lateness (late calls) | "
            "p90 U2 response | load spread (sd calls/nurse) | gap to optimum |")
    rows = [head, "|" + "---|" * 12]
    for s in summaries:
        gap = "–" if s.gap_to_optimum is None else f"{s.gap_to_optimum:.1f} %"
        rows.append(
            f"| {s.policy} | " + " | ".join(f"{s.within[u]:.1f} %" for u in (*URGENCIES, "U2+U3", "all"))
            + f" | {s.mean_lateness:.1f} min | {s.p90_lateness_late:.0f} min | {s.p90_u2_response:.0f} min"
            f" | {s.load_spread:.2f} | {gap} |"
        )
    return "\n".join(rows)


def plot(summaries: list[Summary], path: Path, *, title: str) -> Path:
    """Write a bar chart of the share within target per urgency, per policy."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = (*URGENCIES, "U2+U3")
    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=120)
    width = 0.8 / max(1, len(summaries))
    for i, s in enumerate(summaries):
        xs = [g + (i - (len(summaries) - 1) / 2) * width for g in range(len(groups))]
        bars = ax.bar(xs, [s.within[g] for g in groups], width, label=LABELS.get(s.policy, s.policy))
        ax.bar_label(bars, fmt="%.0f", fontsize=7, padding=1)
    ax.set_xticks(range(len(groups)), groups)
    ax.set_ylabel("ter plaatse binnen norm (%)")
    ax.set_ylim(min(60, min(s.within[g] for s in summaries for g in groups) - 5), 102)
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
