"""Print request timings of the visit API on a fresh SQLite database (or BENCH_DATABASE_URL).

    python bench/visits_bench.py [rounds]

Figures: vitals write (NEWS2, audit, idempotency key), its replay, a visit read, a sync pull, a portal
view of a client with many visits. Printed, never asserted.
"""
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, SQLModel  # noqa: E402

from backend import create_app, registry  # noqa: E402
from backend.clients.models import Client  # noqa: E402
from backend.dispatch import service as dispatch  # noqa: E402
from backend.identity.actor import Actor  # noqa: E402
from backend.identity.models import User  # noqa: E402
from backend.identity.service import ensure_teams, hash_password  # noqa: E402
from backend.timeutil import FixedClock  # noqa: E402

START = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)
VITALS = {"resp_rate": 18, "spo2": 96, "on_oxygen": False, "systolic_bp": 125, "heart_rate": 80,
          "consciousness": "A", "temperature": 37.2}


def timed(label, rounds, func):
    samples = []
    for i in range(rounds):
        t0 = time.perf_counter()
        func(i)
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    print(f"{label:<46} median {statistics.median(samples):7.2f} ms   p95 {samples[int(len(samples) * .95) - 1]:7.2f} ms"
          f"   (n={rounds})")


def main(rounds: int) -> None:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    clock = FixedClock(START)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "CLOCK": clock, "TESTING": True})
    registry.import_models()
    engine = app.extensions["db_engine"]
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        ensure_teams(session)
        nurse = User(username="bench", password_hash=hash_password("wachtwoord-123"), role="nurse", name="Bench",
                     team="acute", availability="available", created_at=START)
        hap = User(username="hap", password_hash="x", role="hap", name="HAP", organisation="HAP", created_at=START)
        client = Client(name="Cliënt", birth_date=date(1935, 1, 1), address="Brink 1", postcode="7411 BR",
                        city="Deventer", lat=52.25, lon=6.16, created_team="acute", created_at=START, updated_at=START)
        session.add_all([nurse, hap, client])
        session.commit()
        call = dispatch.create_call(session, actor=Actor.of(hap), now=START, data={
            "client_id": client.id, "team": "acute", "category": "catheter", "urgency": "U3", "complaint": "x",
            "source": "hap"})
        dispatch.accept_call(session, actor=Actor.of(nurse), call_id=call.id, now=START)
    web = app.test_client()
    csrf = web.post("/api/auth/login", json={"username": "bench", "password": "wachtwoord-123"}).get_json()["csrf_token"]
    headers = lambda key: {"X-CSRF-Token": csrf, "Idempotency-Key": key}  # noqa: E731
    visit = web.post("/api/visits", json={"call_id": call.id}, headers=headers("v")).get_json()
    body = {**VITALS, "measured_at": START.isoformat()}
    timed("POST vitals (new)", rounds, lambda i: web.post(f"/api/visits/{visit['id']}/vitals", json=body,
                                                           headers=headers(f"k{i}")))
    timed("POST vitals (replay of the same key)", rounds,
          lambda i: web.post(f"/api/visits/{visit['id']}/vitals", json=body, headers=headers("k0")))
    timed(f"GET visit (with {rounds} vitals)", rounds, lambda i: web.get(f"/api/visits/{visit['id']}"))
    cursor = web.get("/api/sync/pull").get_json()["cursor"]
    timed("GET sync/pull (full)", rounds, lambda i: web.get("/api/sync/pull"))
    clock.advance(minutes=1)
    timed("GET sync/pull (cursor, nothing new)", rounds, lambda i: web.get(f"/api/sync/pull?cursor={cursor}"))
    link = web.post(f"/api/clients/{client.id}/portal-links", json={"recipient_name": "Dochter"},
                    headers=headers(str(uuid.uuid4()))).get_json()
    timed("GET portal (audit log grows each view)", rounds, lambda i: web.get(f"/api/portal/{link['token']}"))
    print(f"database: {url.split('@')[-1]}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
