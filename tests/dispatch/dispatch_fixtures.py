"""Fixtures and helpers for the dispatch engine tests (imported by the test modules)."""
import threading

import pytest
from sqlmodel import Session, select
from werkzeug.serving import make_server

from backend.db import session_scope
from backend.dispatch import escalation
from backend.identity.credentials import new_token
from backend.push.models import PushOutbox, PushSubscription
from tests.factories import START, login
from tests.push_receiver import PushReceiver


@pytest.fixture
def receiver():
    """A local push service on 127.0.0.1 (checks VAPID, decrypts)."""
    with PushReceiver() as r:
        yield r


@pytest.fixture
def pusher(app):
    """The app's push composition, running after-commit work inline (deterministic)."""
    push = app.extensions["push"]
    push.mode = "inline"
    yield push
    push.drain()


def tick(pusher):
    """Run the clock's dispatch tick once at the injected clock's now, as the clock process does."""
    with session_scope(pusher.engine) as session:
        return escalation.tick(session, now=pusher.clock.now())


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
        _, token = new_token(s, user=s.get(type(user), user.id), label="test", now=START)
        s.commit()
        return token


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
