"""A slow push service (30 s per answer) and one that is down: neither holds up a request or the clock's tick,
offers still expire on time, a push is sent once, a stale push is dropped, and after an outage the offer
arrives within the backoff capped by what is left of its window."""
import time
from datetime import timedelta

import pytest
from sqlmodel import select

from backend.clock import build_scheduler
from backend.db import session_scope
from backend.dispatch import escalation, service
from backend.dispatch.models import Call, CallEvent
from backend.push.models import PushOutbox, PushSubscription
from tests.factories import actor, make_call, make_user
from tests.push_receiver import PushReceiver

TICK = 5  # DISPATCH_TICK_SECONDS


def subscribe(session, user, receiver) -> str:
    sub = receiver.subscription()
    session.add(PushSubscription(user_id=user.id, endpoint=sub["endpoint"], p256dh=sub["keys"]["p256dh"],
                                 auth=sub["keys"]["auth"], created_at=user.created_at))
    session.commit()
    return sub["endpoint"].rsplit("/", 1)[-1]


def as_web(push):
    push.mode, push.send_inline = "thread", False
    return push


def as_clock(app):
    build_scheduler(app)  # what `python -m backend.clock` does: after-commit work in line, pushes on the pool
    return app.extensions["push"]


def tick(push):
    with session_scope(push.engine) as session:
        return escalation.tick(session, now=push.clock.now())


def rows(session):
    session.rollback()
    return session.scalars(select(PushOutbox).order_by(PushOutbox.id)).all()


@pytest.fixture
def slow_receiver():
    with PushReceiver(delay=30) as receiver:
        yield receiver


def test_slow_push_service_holds_up_nothing(app, session, clock, slow_receiver):
    push = as_web(app.extensions["push"])
    coordinator = make_user(session, role="coordinator")
    nurses = [make_user(session) for _ in range(7)]
    tokens = {subscribe(session, n, slow_receiver): n.id for n in nurses}
    calls = [make_call(session, urgency="U2", category="fall_assessment") for _ in range(6)]

    # Six offers at once, each push answered after 30 s: every request returns at once.
    for call, nurse in zip(calls, nurses):
        started = time.monotonic()
        service.offer_call(session, actor=actor(coordinator), call_id=call.id, nurse_id=nurse.id, now=clock.now())
        assert time.monotonic() - started < 2
    slow_receiver.wait_for(6, timeout=20, delivered_only=False)  # all six reached the service concurrently

    # The clock: the U2 offers' 2-minute window ends; the tick that follows expires them, pushes still hanging.
    clock_push = as_clock(app)
    clock.advance(seconds=120 + TICK)
    started = time.monotonic()
    result = tick(clock_push)
    assert time.monotonic() - started < 5, "the tick waited on the push service"
    assert result["expired"] == 6
    session.rollback()
    # Offered on within this same tick, each to a nurse who has not let it run out.
    offered_to = [session.get(Call, c.id, populate_existing=True) for c in calls]
    assert all(c.status == "offered" and c.nurse_id != n.id for c, n in zip(offered_to, nurses)), offered_to
    again = tick(clock_push)  # in-flight sends are not queued again
    assert again["expired"] == 0

    slow_receiver.release()
    push.drain()
    clock_push.drain()
    messages = slow_receiver.messages
    per_row = {}
    for m in messages:
        key = (m.token, m.payload["type"], m.payload["call_id"])
        per_row[key] = per_row.get(key, 0) + 1
    assert max(per_row.values()) == 1, per_row  # nothing sent twice
    offers = [m for m in messages if m.payload["type"] == "offer"]
    topics = [{k.lower(): v for k, v in m.headers.items()}.get("topic", "") for m in offers]
    assert all(t.startswith("offer-c") for t in topics), [m.headers for m in offers[:1]]
    assert {tokens[m.token] for m in offers[:6]} == {n.id for n in nurses[:6]}


def test_push_service_down_then_back(app, session, clock):
    with PushReceiver() as receiver:
        push = as_clock(app)
        coordinator = make_user(session, role="coordinator")
        nurse = make_user(session)
        subscribe(session, nurse, receiver)
        call = make_call(session, urgency="U3", category="fall_assessment")  # a 5-minute window
        receiver.down = True
        service.offer_call(session, actor=actor(coordinator), call_id=call.id, nurse_id=nurse.id, now=clock.now())
        push.drain()
        outage_ends = clock.now() + timedelta(seconds=91)
        while clock.now() < outage_ends:
            clock.advance(seconds=TICK)
            tick(push)
            push.drain()
        assert receiver.delivered() == []
        receiver.down = False
        back_at = clock.now()
        while not receiver.delivered():
            assert clock.now() - back_at <= timedelta(seconds=300 // 10 + TICK), "backoff not capped by the window"
            clock.advance(seconds=TICK)
            tick(push)
            push.drain()
        assert clock.now() - back_at <= timedelta(seconds=25)
        [row] = [r for r in rows(session) if r.kind == "offer"]
        assert (row.status, len(receiver.delivered())) == ("sent", 1)


def test_stale_pushes_of_every_kind_are_dropped(app, session, clock):
    with PushReceiver() as receiver:
        push = as_clock(app)
        coordinator, lead = make_user(session, role="coordinator"), make_user(session, role="team_lead")
        first, second = make_user(session), make_user(session)
        for user in (coordinator, lead, first, second):
            subscribe(session, user, receiver)
        call = make_call(session, urgency="U2", category="fall_assessment")
        receiver.down = True
        service.offer_call(session, actor=actor(coordinator), call_id=call.id, nurse_id=first.id, now=clock.now())
        clock.advance(seconds=120 + TICK)
        assert tick(push)["expired"] == 1  # offer_expired to the coordinator, the offer to `second`: both fail
        push.drain()
        session.rollback()
        assert session.get(Call, call.id, populate_existing=True).nurse_id == second.id
        service.accept_call(session, actor=actor(second), call_id=call.id, now=clock.now())
        receiver.down = False
        for _ in range(12):
            clock.advance(seconds=TICK)
            tick(push)
            push.drain()
        assert receiver.delivered() == [], [m.payload for m in receiver.delivered()]
        kinds = {(r.kind, r.status, r.last_error) for r in rows(session)}
        assert ("offer_expired", "expired", "stale") in kinds
        assert ("offer", "expired", "stale") in kinds
        events = session.scalars(select(CallEvent.type).where(CallEvent.call_id == call.id)).all()
        assert events.count("offer_expired") == 1
