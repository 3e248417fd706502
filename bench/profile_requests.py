"""Profile the per-request path in-process: the Flask test client, cProfile, the dispatch cycle.

    .venv/bin/python bench/profile_requests.py [--cycles 200] [--nurses 8] [--db sqlite|URL] [--top 15] [--steps]

Runs create → recommend → offer → accept → cancel (bearer tokens, as the HAP, coordinator and nurse do) and
a board poll (`GET /api/calls?updated_since=…&include=events`) per cycle on a fresh database, then prints the
CPU per request and the top functions by cumulative time; `--steps` prints each step's CPU instead (no
profiler), beside a bare Flask request through the same test client. The PostgreSQL database named by --db is wiped.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("WIJKSPOED_TEST_PASSWORD_COST", "low")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(url: str, nurses: int):
    import sqlalchemy as sa
    from sqlmodel import Session, SQLModel

    from backend import create_app, registry
    from backend.db import make_engine
    from backend.identity.service import ensure_teams
    from tests.factories import START, bearer, make_user

    registry.import_models()
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    from backend.timeutil import FixedClock

    clock = FixedClock(START)
    app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "profile", "CLOCK": clock})
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        ensure_teams(session)
        session.commit()
        hap = make_user(session, role="hap")
        coord = make_user(session, role="coordinator")
        team = [make_user(session, skills=["iv_therapy"], base_lat=52.2 + i / 100, base_lon=6.1 + i / 100)
                for i in range(nurses)]
        tokens = {"hap": bearer(session, hap), "coord": bearer(session, coord),
                  "nurses": {n.id: bearer(session, n) for n in team}}
        session.execute(sa.text("SELECT 1"))
    return app, clock, tokens


OLD_BOARD = False  # --old-board: the board as it was, the list and then each offered call's events


def cycle(client, clock, tokens, i: int, counter: list[int], since: list) -> None:

    clock.advance(seconds=1)
    body = {"team": "acute", "category": "iv_therapy", "urgency": "U3", "complaint": f"Profiel {i}",
            "source": "hap", "client": {"name": f"Cliënt {i}", "birth_date": "1938-04-02", "address": f"Brink {i}",
                                        "postcode": "7411 BR", "city": "Deventer", "lat": 52.25, "lon": 6.16}}
    created = client.post("/api/calls", json=body, headers=tokens["hap"])
    assert created.status_code == 201, created.get_json()
    call_id = created.get_json()["id"]
    recs = client.get(f"/api/calls/{call_id}/recommendations", headers=tokens["coord"]).get_json()
    nurse_id = recs[0]["nurse_id"]
    offered = client.post(f"/api/calls/{call_id}/offer", json={"nurse_id": nurse_id}, headers=tokens["coord"])
    assert offered.status_code == 200, offered.get_json()
    if OLD_BOARD:  # the offered call's events, as the old board polled them
        events = client.get(f"/api/calls/{call_id}/events", headers=tokens["coord"])
        assert events.status_code == 200, events.get_json()
        counter[0] += 1
    accepted = client.post(f"/api/calls/{call_id}/accept", headers=tokens["nurses"][nurse_id])
    assert accepted.status_code == 200, accepted.get_json()
    include = "" if OLD_BOARD else "include=events"
    q = "&".join(p for p in (f"updated_since={since[0]}" if since[0] else "", include) if p)
    board = client.get("/api/calls" + ("?" + q.replace("+", "%2B") if q else ""), headers=tokens["coord"])
    assert board.status_code == 200, board.get_json()
    changed = [c.get("changed_at") or c["updated_at"] for c in board.get_json()]
    if changed:
        since[0] = max(changed)
    cancelled = client.post(f"/api/calls/{call_id}/cancel", json={"reason": "profiel"}, headers=tokens["coord"])
    assert cancelled.status_code == 200, cancelled.get_json()
    counter[0] += 6


def count_statements(app, client, clock, tokens) -> None:
    """Print the SQL statements each request of one (warm) cycle sends, BEGIN included."""
    from sqlalchemy import event

    sent: list[str] = []
    event.listen(app.extensions["db_engine"], "before_cursor_execute", lambda *a: sent.append(a[2]))
    event.listen(app.extensions["db_engine"], "begin", lambda *a: sent.append("BEGIN"))
    counter, since = [0], [None]
    for i in range(3):
        cycle(client, clock, tokens, i, counter, since)
    open_ = client.open
    rows = []

    def counted(*args, **kwargs):
        sent.clear()
        response = open_(*args, **kwargs)
        rows.append((response.request.method, response.request.path, len(sent)))
        return response

    client.open = counted
    cycle(client, clock, tokens, 3, counter, since)
    for method, path, n in rows:
        print(f"  {n:3d} statements  {method} {path}")
    print(f"  {sum(n for *_, n in rows):3d} statements in one cycle of {len(rows)} requests")


def step_cpu(client, clock, tokens, *, cycles: int) -> None:
    """Print each step's CPU per request (median and p90 over `cycles` warm cycles, this thread's CPU time)."""
    import re
    import statistics

    counter, since = [0], [None]
    for i in range(10):  # warm up
        cycle(client, clock, tokens, i, counter, since)
    open_ = client.open
    spent: dict[str, list[float]] = {}

    def timed(*args, **kwargs):
        started = time.thread_time()
        response = open_(*args, **kwargs)
        step = f"{response.request.method} {re.sub(r'/[0-9]+', '/{id}', response.request.path)}"
        spent.setdefault(step, []).append((time.thread_time() - started) * 1000)
        return response

    client.open = timed
    for i in range(10, 10 + cycles):
        cycle(client, clock, tokens, i, counter, since)
    client.open = open_
    bare = bare_cpu()
    print(f"CPU per step, {cycles} cycles, this thread (ms; × a bare Flask request through the same test client, "
          f"{bare:.3f} ms; load {os.getloadavg()[0]:.2f}):")
    for step, values in spent.items():
        values.sort()
        p50 = statistics.median(values)
        print(f"  {step:38s} p50 {p50:6.2f} ({p50 / bare:4.0f} ×)   p90 {values[int(0.9 * (len(values) - 1))]:6.2f}")
    mean = statistics.fmean(v for values in spent.values() for v in values)
    print(f"  {'mean over the cycle':38s}     {mean:6.2f} ({mean / bare:4.0f} ×)")


def bare_cpu(requests: int = 2000) -> float:
    """CPU per request (ms) of a Flask endpoint returning a constant JSON object, through its test client."""
    from flask import Flask

    bare = Flask("bare")
    bare.get("/json")(lambda: {"ok": True})
    client = bare.test_client()
    for _ in range(200):
        client.get("/json")
    started = time.thread_time()
    for _ in range(requests):
        client.get("/json")
    return (time.thread_time() - started) * 1000 / requests


def board_counts(app, client, clock, tokens, *, boards: int, calls: int, polls: int, modes=("old", "new")) -> None:
    """Requests and audit rows of `boards` boards polling `polls` times on a team with `calls` open calls (half
    offered), one dispatch cycle between two polls, the old way (list + each offered call's events) and the new
    way (one request with `include=events`). Counts, not times: they don't depend on the machine's load."""
    import sqlalchemy as sa
    from sqlmodel import Session

    from tests.factories import bearer, make_user

    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        coordinators = [bearer(session, make_user(session, role="coordinator")) for _ in range(boards)]
        nurses = [make_user(session, skills=["iv_therapy"]) for _ in range(calls // 2)]
    body = {"team": "acute", "category": "iv_therapy", "urgency": "U3", "complaint": "Bord", "source": "hap"}
    for i in range(calls):
        client_body = {"name": f"Bordcliënt {i}", "birth_date": "1940-01-01", "address": f"Markt {i}",
                       "postcode": "7411 BR", "city": "Deventer", "lat": 52.25, "lon": 6.16}
        call = client.post("/api/calls", json={**body, "client": client_body}, headers=tokens["hap"]).get_json()
        if i < len(nurses):
            client.post(f"/api/calls/{call['id']}/offer", json={"nurse_id": nurses[i].id}, headers=tokens["coord"])
    engine = app.extensions["db_engine"]

    def audit_rows():
        with engine.connect() as conn:
            return conn.scalar(sa.text("SELECT count(*) FROM audit_events"))

    counter = [0]
    for mode in modes:
        seen = [dict() for _ in coordinators]
        since = [None] * len(coordinators)
        requests_sent = rows = 0
        for round_ in range(polls):
            cycle(client, clock, tokens, 10_000 + round_ + (polls if mode == "new" else 0), counter, [None])
            before = audit_rows()
            for b, headers in enumerate(coordinators):
                query = {} if since[b] is None else {"updated_since": since[b]}
                if mode == "new":
                    query["include"] = "events"
                from urllib.parse import urlencode
                answer = client.get("/api/calls" + ("?" + urlencode(query) if query else ""), headers=headers)
                requests_sent += 1
                for call in answer.get_json():
                    seen[b][call["id"]] = call
                changed = [c.get("changed_at") or c["updated_at"] for c in answer.get_json()]
                if changed:
                    since[b] = max(changed)
                if mode == "old":
                    for call in [c for c in seen[b].values() if c["status"] == "offered"]:
                        client.get(f"/api/calls/{call['id']}/events", headers=headers)
                        requests_sent += 1
            rows += audit_rows() - before
        print(f"  board ({mode}): {boards} boards × {polls} polls, {calls} open calls ({calls // 2} offered), "
              f"a dispatch cycle between polls: {requests_sent} requests, {rows} audit rows "
              f"({requests_sent / (boards * polls):.1f} requests and {rows / (boards * polls):.1f} rows per poll)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--nurses", type=int, default=8)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--old-board", action="store_true", help="poll as the old board did (per-call events)")
    parser.add_argument("--statements", action="store_true", help="count SQL statements per endpoint, no profile")
    parser.add_argument("--steps", action="store_true", help="CPU per step of the cycle (median), no profile")
    parser.add_argument("--board", type=int, default=0, help="count a board scenario with this many boards")
    parser.add_argument("--board-calls", type=int, default=50)
    parser.add_argument("--board-polls", type=int, default=15, help="polls per board (4 s apart: 15 = a minute)")
    parser.add_argument("--board-modes", default="old,new")
    args = parser.parse_args()
    global OLD_BOARD
    OLD_BOARD = args.old_board
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/profile.db" if args.db == "sqlite" else args.db
        app, clock, tokens = build(url, args.nurses)
        client = app.test_client()
        counter, since = [0], [None]
        if args.statements:
            count_statements(app, client, clock, tokens)
            return
        if args.steps:
            step_cpu(client, clock, tokens, cycles=args.cycles)
            return
        if args.board:
            board_counts(app, client, clock, tokens, boards=args.board, calls=args.board_calls, polls=args.board_polls,
                         modes=args.board_modes.split(","))
            return
        for i in range(10):  # warm up caches (schemas, compiled statements)
            cycle(client, clock, tokens, i, counter, since)
        counter[0] = 0
        profiler = cProfile.Profile()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        profiler.enable()
        for i in range(10, 10 + args.cycles):
            cycle(client, clock, tokens, i, counter, since)
        profiler.disable()
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        print(f"{counter[0]} requests on {app.extensions['db_engine'].dialect.name}: "
              f"{cpu * 1000 / counter[0]:.2f} ms CPU per request (under the profiler), wall {wall:.1f} s; "
              f"load {os.getloadavg()[0]:.2f}")
        plain0 = time.process_time()
        counter[0] = 0
        for i in range(10 + args.cycles, 10 + 2 * args.cycles):
            cycle(client, clock, tokens, i, counter, since)
        print(f"without the profiler: {(time.process_time() - plain0) * 1000 / counter[0]:.2f} ms CPU per request")
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
        app.extensions["db_engine"].dispose()


if __name__ == "__main__":
    main()
