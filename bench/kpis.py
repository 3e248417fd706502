"""Outcomes benchmark: a year of synthetic history for a region, then GET /api/kpis and /weekly for that year.

    .venv/bin/python bench/kpis.py [--calls-per-day 300] [--days 365] [--repeat 7] \
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/w2_kpis_bench] [--only sqlite|postgresql] \
        [--sqlite-path /tmp/kpis.db] [--reuse]

For each database it migrates a fresh schema (so the indexes of migration 0006_outcomes are there), loads the
demo region, writes --days of history (bulk inserts: calls, offer events, visits, handovers), runs ANALYZE,
runs the clock job `outcomes.rollup` once (timed), and times the two endpoints through the app (Flask test client: routing, auth, SQL, schema dump) as the
regional coordinator (whole region, the widest query) and as the acute team's lead. Figures are printed,
never asserted; the target is under 500 ms each. Each line gives the wall time and the CPU time of a request
(this process, which includes SQLite's work, plus the PostgreSQL backends of the database, read from /proc),
and the load average: on a shared machine wall time is inflated, CPU time much less so. The PostgreSQL
database named by --pg-url is wiped, unless --reuse finds the history there (then it is only migrated).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from alembic import command  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from backend import create_app, demo  # noqa: E402
from backend.db import make_engine  # noqa: E402
from backend.identity.models import User  # noqa: E402
from backend.identity.service import hash_password  # noqa: E402
from backend.migrations import alembic_config  # noqa: E402
from backend.outcomes import history, rollup  # noqa: E402
from backend.timeutil import FixedClock  # noqa: E402

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
PASSWORD = "bench-wachtwoord-1"


def fresh_postgres(url: str) -> None:
    import psycopg

    head, name = url.rsplit("/", 1)
    admin = head.replace("postgresql+psycopg", "postgresql") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(url: str, *, days: int, per_day: float) -> None:
    """Migrate, load the demo region (with its regional coordinator), write the history, ANALYZE."""
    command.upgrade(alembic_config(url), "heads")
    engine = make_engine(url)
    with Session(engine) as session:
        demo.load_all(session, now=NOW)
        # The demo region has both users (the regional coordinator `regio` and the acute team's lead).
        for username in ("regio", "teamlead"):
            user = session.exec(select(User).where(User.username == username)).one()
            user.password_hash = hash_password(PASSWORD)
        session.commit()
        started = time.perf_counter()
        count = history.generate(session, now=NOW, days=days, calls_per_day=per_day, seed=2026)
        took = time.perf_counter() - started
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    engine.dispose()
    print(f"  history: {count:,} calls over {days} days written in {took:.1f} s ({count / took:,.0f} calls/s)")


def refresh(url: str) -> None:
    """Run the clock job `outcomes.rollup` once, as the clock would after the history was written."""
    engine = make_engine(url)
    with Session(engine) as session:
        wall, cpu = time.perf_counter(), time.process_time()
        written = rollup.refresh(session, now=NOW)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rows = session.scalar(select(sa.func.count()).select_from(rollup.DAYS))
    engine.dispose()
    print(f"  rollup: {written} days stored ({rows:,} rows) in {wall:.1f} s wall, {cpu:.1f} s cpu (this process)")


def _backend_cpu(engine) -> float:
    """CPU seconds (user + system) used so far by this database's PostgreSQL backends (0 on SQLite).

    The server runs on this machine, so /proc has its processes; a backend we can't read counts 0.
    """
    if engine.dialect.name != "postgresql":
        return 0.0
    with engine.connect() as conn:
        pids = conn.exec_driver_sql("SELECT pid FROM pg_stat_activity WHERE datname = current_database()").scalars().all()
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def timed(client, engine, path: str, repeat: int) -> tuple[list[float], list[float]]:
    """Return wall and CPU milliseconds per request (CPU: this process + the database's backends)."""
    walls, cpus = [], []
    for _ in range(repeat + 1):  # the first request warms caches and is not counted
        cpu_before = time.process_time() + _backend_cpu(engine)
        started = time.perf_counter()
        response = client.get(path)
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() + _backend_cpu(engine) - cpu_before) * 1000)
        assert response.status_code == 200, response.get_json()
    return walls[1:], cpus[1:]


def measure(url: str, *, days: int, repeat: int) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "CLOCK": FixedClock(NOW), "TESTING": True})
    engine = app.extensions["db_engine"]
    start = (NOW - timedelta(days=days)).date().isoformat()
    end = (NOW + timedelta(days=1)).date().isoformat()
    for username, label in (("regio", "region (all teams)"), ("teamlead", "team lead (acute)")):
        client = app.test_client()
        response = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        calls = client.get(f"/api/kpis?from={start}&to={end}").get_json()["calls"]["total"]
        for path in (f"/api/kpis?from={start}&to={end}", f"/api/kpis/weekly?from={start}&to={end}"):
            wall, cpu = timed(client, engine, path, repeat)
            name = path.split("?")[0]
            load = os.getloadavg()[0]
            print(f"  {label:<20} {name:<17} {calls:>7,} calls  wall median {statistics.median(wall):5.0f} ms "
                  f"(min {min(wall):5.0f})  cpu median {statistics.median(cpu):5.0f} ms (min {min(cpu):5.0f})  "
                  f"n={len(wall)}  load {load:.2f}")
    engine.dispose()


def _has_history(url: str) -> bool:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return history.has_history(session, now=NOW)
    except Exception:  # no schema yet
        return False
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--calls-per-day", type=float, default=300.0)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/w2_kpis_bench")
    parser.add_argument("--sqlite-path", help="keep the SQLite database in this file (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a database that has the history already (migrated to heads, not wiped)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="wijkspoed-bench-kpis-") as tmp:
        sqlite_path = args.sqlite_path or f"{tmp}/kpis.db"
        targets = {"sqlite": f"sqlite:///{sqlite_path}", "postgresql": args.pg_url}
        for kind, url in targets.items():
            if args.only and kind != args.only:
                continue
            print(f"{kind}:")
            if args.reuse and _has_history(url):
                command.upgrade(alembic_config(url), "heads")
                print("  history: reused")
            else:
                if kind == "postgresql":
                    fresh_postgres(url)
                elif os.path.exists(sqlite_path):
                    os.remove(sqlite_path)
                prepare(url, days=args.days, per_day=args.calls_per_day)
            refresh(url)
            measure(url, days=args.days, repeat=args.repeat)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
