"""Exactly one nurse holds a call: parallel accepts and offers against a real threaded server."""
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlmodel import Session, select

from backend.dispatch import service
from backend.dispatch.models import Call, CallEvent
from backend.identity.models import User
from tests.dispatch.dispatch_fixtures import live_server, pusher, token_for  # noqa: F401
from tests.factories import make_call, make_user

N = 24


def fire(requests_to_send):
    """Send every (url, token, body) at the same moment from its own thread; return the status codes."""
    barrier = threading.Barrier(len(requests_to_send))

    def send(item):
        url, token, body = item
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {token}"
            barrier.wait()
            return http.post(url, json=body, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=len(requests_to_send)) as pool:
        return list(pool.map(send, requests_to_send))


def test_parallel_accepts_have_exactly_one_winner(app, session, live_server, pusher):  # noqa: F811
    nurses = [make_user(session) for _ in range(N)]
    call = make_call(session)
    tokens = {n.id: token_for(app, n) for n in nurses}
    url = f"{live_server.url}/api/calls/{call.id}/accept"
    statuses = fire([(url, tokens[n.id], None) for n in nurses])
    assert sorted(statuses) == [200] + [409] * (N - 1)
    with Session(pusher.engine) as check:
        stored = check.get(Call, call.id)
        assert stored.status == "accepted"
        busy = check.exec(select(User.id).where(User.availability == "busy")).all()
        assert busy == [stored.nurse_id]
        accepted = check.exec(select(CallEvent).where(CallEvent.call_id == call.id, CallEvent.type == "accepted")).all()
        assert [e.nurse_id for e in accepted] == [stored.nurse_id]


def test_parallel_offers_have_exactly_one_winner(app, session, live_server, pusher):  # noqa: F811
    nurses = [make_user(session) for _ in range(N)]
    coordinators = [make_user(session, role="coordinator") for _ in range(N)]
    call = make_call(session)
    url = f"{live_server.url}/api/calls/{call.id}/offer"
    statuses = fire([(url, token_for(app, c), {"nurse_id": n.id}) for c, n in zip(coordinators, nurses)])
    assert sorted(statuses) == [200] + [409] * (N - 1)
    with Session(pusher.engine) as check:
        offered = check.exec(select(CallEvent).where(CallEvent.call_id == call.id, CallEvent.type == "offered")).all()
        assert len(offered) == 1
        assert check.get(Call, call.id).nurse_id == offered[0].nurse_id


def test_one_nurse_accepting_many_calls_at_once_gets_one(app, session, live_server, pusher):  # noqa: F811
    nurse = make_user(session)
    calls = [make_call(session) for _ in range(N)]
    token = token_for(app, nurse)
    statuses = fire([(f"{live_server.url}/api/calls/{c.id}/accept", token, None) for c in calls])
    assert sorted(statuses) == [200] + [409] * (N - 1)
    with Session(pusher.engine) as check:
        held = check.exec(select(Call.id).where(Call.nurse_id == nurse.id, Call.status == "accepted")).all()
        assert len(held) == 1


def test_parallel_ladder_steps_offer_once_through_the_connection_pool(app, session, pusher):  # noqa: F811
    """Several processes' ladders (fast path, clock, a second clock) offering one call at once."""
    for _ in range(5):
        make_user(session)
    call = make_call(session, category="wound_care")  # needs no special skill
    barrier = threading.Barrier(N)

    def step(_):
        with Session(pusher.engine, expire_on_commit=False) as own:
            barrier.wait()
            return service.offer_next(own, call_id=call.id, now=call.created_at, reason="test") is not None

    with ThreadPoolExecutor(max_workers=N) as pool:
        results = list(pool.map(step, range(N)))
    assert results.count(True) == 1
    with Session(pusher.engine) as check:
        offered = check.exec(select(CallEvent).where(CallEvent.call_id == call.id, CallEvent.type == "offered")).all()
        assert len(offered) == 1


def test_replace_takes_over_an_offer_on_purpose(app, session, pusher):  # noqa: F811
    from tests.factories import actor

    anna, bram = make_user(session), make_user(session)
    coordinator = actor(make_user(session, role="coordinator"))
    call = make_call(session)
    service.offer_call(session, actor=coordinator, call_id=call.id, nurse_id=anna.id, now=call.created_at)
    moved = service.offer_call(session, actor=coordinator, call_id=call.id, nurse_id=bram.id,
                               now=call.created_at, replace=True)
    assert (moved.status, moved.nurse_id) == ("offered", bram.id)
