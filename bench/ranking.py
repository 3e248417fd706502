"""Ranking bench: how long dispatch takes to rank a team of N nurses for one call (issue 14, item 2).

    .venv/bin/python bench/ranking.py [--nurses 200] [--repeat 300] [--pg-url postgresql+psycopg://…/<scratch>]

Seeds a scratch database (SQLite in /dev/shm, and PostgreSQL when --pg-url names one it may wipe) through the
real service layer: a team of N nurses over the demo region, a night's history (completed visits, nurses on
site and en route, open offers, a refusal of the call being ranked), then times
`ranking.rank_for_call(session, call=…, now=…)` — the queries and the arithmetic that both the recommendations
endpoint and the automatic offer pay — and prints p50/p90 in milliseconds with the machine's load. On PostgreSQL
the seeded tables are analyzed first, as autovacuum keeps a live database's statistics.
Nothing is asserted: the figure is indicative unless the load average is below 1.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WIJKSPOED_TEST_PASSWORD_COST", "low")

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from backend import registry  # noqa: E402
from backend.db import make_engine  # noqa: E402
from backend.dispatch import ranking, service  # noqa: E402
from backend.dispatch.models import Call  # noqa: E402
from backend.identity.actor import Actor  # noqa: E402
from backend.identity.models import User  # noqa: E402
from backend.identity.service import ensure_teams  # noqa: E402

TEAM = "acute"
SKILLS = ("hbo", "level4", "vs", "iv_therapy", "palliative", "catheter", "wound_care")
REGION = ((52.21, 52.39), (6.09, 6.29))  # Deventer, Olst-Wijhe, Voorst


def _point(rng: random.Random) -> tuple[float, float]:
    (lat0, lat1), (lon0, lon1) = REGION
    return round(rng.uniform(lat0, lat1), 5), round(rng.uniform(lon0, lon1), 5)


def seed(session: Session, *, nurses: int, now: datetime, rng: random.Random) -> int:
    """Make the team and its night so far; return the id of the open call to rank."""
    ensure_teams(session)
    hap = User(username="hap", password_hash="-", role="hap", name="Triagist HAP", organisation="HAP Deventer",
               created_at=now)
    session.add(hap)
    team = []
    for i in range(nurses):
        skills = sorted(rng.sample(SKILLS, 3)) if i else ["iv_therapy"]
        user = User(username=f"nurse{i}", password_hash="-", role="nurse", name=f"Verpleegkundige {i}", team=TEAM,
                    skills=skills, base_lat=_point(rng)[0], base_lon=_point(rng)[1], availability="available",
                    availability_set_at=now - timedelta(hours=9), created_at=now)
        session.add(user)
        team.append(user)
    session.commit()
    hap_actor = Actor.of(hap, request_id="bench")
    system = service.SystemActor(team=TEAM)

    serial = iter(range(1, 10**6))

    def new_call(at: datetime, urgency: str = "U3", category: str = "fall_assessment") -> int:
        lat, lon = _point(rng)
        return service.create_call(session, actor=hap_actor, now=at, data={
            "client": {"name": f"Cliënt {next(serial)}", "birth_date": date(1938, 1, 1), "address": "Bench 1", "postcode": "7411 AA",
                       "city": "Deventer", "lat": lat, "lon": lon},
            "team": TEAM, "category": category, "urgency": urgency, "complaint": "Bench", "source": "hap"}).id

    # A night so far: a third of the team did a visit in the last hours, a tenth is on site or on the way now,
    # a few have an open offer.
    order = list(team)
    rng.shuffle(order)
    third, tenth = nurses // 3, max(1, nurses // 10)
    for k, nurse in enumerate(order[:third]):
        at = now - timedelta(minutes=rng.randint(90, 420))
        actor = Actor.of(nurse, request_id="bench")
        call_id = new_call(at)
        service.offer_call(session, actor=system, call_id=call_id, nurse_id=nurse.id, now=at, reason="bench")
        service.accept_call(session, actor=actor, call_id=call_id, now=at)
        service.set_call_status(session, actor=actor, call_id=call_id, status="en_route", now=at)
        service.set_call_status(session, actor=actor, call_id=call_id, status="on_site", now=at + timedelta(minutes=15))
        service.complete_call(session, actor=actor, call_id=call_id, now=at + timedelta(minutes=50),
                              closing_note="Klaar.")
    for k, nurse in enumerate(order[third:third + tenth]):
        at = now - timedelta(minutes=rng.randint(5, 40))
        actor = Actor.of(nurse, request_id="bench")
        call_id = new_call(at, urgency="U2")
        service.offer_call(session, actor=system, call_id=call_id, nurse_id=nurse.id, now=at, reason="bench")
        service.accept_call(session, actor=actor, call_id=call_id, now=at)
        service.set_call_status(session, actor=actor, call_id=call_id, status="en_route", now=at)
        if k % 2:
            service.set_call_status(session, actor=actor, call_id=call_id, status="on_site", now=at + timedelta(minutes=3))
    for nurse in order[third + tenth:third + tenth + 5]:
        call_id = new_call(now - timedelta(minutes=1), urgency="U4")
        service.offer_call(session, actor=system, call_id=call_id, nurse_id=nurse.id, now=now, reason="bench")
    # The call to rank: offered once, and refused.
    target = new_call(now - timedelta(minutes=3), urgency="U3", category="catheter")
    refuser = order[-1]
    service.offer_call(session, actor=system, call_id=target, nurse_id=refuser.id, now=now - timedelta(minutes=2),
                       reason="bench")
    service.decline_call(session, actor=Actor.of(refuser, request_id="bench"), call_id=target, reason=None,
                         now=now - timedelta(minutes=1))
    return target


def measure(url: str, *, nurses: int, repeat: int, fresh: bool) -> list[float]:
    registry.import_models()
    engine = make_engine(url)
    if fresh:
        SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    now = datetime(2026, 1, 5, 23, 0, tzinfo=timezone.utc)
    with Session(engine, expire_on_commit=False) as session:
        call_id = seed(session, nurses=nurses, now=now, rng=random.Random(14))
        if engine.dialect.name == "postgresql":
            # The planner's statistics, as autovacuum keeps them on a live database: without them PostgreSQL
            # takes a team of 200 nurses for one row and joins every call of the team to each nurse (7 ms).
            session.execute(sa.text("ANALYZE"))
            session.commit()
        call = session.get(Call, call_id)
        ranked = ranking.rank_for_call(session, call=call, now=now, end_reads=True)
        print(f"  {len(ranked)} nurses ranked; first: {ranked[0].name}: {'; '.join(ranked[0].reasons)}")
        wall, cpu = [], []
        for _ in range(repeat):
            call = session.get(Call, call_id, populate_existing=True)  # as the endpoint has it: just loaded
            started, started_cpu = time.perf_counter(), time.thread_time()
            ranking.rank_for_call(session, call=call, now=now, end_reads=True)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
    engine.dispose()
    return wall, cpu


def _p(ordered: list[float], q: float) -> float:
    return ordered[int(q * (len(ordered) - 1))]


def report(name: str, timings: tuple[list[float], list[float]]) -> None:
    wall, cpu = (sorted(t) for t in timings)
    print(f"{name}: wall p50 {statistics.median(wall):.2f} ms, p90 {_p(wall, 0.9):.2f} ms, min {wall[0]:.2f} ms; "
          f"this process's CPU p50 {statistics.median(cpu):.2f} ms, p90 {_p(cpu, 0.9):.2f} ms "
          f"({len(wall)} rankings; load average {os.getloadavg()[0]:.2f})", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nurses", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--pg-url", default=None, help="a PostgreSQL database this bench may wipe")
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    scratch = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="wijkspoed-rank-", dir=scratch) as tmp:
        report(f"SQLite, {args.nurses} nurses",
               measure(f"sqlite:///{tmp}/rank.db", nurses=args.nurses, repeat=args.repeat, fresh=False))
    if args.pg_url:
        report(f"PostgreSQL, {args.nurses} nurses",
               measure(args.pg_url, nurses=args.nurses, repeat=args.repeat, fresh=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
