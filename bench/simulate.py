"""Night simulator: compare dispatch policies on the same simulated nights, against the hindsight optimum.

    .venv/bin/python bench/simulate.py [--scenario busy] [--nights 50] [--first-seed 1]
        [--optimum-seconds 10] [--workers 2] [--plot test-artifacts/simulation-busy.png] [--no-optimum]

Each night (bench/simlib/scenario.py: distributions and their sources) is played once per policy through the
real dispatch service layer on a scratch SQLite database with an injected clock (bench/simlib/engine.py):
  today    the whiteboard rule: rank who is free now (recommend.rank), auto-offer to the top
  nearest  the nearest free nurse with the skill, by the same travel model
  new      dispatch as shipped: service.offer_next with recommend.rank_ahead (free soon, scarce skills,
           U2 reserve, re-ranked on every tick)
  optimum  knowing the whole night: CP-SAT (bench/simlib/optimum.py), hinted with the best online night
Figures are printed (a Markdown table), and a plot is written; nothing is asserted.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WIJKSPOED_TEST_PASSWORD_COST", "low")

from bench.simlib import report  # noqa: E402
from bench.simlib.engine import POLICIES, simulate  # noqa: E402
from bench.simlib.scenario import make_night  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", default="busy", choices=("busy", "normal"))
    parser.add_argument("--nights", type=int, default=50)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--optimum-seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (2 cores are shared)")
    parser.add_argument("--no-optimum", action="store_true")
    parser.add_argument("--plot", type=Path, default=None)
    parser.add_argument("--policies", default=",".join(POLICIES), help="online policies to play (comma-separated)")
    parser.add_argument("--every", type=int, default=10, help="print the table so far every N nights")
    args = parser.parse_args(argv)

    policies = [p for p in args.policies.split(",") if p]
    results: dict[str, list] = {p: [] for p in (*policies, "optimum")}
    unproven = 0
    started = time.monotonic()
    for seed in range(args.first_seed, args.first_seed + args.nights):
        night = make_night(args.scenario, seed)
        line = [f"night {seed:3d}: {len(night.calls):2d} calls"]
        for policy in policies:
            result = simulate(night, policy)
            results[policy].append(result)
            line.append(f"{policy} {sum(o.within_target for o in result.outcomes)}")
        if not args.no_optimum:
            from bench.simlib.optimum import solve

            best = max((results[p][-1] for p in policies),
                       key=lambda r: (sum(o.within_target for o in r.outcomes), -sum(o.lateness for o in r.outcomes)))
            found = solve(night, hint=best, time_limit=args.optimum_seconds, workers=args.workers)
            results["optimum"].append(found.result)
            unproven += not found.optimal
            line.append(f"optimum {found.within_target} (bound {found.bound_within_target}"
                        f"{', proven' if found.optimal else ''})")
        print(", ".join(line), f"[{time.monotonic() - started:.0f} s]", flush=True)
        if args.every and (seed - args.first_seed + 1) % args.every == 0 and seed != args.first_seed + args.nights - 1:
            partial = [report.summarise(p, rs) for p, rs in results.items() if rs]
            report.add_gaps(partial)
            print(f"after {seed - args.first_seed + 1} nights (load {os.getloadavg()[0]:.1f}):\n"
                  f"{report.table(partial)}", flush=True)
    summaries = [report.summarise(p, rs) for p, rs in results.items() if rs]
    report.add_gaps(summaries)
    print()
    print(f"scenario {args.scenario}, {args.nights} nights (seeds {args.first_seed}–{args.first_seed + args.nights - 1})"
          + ("" if args.no_optimum else f", optimum not proven on {unproven} nights (best found in "
                                        f"{args.optimum_seconds:.0f} s)"))
    print(report.table(summaries))
    plot = args.plot or Path("test-artifacts") / f"simulation-{args.scenario}.png"
    report.plot(summaries, plot, title=f"Binnen norm per urgentie — {args.scenario}, {args.nights} nachten")
    print(f"plot: {plot}  (load: {os.getloadavg()[0]:.1f}, {time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
