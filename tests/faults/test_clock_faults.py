"""The clock dies mid-escalation (after a commit, before the next step; mid-send) and a new one starts: it
resumes within one tick, from due rows in the database. Two clocks on one database do every step once."""
import threading
from collections import Counter

from sqlmodel import select

from backend import create_app
from backend.clock import build_scheduler
from backend.db import session_scope
from backend.dispatch import escalation, service
from backend.dispatch.models import Call, CallEvent
from backend.push import service as push_service
from backend.push.models import PushOutbox
from tests.factories import actor, make_call, make_user
from tests.faults.test_push_faults import TICK, rows, subscribe, tick
from tests.push_receiver import PushReceiver


def new_clock(app, clock):
    """A clock process as `python -m backend.clock` makes it: a fresh app, nothing kept in memory."""
    fresh = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "TESTING": True, "SECRET_KEY": "x",
                        "CLOCK": clock, "PUSH_ALLOWED_HOSTS": "127.0.0.1"})
    build_scheduler(fresh)
    return fresh.extensions["push"]


def test_clock_killed_after_expiry_resumes_within_one_tick(app, session, clock):
    with PushReceiver() as receiver:
        coordinator = make_user(session, role="coordinator")
        first, second = make_user(session), make_user(session)
        subscribe(session, second, receiver)
        call = make_call(session, urgency="U2", category="fall_assessment")
        service.offer_call(session, actor=actor(coordinator), call_id=call.id, nurse_id=first.id, now=clock.now())
        dying = new_clock(app, clock)
        dying.mode = "off"  # it dies right after the expiry commits: the fast path to the next nurse is lost
        clock.advance(seconds=120)
        with session_scope(dying.engine) as work:  # the first step of its tick, then it is killed
            assert escalation.expire_due_offers(work, now=clock.now()) == 1
        session.rollback()
        assert session.get(Call, call.id, populate_existing=True).status == "open"

        restarted = new_clock(app, clock)
        clock.advance(seconds=TICK)  # the very next tick, not a grace period later
        assert tick(restarted)["offered"] == 1
        restarted.drain()
        session.rollback()
        stored = session.get(Call, call.id, populate_existing=True)
        assert (stored.status, stored.nurse_id, stored.offer_next_at) == ("offered", second.id, None)
        assert [m.payload["type"] for m in receiver.delivered()] == ["offer"]
        assert tick(restarted)["offered"] == 0  # and nothing twice


def test_clock_killed_mid_send_retries_after_the_send_deadline(app, session, clock):
    with PushReceiver() as receiver:
        coordinator, nurse = make_user(session, role="coordinator"), make_user(session)
        subscribe(session, nurse, receiver)
        dying = new_clock(app, clock)
        dying.mode, dying.send_inline = "off", None
        call = make_call(session, urgency="U2", category="fall_assessment")
        service.offer_call(session, actor=actor(coordinator), call_id=call.id, nurse_id=nurse.id, now=clock.now())
        [row] = rows(session)
        # The clock claims the row and dies before the push service answers.
        assert push_service._claim(session, outbox_id=row.id, now=clock.now(),
                                   lease=push_service.lease_for(dying.sender)) is not None
        restarted = new_clock(app, clock)
        lease = push_service.lease_for(restarted.sender).total_seconds()
        clock.advance(seconds=TICK)
        tick(restarted)
        restarted.drain()
        assert receiver.messages == []  # still leased: the dead clock's send may be under way
        ticks = 1
        while not receiver.delivered():
            clock.advance(seconds=TICK)
            tick(restarted)
            restarted.drain()
            ticks += 1
            assert ticks * TICK <= lease + TICK, "not retried within one tick of the lease"
        [message] = receiver.delivered()
        topic = {k.lower(): v for k, v in message.headers.items()}["topic"]
        assert topic == f"offer-c{call.id}-u{nurse.id}"  # a repeat of the dead clock's send replaces it


def test_two_clocks_do_every_step_once(app, session, clock):
    with PushReceiver() as receiver:
        coordinator = make_user(session, role="coordinator")
        subscribe(session, coordinator, receiver)
        nurses = [make_user(session) for _ in range(13)]
        for nurse in nurses:
            subscribe(session, nurse, receiver)
        calls = [make_call(session, urgency="U2", category="fall_assessment") for _ in range(12)]
        for call, nurse in zip(calls, nurses):
            service.offer_call(session, actor=actor(coordinator), call_id=call.id, nurse_id=nurse.id,
                               now=clock.now())
        clocks = [new_clock(app, clock), new_clock(app, clock)]
        clock.advance(seconds=120 + TICK)
        barrier, results = threading.Barrier(2), []

        def run(push):
            barrier.wait()
            results.append(tick(push))

        threads = [threading.Thread(target=run, args=(c,)) for c in clocks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        for push in clocks:
            push.drain()
        assert sum(r["expired"] for r in results) == 12
        session.rollback()
        events = session.scalars(select(CallEvent).where(CallEvent.call_id.in_([c.id for c in calls]))).all()
        per_call = Counter((e.call_id, e.type) for e in events)
        assert all(per_call[(c.id, "offer_expired")] == 1 for c in calls)
        assert all(per_call[(c.id, "offered")] == 2 for c in calls)  # the first offer and exactly one more
        sent = Counter((m.token, m.payload["type"], m.payload["call_id"]) for m in receiver.messages)
        assert max(sent.values()) == 1, sent  # no double pushes
        statuses = Counter(r.status for r in session.scalars(select(PushOutbox)).all())
        assert set(statuses) <= {"sent", "expired"}, statuses
