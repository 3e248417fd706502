"""Outcomes benchmark: a year of synthetic history for a region, then GET /api/kpis and /weekly for that year.

    .venv/bin/python bench/kpis.py [--calls-per-day 300] [--days 365] [--repeat 7] \
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/w2_kpis_bench] [--only sqlite|postgresql]

For each database it migrates a fresh schema (so the indexes of migration 0006_outcomes are there), loads the
demo region, writes --days of history (bulk inserts: calls, offer events, visits, handovers), runs ANALYZE,
and times the two endpoints through the app (Flask test client: routing, auth, SQL, schema dump) as the
regional coordinator (whole region, the widest query) and as the acute team's lead. Figures are printed,
never asserted; the target is under 500 ms each. The PostgreSQL database named by --pg-url is wiped.
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

from alembic import command  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from backend import create_app, demo  # noqa: E402
from backend.db import make_engine  # noqa: E402
from backend.identity.models import User  # noqa: E402
from backend.identity.service import hash_password  # noqa: E402
from backend.migrations import alembic_config  # noqa: E402
from backend.outcomes import history  # noqa: E402
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
    """Migrate, load the demo region and a regional coordinator, write the history, ANALYZE."""
    command.upgrade(alembic_config(url), "heads")
    engine = make_engine(url)
    with Session(engine) as session:
        demo.load_all(session, now=NOW)
        session.add(User(username="regio", password_hash=hash_password(PASSWORD), role="regional_coordinator",
                         name="Regio", team=None, created_at=NOW))
        lead = session.exec(select(User).where(User.username == "teamlead")).one()
        lead.password_hash = hash_password(PASSWORD)
        session.commit()
        started = time.perf_counter()
        count = history.generate(session, now=NOW, days=days, calls_per_day=per_day, seed=2026)
        took = time.perf_counter() - started
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    engine.dispose()
    print(f"  history: {count:,} calls over {days} days written in {took:.1f} s ({count / took:,.0f} calls/s)")


def timed(client, path: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat + 1):  # the first request warms caches and is not counted
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_json()
    return times[1:]


def measure(url: str, *, days: int, repeat: int) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "CLOCK": FixedClock(NOW), "TESTING": True})
    start = (NOW - timedelta(days=days)).date().isoformat()
    end = (NOW + timedelta(days=1)).date().isoformat()
    for username, label in (("regio", "region (all teams)"), ("teamlead", "team lead (acute)")):
        client = app.test_client()
        response = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        calls = client.get(f"/api/kpis?from={start}&to={end}").get_json()["calls"]["total"]
        for path in (f"/api/kpis?from={start}&to={end}", f"/api/kpis/weekly?from={start}&to={end}"):
            t = timed(client, path, repeat)
            name = path.split("?")[0]
            print(f"  {label:<20} {name:<17} {calls:>7,} calls  median {statistics.median(t):6.0f} ms  "
                  f"min {min(t):6.0f} ms  max {max(t):6.0f} ms  (n={len(t)})")
    app.extensions["db_engine"].dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--calls-per-day", type=float, default=300.0)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/w2_kpis_bench")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="wijkspoed-bench-kpis-") as tmp:
        targets = {"sqlite": f"sqlite:///{tmp}/kpis.db", "postgresql": args.pg_url}
        for kind, url in targets.items():
            if args.only and kind != args.only:
                continue
            print(f"{kind}:")
            if kind == "postgresql":
                fresh_postgres(url)
            prepare(url, days=args.days, per_day=args.calls_per_day)
            measure(url, days=args.days, repeat=args.repeat)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
