"""Night simulator: compare dispatch policies on the same simulated nights, against the hindsight optimum.

    .venv/bin/python bench/simulate.py [--scenario busy] [--nights 50] [--first-seed 1]
        [--optimum-seconds 10] [--workers 2] [--jobs 1] [--plot test-artifacts/simulation-busy.png] [--no-optimum]

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
import multiprocessing
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WIJKSPOED_TEST_PASSWORD_COST", "low")

from bench.simlib import report  # noqa: E402
from bench.simlib.engine import POLICIES, simulate  # noqa: E402
from bench.simlib.scenario import make_night  # noqa: E402


def _play(job):
    """One night under every policy, then its hindsight optimum (hinted with the best online night)."""
    scenario, seed, policies, optimum_seconds, workers = job
    night = make_night(scenario, seed)
    played = {policy: simulate(night, policy) for policy in policies}
    found = None
    if optimum_seconds is not None:
        from bench.simlib.optimum import solve

        best = max(played.values(),
                   key=lambda r: (sum(o.within_target for o in r.outcomes), -sum(o.lateness for o in r.outcomes)))
        found = solve(night, hint=best, time_limit=optimum_seconds, workers=workers)
    return seed, len(night.calls), played, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", default="busy", choices=("busy", "normal"))
    parser.add_argument("--nights", type=int, default=50)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--optimum-seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (2 cores are shared)")
    parser.add_argument("--jobs", type=int, default=1, help="nights played at once, one process each")
    parser.add_argument("--no-optimum", action="store_true")
    parser.add_argument("--plot", type=Path, default=None)
    parser.add_argument("--policies", default=",".join(POLICIES), help="online policies to play (comma-separated)")
    parser.add_argument("--every", type=int, default=10, help="print the table so far every N nights")
    args = parser.parse_args(argv)

    policies = [p for p in args.policies.split(",") if p]
    results: dict[str, list] = {p: [] for p in (*policies, "optimum")}
    unproven = 0
    started = time.monotonic()
    seeds = range(args.first_seed, args.first_seed + args.nights)
    jobs = [(args.scenario, seed, policies, None if args.no_optimum else args.optimum_seconds, args.workers)
            for seed in seeds]
    pool = multiprocessing.get_context("fork").Pool(args.jobs) if args.jobs > 1 else None
    try:
        played = pool.imap(_play, jobs) if pool else map(_play, jobs)
        for done, (seed, calls, night_results, found) in enumerate(played, start=1):
            line = [f"night {seed:3d}: {calls:2d} calls"]
            for policy in policies:
                results[policy].append(night_results[policy])
                line.append(f"{policy} {sum(o.within_target for o in night_results[policy].outcomes)}")
            if found is not None:
                results["optimum"].append(found.result)
                unproven += not found.optimal
                line.append(f"optimum {found.within_target} (bound {found.bound_within_target}"
                            f"{', proven' if found.optimal else ''})")
            print(", ".join(line), f"[{time.monotonic() - started:.0f} s]", flush=True)
            if args.every and done % args.every == 0 and done != args.nights:
                partial = [report.summarise(p, rs) for p, rs in results.items() if rs]
                report.add_gaps(partial)
                print(f"after {done} nights (load {os.getloadavg()[0]:.1f}):\n{report.table(partial)}", flush=True)
    finally:
        if pool:
            pool.close()
            pool.join()
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
