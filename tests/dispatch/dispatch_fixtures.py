"""Fixtures and helpers for the dispatch engine tests (imported by the test modules)."""
import threading

import pytest
from sqlmodel import Session, select
from werkzeug.serving import make_server

from backend.dispatch import dispatcher
from backend.dispatch.push_models import PushOutbox, PushSubscription
from backend.identity import service as identity
from tests.dispatch.push_receiver import PushReceiver
from tests.factories import START, login


@pytest.fixture
def receiver():
    """A local push service on 127.0.0.1 (checks VAPID, decrypts)."""
    with PushReceiver() as r:
        yield r


@pytest.fixture
def rt(app):
    """The app's dispatch runtime, running after-commit work inline (deterministic)."""
    runtime = app.extensions["dispatch"]
    runtime.mode = "inline"
    yield runtime
    runtime.drain()


def tick(rt):
    """Run the clock's dispatch jobs once at the injected clock's now."""
    return dispatcher.tick(rt)


def logged_in(app, user):
    """Return a test client logged in as `user` and its CSRF headers."""
    client = app.test_client()
    return client, {"X-CSRF-Token": login(client, user.username)}


def subscribe(app, user, receiver) -> dict:
    """Subscribe `user` to the receiver through the API; return the subscription the browser made."""
    client, headers = logged_in(app, user)
    sub = receiver.subscription()
    response = client.post("/api/push/subscriptions", json=sub, headers=headers)
    assert response.status_code == 201, response.get_json()
    return sub


def outbox(session) -> list[PushOutbox]:
    session.commit()  # end the read transaction: on SQLite (WAL) it pins an old snapshot
    session.expire_all()
    return list(session.exec(select(PushOutbox).order_by(PushOutbox.id)).all())


def subscriptions(session) -> list[PushSubscription]:
    session.commit()  # end the read transaction: on SQLite (WAL) it pins an old snapshot
    session.expire_all()
    return list(session.exec(select(PushSubscription).order_by(PushSubscription.id)).all())


def token_for(app, user) -> str:
    with Session(app.extensions["db_engine"]) as s:
        return identity.create_token(s, username=user.username, label="test", now=START).token


class LiveServer:
    """The app served by a threaded werkzeug server on 127.0.0.1:<free port>."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        yield server
