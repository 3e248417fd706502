"""Two web instances (gunicorn) and two clocks (`python -m backend.clock`) on one database, real time: a team with
2-second U2 offer windows and half-second ticks. Calls come in through both web instances; nobody answers,
so every call walks down the whole ladder. Midway one clock is killed (SIGKILL) and a new one started.
Every offer expires once and on time, nobody is asked twice, no push is sent twice, no 500."""
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
import requests
from sqlmodel import select

from backend.dispatch.models import Call, CallEvent
from backend.identity.models import Team
from backend.push.models import PushOutbox
from tests.factories import bearer, make_user
from tests.faults.cluster import Clock, Web, wait_until
from tests.faults.test_push_faults import subscribe
from tests.push_receiver import PushReceiver

TICK = 0.5
WINDOW = 2
CALLS = 6
NURSES = 3
# The clock runs a tick every TICK; a tick on a loaded machine (a shared 2-core CI box) takes time of its own,
# and the next one starts after it (at load 11–13: up to 3.9 s late). The strict "within one tick" is
# asserted with an injected clock (test_clock_faults.py, test_push_faults.py); here real processes must stay
# within a few seconds.
LATE_AT_MOST = timedelta(seconds=TICK + 5)


@pytest.fixture
def region(app, session, cluster):
    team = session.get(Team, "acute")
    team.auto_offer, team.ack_window_u2_seconds = True, WINDOW
    session.commit()
    hap = make_user(session, role="hap")
    with PushReceiver() as receiver:
        coordinator = make_user(session, role="coordinator")
        nurses = [make_user(session) for _ in range(NURSES)]
        tokens = {subscribe(session, u, receiver): u.id for u in [coordinator, *nurses]}
        webs = [Web(cluster.url, workers=1, threads=4) for _ in range(2)]
        clocks = [Clock(cluster.url, DISPATCH_TICK_SECONDS=TICK) for _ in range(2)]
        try:
            for web in webs:
                web.wait_ready()
            yield {"url": cluster.url, "hap": hap, "headers": bearer(session, hap), "receiver": receiver,
                   "tokens": tokens, "nurses": nurses, "coordinator": coordinator,
                   "webs": webs, "clocks": clocks}
        finally:
            for process in [*webs, *clocks]:
                process.stop()


def test_two_webs_two_clocks_and_a_dead_clock(session, region):
    hap_headers, receiver, webs, clocks = region["headers"], region["receiver"], region["webs"], region["clocks"]
    answers = []

    def post(i):
        web = webs[i % 2]
        # Six clients: one client's six calls would meet the likely-match rule (same name, birth date and
        # postcode) as soon as the first committed, a 409 that depends on timing, not on the processes.
        body = {"client": {"name": f"Mevrouw Test {i}", "birth_date": "1938-04-02", "address": "Brink 1",
                           "postcode": "7411br", "city": "Deventer", "lat": 52.2525, "lon": 6.159},
                "team": "acute", "category": "fall_assessment", "urgency": "U2", "complaint": "Gevallen",
                "source": "hap"}
        response = requests.post(f"{web.base}/api/calls", json=body, timeout=60,
                                 headers={**hap_headers, "Idempotency-Key": f"proc-{i}"})
        answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=post, args=(i,)) for i in range(CALLS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [a[0] for a in answers] == [201] * CALLS, answers
    call_ids = sorted(a[1]["id"] for a in answers)

    def events():
        session.rollback()
        return session.scalars(select(CallEvent).where(CallEvent.call_id.in_(call_ids))
                               .order_by(CallEvent.id)).all()

    # The first expiries are in: kill one clock mid-escalation and start another.
    wait_until(lambda: sum(e.type == "offer_expired" for e in events()) >= 3, timeout=60, what="first expiries")
    killed_at = datetime.now(timezone.utc)
    clocks[0].kill()
    clocks.append(Clock(region["url"], DISPATCH_TICK_SECONDS=TICK))
    # Every call walks down the ladder to its end: nobody left, the coordinator told once per call.
    wait_until(lambda: len({m.payload["call_id"] for m in receiver.delivered()
                            if m.payload["type"] == "no_nurse"}) == CALLS, timeout=120, what="every ladder's end")

    history = events()
    session.rollback()
    late = []
    for call_id in call_ids:
        mine = [e for e in history if e.call_id == call_id]
        offered = [e for e in mine if e.type == "offered"]
        expired = [e for e in mine if e.type == "offer_expired"]
        assert len(offered) == len(expired) == NURSES, [(e.type, e.nurse_id) for e in mine]
        assert len({e.nurse_id for e in offered}) == NURSES  # nobody asked twice
        for offer, expiry in zip(offered, expired):
            late.append((expiry.at - (offer.at + timedelta(seconds=WINDOW))).total_seconds())
        assert session.get(Call, call_id).status == "open"
    assert 0 <= min(late) and max(late) <= LATE_AT_MOST.total_seconds(), sorted(late)
    # The next nurse is asked in the tick that expired the offer (or the next one), never a grace period later.
    for call_id in call_ids:
        mine = [e for e in history if e.call_id == call_id and e.type in ("offered", "offer_expired")]
        for expiry, next_offer in zip(mine[1::2], mine[2::2]):
            assert next_offer.at - expiry.at <= LATE_AT_MOST, (call_id, next_offer.at - expiry.at)
    sent = Counter((m.token, m.payload["type"], m.payload["call_id"]) for m in receiver.delivered()
                   if m.payload["type"] in ("offer", "no_nurse"))
    assert max(sent.values()) == 1, sent  # no double pushes from two clocks
    # Every offer rang, except those the killed clock had claimed and not sent: the lease (the send timeout
    # and a margin) outlives a 2-second offer, and a push whose offer is over is dropped, never sent late. Such
    # a row shows the dead claim (a second attempt) and was written before the kill.
    def settled_offer_rows():
        session.rollback()
        rows = session.scalars(select(PushOutbox).where(PushOutbox.call_id.in_(call_ids),
                                                        PushOutbox.kind == "offer")).all()
        return rows if rows and all(row.status != "pending" for row in rows) else None

    rows = wait_until(settled_offer_rows, timeout=60, what="every offer push settled")
    tokens = region["tokens"]
    rung = {(m.payload["call_id"], tokens[m.token]) for m in receiver.delivered() if m.payload["type"] == "offer"}
    assert len(rows) == CALLS * NURSES, len(rows)
    unrung = [row for row in rows if (row.call_id, row.user_id) not in rung]
    assert all(row.status == "expired" and row.attempts >= 2 and row.created_at <= killed_at for row in unrung), [
        (row.call_id, row.status, row.attempts, row.created_at, killed_at) for row in unrung]
    assert len({row.call_id for row in unrung}) == len(unrung)  # one kill: at most one lost ring per call
