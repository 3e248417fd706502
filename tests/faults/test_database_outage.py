"""The database goes away and comes back: 503 with Retry-After in the error shape (never a 500 or an HTML
page), /healthz stays 200, /readyz says 503 with a reason, the clock logs one line down and one line up,
and everything works again without a restart of the app."""
import logging

from backend import clock as clock_module
from backend.dispatch import escalation
from tests.factories import START, bearer, make_call, make_user


def _call_body(client_id):
    return {"client_id": client_id, "team": "acute", "category": "catheter", "urgency": "U3",
            "complaint": "Katheter verstopt", "source": "hap"}


def test_database_down_is_a_503_and_recovers(app, session, cluster, caplog):
    hap = make_user(session, role="hap")
    headers = bearer(session, hap)
    first = make_call(session, by=hap)
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    assert client.get("/api/calls", headers=headers).status_code == 200
    job_outage = clock_module.Outage()
    caplog.set_level(logging.INFO, logger="wijkspoed.clock")

    cluster.stop()
    try:
        for _ in range(3):
            listed = client.get("/api/calls", headers=headers)
            created = client.post("/api/calls", json=_call_body(first.client_id),
                                  headers={**headers, "Idempotency-Key": "down-1"})
            for response in (listed, created):
                assert response.status_code == 503, response.data[:300]
                assert response.is_json, response.data[:300]
                body = response.get_json()
                assert body["code"] == 503 and body["status"] == "Service Unavailable"
                assert "database" in body["message"] and "opnieuw" in body["message"]  # Dutch, says: retry
                assert int(response.headers["Retry-After"]) > 0
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.get_json()["reason"] == "database unreachable"
        # The clock: three ticks while the database is down, one log line, no traceback.
        for _ in range(3):
            assert clock_module.run_job(app, escalation.tick, outage=job_outage) is None
    finally:
        cluster.start()

    # Back: the same app (its pool pre-pings away the dead connections) answers without a restart.
    assert client.get("/readyz").status_code == 200
    assert client.get("/api/calls", headers=headers).status_code == 200
    created = client.post("/api/calls", json=_call_body(first.client_id),
                          headers={**headers, "Idempotency-Key": "down-1"})
    assert created.status_code == 201
    assert clock_module.run_job(app, escalation.tick, outage=job_outage) is not None
    clock_lines = [r for r in caplog.records if r.name == "wijkspoed.clock"]
    assert [r.levelname for r in clock_lines] == ["WARNING", "INFO"], [r.getMessage() for r in clock_lines]
    assert "unreachable" in clock_lines[0].getMessage() and clock_lines[0].exc_info is None
    assert "reachable again" in clock_lines[1].getMessage()
    assert START  # the injected clock never moved: nothing here waits for a timer
