"""Fault benchmark: the fault suite's scenarios at a larger scale, figures printed (never asserted).

    .venv/bin/python bench/faults.py [--clients 30] [--restarts 5] [--slow-offers 20] [--delay 30]

Needs root (or the postgres user) and /usr/lib/postgresql/15/bin: it starts a throwaway PostgreSQL cluster on a
free port (never the machine's own), migrates it, and then
  1. restart under retrying clients: gunicorn (2 workers × 4 threads) and --clients threads creating calls with
     an Idempotency-Key, retrying on 503 or a dropped connection; `pg_ctl restart -m fast` --restarts times.
     Prints acknowledged / stored / duplicates / 500s / 503s / connection errors and the longest time from a
     restart to the next acknowledged write;
  2. slow push service: --slow-offers U2 offers whose pushes the service answers after --delay s; prints how long
     the requests and the clock's tick took and how late (in ticks) the offers expired.
Say the load (`uptime`) beside any figure: the machine is shared.
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("WIJKSPOED_TEST_PASSWORD_COST", "low")

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from alembic import command  # noqa: E402
from sqlmodel import Session  # noqa: E402

from backend import create_app, registry  # noqa: E402
from backend.clock import build_scheduler  # noqa: E402
from backend.db import session_scope  # noqa: E402
from backend.dispatch import escalation, service  # noqa: E402
from backend.dispatch.models import Call  # noqa: E402
from backend.identity.service import ensure_teams  # noqa: E402
from backend.migrations import alembic_config  # noqa: E402
from backend.push.models import PushSubscription  # noqa: E402
from backend.timeutil import FixedClock  # noqa: E402
from tests.factories import START, actor, bearer, make_call, make_user  # noqa: E402
from tests.faults.cluster import Cluster, Web, wait_until  # noqa: E402
from tests.push_receiver import PushReceiver  # noqa: E402


def restarts(cluster: Cluster, *, clients: int, count: int) -> None:
    app = create_app({"DATABASE_URL": cluster.url, "TESTING": True, "SECRET_KEY": "bench"})
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        ensure_teams(session)
        session.commit()
        hap = make_user(session, role="hap")
        headers = bearer(session, hap)
        client_id = make_call(session, by=hap).client_id
    body = {"client_id": client_id, "team": "acute", "category": "catheter", "urgency": "U3",
            "complaint": "Katheter verstopt", "source": "hap"}
    web = Web(cluster.url, workers=2, threads=4)
    web.wait_ready()
    acked, answers, stop, lock = [], [], threading.Event(), threading.Lock()
    ack_times = []

    def writer():
        pause = threading.Event()
        while not stop.is_set():
            key = str(uuid.uuid4())
            while True:
                try:
                    r = requests.post(f"{web.base}/api/calls", json=body, timeout=60,
                                      headers={**headers, "Idempotency-Key": key})
                    answers.append(r.status_code)
                except requests.RequestException:
                    answers.append("error")
                    pause.wait(0.1)
                    continue
                if r.status_code == 201:
                    with lock:
                        acked.append(r.json()["id"])
                        ack_times.append(time.monotonic())
                    break
                pause.wait(0.1)

    threads = [threading.Thread(target=writer, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    recoveries = []
    try:
        for _ in range(count):
            seen = len(acked)
            wait_until(lambda: len(acked) >= seen + 50, timeout=120, what="writes")
            cluster.restart()
            done = time.monotonic()
            wait_until(lambda: ack_times and ack_times[-1] > done, timeout=120, what="a write after restart")
            recoveries.append(min(t for t in ack_times if t > done) - done)
        seen = len(acked)
        wait_until(lambda: len(acked) >= seen + 50, timeout=120, what="writes")
    finally:
        stop.set()
        for t in threads:
            t.join(120)
        web.stop()
    with Session(app.extensions["db_engine"]) as session:
        stored = session.scalar(sa.select(sa.func.count()).select_from(Call).where(Call.created_by_id == hap.id)) - 1
    print(f"restart under writes: {clients} clients, {count} × pg_ctl restart -m fast")
    print(f"  acknowledged {len(acked)}, stored {stored}, duplicates {stored - len(set(acked))}, "
          f"lost {len(set(acked)) - min(stored, len(set(acked)))}")
    print(f"  answers: 201 × {answers.count(201)}, 503 × {answers.count(503)}, 500 × {answers.count(500)}, "
          f"connection errors × {answers.count('error')}, other × "
          f"{sum(1 for a in answers if a not in (201, 503, 500, 'error'))}")
    print(f"  first acknowledged write after a restart: max {max(recoveries):.2f} s, "
          f"mean {sum(recoveries) / len(recoveries):.2f} s")
    app.extensions["db_engine"].dispose()


def slow_push(cluster: Cluster, *, offers: int, delay: float) -> None:
    clock = FixedClock(START)
    with PushReceiver(delay=delay) as receiver:
        app = create_app({"DATABASE_URL": cluster.url, "TESTING": True, "SECRET_KEY": "bench", "CLOCK": clock,
                          "PUSH_ALLOWED_HOSTS": "127.0.0.1", "PUSH_DELIVERY": "thread"})
        push = app.extensions["push"]
        push.send_inline = False
        with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
            session.execute(sa.text("TRUNCATE calls, call_events, push_outbox, push_subscriptions CASCADE"))
            session.commit()
            coordinator = make_user(session, role="coordinator")
            nurses = [make_user(session) for _ in range(offers + 1)]
            for nurse in nurses:
                sub = receiver.subscription()
                session.add(PushSubscription(user_id=nurse.id, endpoint=sub["endpoint"], created_at=START,
                                             p256dh=sub["keys"]["p256dh"], auth=sub["keys"]["auth"]))
            session.commit()
            calls = [make_call(session, urgency="U2", category="fall_assessment") for _ in range(offers)]
            started = time.monotonic()
            for call, nurse in zip(calls, nurses):
                service.offer_call(session, actor=actor(coordinator), call_id=call.id, nurse_id=nurse.id,
                                   now=clock.now())
            requests_took = time.monotonic() - started
        build_scheduler(app)  # now the clock's composition
        tick_s = app.config["DISPATCH_TICK_SECONDS"]
        clock.advance(seconds=120 + tick_s)  # one tick after the offers' due time
        started = time.monotonic()
        with session_scope(push.engine) as session:
            result = escalation.tick(session, now=clock.now())
        tick_took = time.monotonic() - started
        receiver.release()
        push.drain()
    print(f"slow push service ({delay:.0f} s per answer), {offers} simultaneous U2 offers")
    print(f"  {offers} offer requests took {requests_took:.2f} s in all; the tick after the due time took "
          f"{tick_took:.2f} s and expired {result['expired']} of {offers} (within one tick of due)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--restarts", type=int, default=5)
    parser.add_argument("--slow-offers", type=int, default=20)
    parser.add_argument("--delay", type=float, default=30)
    args = parser.parse_args()
    print("load:", os.getloadavg())
    cluster = Cluster(database="bench").create()
    try:
        registry.import_models()
        command.upgrade(alembic_config(cluster.url), "heads")
        restarts(cluster, clients=args.clients, count=args.restarts)
        slow_push(cluster, offers=args.slow_offers, delay=args.delay)
    finally:
        cluster.destroy()
    print("load:", os.getloadavg())


if __name__ == "__main__":
    main()
