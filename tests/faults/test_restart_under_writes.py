"""`pg_ctl restart -m fast` under clients that create calls through real gunicorn workers and retry with their
Idempotency-Key on a 503 or a dropped connection: nothing acknowledged is lost, nothing is duplicated, no 500."""
import threading
import uuid

import pytest
import requests
import sqlalchemy as sa

from backend.dispatch.models import Call
from tests.factories import bearer, make_call, make_user
from tests.faults.cluster import Web, wait_until

CLIENTS = 8
RESTARTS = 2


def create_with_retries(base, headers, body, outcomes, *, deadline_s: float = 60.0) -> int:
    """POST one call, retrying with the same key until it is acknowledged; record every answer."""
    key = str(uuid.uuid4())
    wait = threading.Event()
    for _ in range(400):
        try:
            response = requests.post(f"{base}/api/calls", json=body, timeout=deadline_s,
                                     headers={**headers, "Idempotency-Key": key})
        except requests.RequestException as exc:
            outcomes.append(("error", type(exc).__name__))
            wait.wait(0.1)
            continue
        is_json = response.headers.get("Content-Type", "").startswith("application/json")
        outcomes.append((response.status_code, is_json))
        if response.status_code == 201:
            return response.json()["id"]
        if response.status_code == 503:
            wait.wait(0.1)  # a real client waits Retry-After; here a short pause keeps the test fast
            continue
        raise AssertionError(f"unexpected answer {response.status_code}: {response.text[:300]}")
    raise AssertionError("never acknowledged")


@pytest.fixture
def web(app, cluster):
    server = Web(cluster.url, workers=2, threads=4)
    server.wait_ready()
    yield server
    server.stop()


def test_database_restart_under_writes(app, session, cluster, web):
    hap = make_user(session, role="hap")
    headers = bearer(session, hap)
    client_id = make_call(session, by=hap).client_id
    body = {"client_id": client_id, "team": "acute", "category": "catheter", "urgency": "U3",
            "complaint": "Katheter verstopt", "source": "hap"}
    acknowledged, outcomes, failures = [], [], []
    stop = threading.Event()

    def writer():
        try:
            while not stop.is_set():
                acknowledged.append(create_with_retries(web.base, headers, body, outcomes))
        except Exception as exc:  # reported below, with the answers seen
            failures.append(repr(exc))

    threads = [threading.Thread(target=writer) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        for round_ in range(RESTARTS):
            seen = len(acknowledged)
            wait_until(lambda: len(acknowledged) >= seen + 20, timeout=60, what="writes before a restart")
            cluster.restart()
        seen = len(acknowledged)
        wait_until(lambda: len(acknowledged) >= seen + 20, timeout=60, what="writes after the last restart")
    finally:
        stop.set()
        for thread in threads:
            thread.join(90)

    assert not failures, failures
    statuses = [o[0] for o in outcomes]
    assert 500 not in statuses and all(o[1] for o in outcomes if o[0] != "error"), outcomes
    assert statuses.count(503) + statuses.count("error") > 0, "the restarts were not felt: no fault injected"
    session.rollback()
    stored = session.scalars(sa.select(Call.id).where(Call.created_by_id == hap.id)).all()
    # Nothing acknowledged lost, nothing duplicated: one stored call per acknowledged key, plus the setup call.
    assert len(set(acknowledged)) == len(acknowledged)
    assert set(acknowledged) <= set(stored)
    assert len(stored) == len(acknowledged) + 1
