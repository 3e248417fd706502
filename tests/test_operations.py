"""Operations (API.md v1.1) on any database: /healthz, /readyz, a lost database is a 503 in the error shape,
and POST /api/calls takes an Idempotency-Key. The faults themselves are in tests/faults/ (PostgreSQL)."""
from alembic import command
from sqlmodel import select

from backend import create_app
from backend.dispatch.models import Call
from backend.migrations import alembic_config
from tests.factories import assert_error, bearer, make_call, make_user


def test_healthz_and_readyz(client, app):
    assert (client.get("/healthz").status_code, client.get("/healthz").get_json()) == (200, {"status": "ok"})
    not_ready = client.get("/readyz")  # the test schema is made by create_all: no migrations stamped
    assert assert_error(not_ready, 503)["reason"].startswith("migrations not current")
    command.stamp(alembic_config(app.config["DATABASE_URL"]), "heads")
    try:
        assert (client.get("/readyz").status_code, client.get("/readyz").get_json()) == (200, {"status": "ok"})
    finally:
        with app.extensions["db_engine"].begin() as conn:
            conn.exec_driver_sql("DROP TABLE alembic_version")


def test_unreachable_database_is_a_503_with_retry_after(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/x.db", "TESTING": True,
                      "SECRET_KEY": "x"})
    client = app.test_client()
    response = client.get("/api/calls", headers={"Authorization": "Bearer whatever"})
    body = assert_error(response, 503)
    assert "opnieuw" in body["message"] and int(response.headers["Retry-After"]) > 0
    assert client.get("/healthz").status_code == 200
    assert assert_error(client.get("/readyz"), 503)["reason"] == "database unreachable"


def test_post_calls_with_an_idempotency_key_is_done_once(client, session):
    hap = make_user(session, role="hap")
    headers = {**bearer(session, hap), "Idempotency-Key": "hap-42"}
    body = {"client_id": make_call(session, by=hap).client_id, "team": "acute", "category": "catheter",
            "urgency": "U3", "complaint": "Katheter verstopt", "source": "hap"}
    first = client.post("/api/calls", json=body, headers=headers)
    again = client.post("/api/calls", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json() and first.get_json()["client"]["id"] == body["client_id"]
    session.rollback()
    assert len(session.scalars(select(Call.id)).all()) == 2  # the setup call and this one, once
    other = client.post("/api/calls", json={**body, "complaint": "Anders"}, headers=headers)
    assert_error(other, 422)
    assert "offer_next_at" not in first.get_json()
