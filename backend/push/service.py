"""Push subscriptions, the outbox and delivery receipts.

`notify()` writes outbox rows inside the transaction of the event they announce (an offer, an expired
offer, a lead alert, a roster gap). When that transaction commits, the database's push composition
(worker.py) sends the new rows at once (a worker thread in a web process). What fails is retried with
backoff by the clock (`deliver_due`). Every send first claims its row with a conditional UPDATE, so two
processes never send the same row twice at the same time.
"""
from __future__ import annotations

import base64
import binascii
import ipaddress
import logging
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session, select

from backend import errors, vocab
from backend.db import get_or_404
from backend.audit import service as audit
from backend.dispatch.models import Call, CallEvent
from backend.push import worker
from backend.push.models import PushOutbox, PushSubscription
from backend.push.sender import PushSender, endpoint_problem, topic_for
from backend.timeutil import as_utc

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
LEASE_MARGIN = timedelta(seconds=5)
MAX_ATTEMPTS = 20
BACKOFF_BASE_SECONDS = 10
BACKOFF_MIN = timedelta(seconds=2)
BACKOFF_MAX_SECONDS = 300
DEFAULT_TTL_SECONDS = 3600
# A push about a call of these urgencies is sent with `Urgency: high`: the phone wakes at once.
HIGH_URGENCIES = vocab.URGENCIES[:2]
# What the nurse's service worker reports about an offer, and the call event it becomes.
RECEIPT_EVENTS = {"shown": "offer_shown", "failed": "offer_not_shown"}


def _b64_len(value: str) -> int | None:
    try:
        return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError):
        return None


_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _host_name_problem(endpoint: str) -> str | None:
    """Return why an endpoint's host is no valid host name (spaces, escapes, empty labels), else None."""
    try:
        parts = urlsplit(endpoint)
        netloc, host = parts.netloc, (parts.hostname or "").rstrip(".")
    except (ValueError, AttributeError):
        return "endpoint is not a valid URL"
    if any(ch in netloc for ch in " %\\\t\r\n") or not netloc.isascii():
        return "endpoint host is not a valid host name"
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    if not host or not all(_LABEL.match(label) for label in host.split(".")):
        return "endpoint host is not a valid host name"
    return None


def subscribe(
    session: Session, *, user_id: int, endpoint: str, p256dh: str, auth: str,
    allowed_hosts: tuple[str, ...], now: datetime, user_agent: str | None = None,
) -> PushSubscription:
    """Store a subscription for the user: one row per endpoint, which belongs to one user (another's → 409)."""
    problem = _host_name_problem(endpoint) or endpoint_problem(endpoint, allowed_hosts)
    if problem:
        raise errors.Unprocessable("Dit push-adres is niet toegestaan.", errors={"endpoint": [problem]})
    key_errors = {}
    if _b64_len(p256dh) != 65 or not p256dh.startswith("B"):  # 0x04 || X || Y, base64url starts with B
        key_errors["p256dh"] = ["must be an uncompressed P-256 public key, base64url"]
    if _b64_len(auth) != 16:
        key_errors["auth"] = ["must be a 16-byte secret, base64url"]
    if key_errors:
        raise errors.Unprocessable("Ongeldige sleutels in de push-inschrijving.", errors={"keys": key_errors})
    existing = session.exec(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).first()
    if existing is not None and existing.user_id != user_id:
        # Taking over another user's endpoint would send her pushes to us: she logs out (unsubscribes) first.
        raise errors.Conflict("Dit push-adres hoort bij een ander account; log op dit toestel eerst uit.",
                              errors={"endpoint": ["Van een ander account."]})
    if existing is not None:
        # The same browser re-subscribing: its keys may have changed.
        existing.p256dh, existing.auth = p256dh, auth
        existing.user_agent = user_agent
        session.add(existing)
        session.commit()
        return existing
    subscription = PushSubscription(
        user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth, user_agent=user_agent, created_at=now
    )
    session.add(subscription)
    session.commit()
    return subscription


def unsubscribe(session: Session, *, user_id: int, endpoint: str) -> int:
    """Forget this browser's subscription for the user (logout on a shared phone); return rows removed."""
    table = PushSubscription.__table__
    removed = session.execute(
        sa.delete(table).where(table.c.endpoint == endpoint, table.c.user_id == user_id)
    ).rowcount
    session.commit()
    return removed


def notify(session: Session, *, user_ids, kind: str, payload: dict, now: datetime,
           ttl: int | None = None) -> list[int]:
    """Queue `payload` to every subscription of these users, in the caller's transaction (no commit).

    The rows are sent right after the caller commits; a `call_id` in the payload ties them to the call (a
    retried offer that was taken meanwhile is not sent), its `urgency` (U2/U3) makes the push urgent.
    """
    user_ids = sorted({u for u in user_ids if u is not None})
    if not user_ids:
        return []
    subscriptions = session.exec(
        select(PushSubscription).where(PushSubscription.user_id.in_(user_ids)).order_by(PushSubscription.id)
    ).all()
    ttl = DEFAULT_TTL_SECONDS if ttl is None else ttl
    urgency = "high" if payload.get("urgency") in HIGH_URGENCIES else "normal"
    rows = [
        PushOutbox(
            subscription_id=s.id, user_id=s.user_id, call_id=payload.get("call_id"), kind=kind, payload=payload,
            urgency=urgency, ttl_seconds=ttl, next_attempt_at=now, expires_at=now + timedelta(seconds=ttl),
            created_at=now,
        )
        for s in subscriptions
    ]
    if not rows:
        return []
    session.add_all(rows)
    session.flush()
    ids = [row.id for row in rows]
    worker.after_commit(session, deliver_new, ids=ids)
    return ids


def backoff(attempts: int, *, left: timedelta | None = None) -> timedelta:
    """Return the wait before the next try after `attempts` failures, at most a tenth of the time `left`
    before the push expires (an offer of 2 minutes is retried every few seconds, not once a minute)."""
    wait = timedelta(seconds=min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1)))
    if left is not None:
        wait = min(wait, max(BACKOFF_MIN, left / 10))
    return wait


def lease_for(sender: PushSender) -> timedelta:
    """How long a claimed row is ours: the longest a send may wait, and a margin (then the clock may retry)."""
    return timedelta(seconds=sender.timeout) + LEASE_MARGIN


# Which push is still worth sending, by kind, given the call's (status, nurse_id) and the push's user: a
# push whose purpose is over (the call was accepted, cancelled, re-offered) is dropped, never sent late.
_STILL_RELEVANT = {
    "offer": lambda status, nurse_id, user_id: status == "offered" and nurse_id == user_id,
    "offer_expired": lambda status, nurse_id, user_id: status in ("open", "offered"),
    "lead_alert": lambda status, nurse_id, user_id: status in ("open", "offered"),
    "no_nurse": lambda status, nurse_id, user_id: status == "open",
}


def is_stale(*, kind: str, call_id: int | None, call_status: str | None, call_nurse_id: int | None,
             user_id: int) -> bool:
    """Return whether a push about a call no longer says anything true (see `_STILL_RELEVANT`)."""
    if call_id is None:
        return False
    if call_status is None:  # the call is gone
        return True
    relevant = _STILL_RELEVANT.get(kind)
    if relevant is None:
        return call_status in ("cancelled", "completed")
    return not relevant(call_status, call_nurse_id, user_id)


def _claim_statements():
    table, subs, calls = PushOutbox.__table__, PushSubscription.__table__, Call.__table__
    outbox_id, now = sa.bindparam("outbox_id"), sa.bindparam("now", type_=table.c.next_attempt_at.type)
    take = (sa.update(table)
            .where(table.c.id == outbox_id, table.c.status == "pending", table.c.next_attempt_at <= now,
                   sa.or_(table.c.claimed_until.is_(None), table.c.claimed_until <= now))
            .values(claimed_until=sa.bindparam("until", type_=table.c.claimed_until.type),
                    attempts=table.c.attempts + 1))
    read = (sa.select(table.c.attempts, table.c.expires_at, table.c.payload, table.c.urgency,
                      subs.c.id, subs.c.endpoint, subs.c.p256dh, subs.c.auth,
                      table.c.kind, table.c.user_id, table.c.call_id, calls.c.status, calls.c.nurse_id)
            .select_from(table.outerjoin(subs, subs.c.id == table.c.subscription_id)
                         .outerjoin(calls, calls.c.id == table.c.call_id))
            .where(table.c.id == outbox_id))
    return take, read


# Built once: every push runs them (building costs more CPU than running).
_CLAIM, _CLAIMED_ROW = _claim_statements()


def _claim(session: Session, *, outbox_id: int, now: datetime, lease: timedelta = LEASE):
    """Take the lease on one due row with a conditional UPDATE; return the row and its subscription's
    endpoint and keys (None when gone), or None if the row is not due or someone else has it."""
    result = session.execute(_CLAIM, {"outbox_id": outbox_id, "now": now, "until": now + lease})
    if result.rowcount != 1:
        session.rollback()
        return None
    row = session.execute(_CLAIMED_ROW, {"outbox_id": outbox_id}).one()
    session.commit()  # the lease is ours; hold no transaction while we wait on the network
    return row


def deliver_one(session: Session, *, sender: PushSender, outbox_id: int, now: datetime) -> str | None:
    """Claim, send and record one outbox row; return its new status, or None when not claimed.

    The send waits at most the sender's timeout, and never past the push's expiry; a failure is retried by
    due time (`next_attempt_at`) with a backoff capped by what is left of the push's life.
    """
    claimed = _claim(session, outbox_id=outbox_id, now=now, lease=lease_for(sender))
    if claimed is None:
        return None
    table = PushOutbox.__table__
    (attempts, expires_at, payload, urgency, subscription_id, endpoint, p256dh, auth,
     kind, user_id, call_id, call_status, call_nurse_id) = claimed
    expires_at = as_utc(expires_at)
    mine = sa.and_(table.c.id == outbox_id, table.c.attempts == attempts, table.c.status == "pending")
    stale = is_stale(kind=kind, call_id=call_id, call_status=call_status, call_nurse_id=call_nurse_id,
                     user_id=user_id)
    left = expires_at - now
    if subscription_id is None:
        status = "gone"
        values = {"status": status, "claimed_until": None, "last_error": "subscription removed"}
    elif left <= timedelta(0) or stale:
        # Its purpose is over (an offer taken, declined or re-offered, a call accepted or cancelled): don't ring.
        status = "expired"
        values = {"status": status, "claimed_until": None, "last_error": "stale" if stale else "expired"}
    else:
        result = sender.send(
            endpoint=endpoint, p256dh=p256dh, auth=auth, payload=payload,
            ttl=max(1, int(left.total_seconds())), urgency=urgency,
            topic=topic_for(kind, call_id, user_id), deadline=left.total_seconds(),
        )
        if result.delivered:
            status = "sent"
            values = {"status": status, "sent_at": now, "claimed_until": None, "last_status": result.status}
            session.execute(
                sa.update(PushSubscription.__table__)
                .where(PushSubscription.__table__.c.id == subscription_id)
                .values(last_success_at=now)
            )
        elif result.gone:
            status = "gone"
            values = {"status": status, "claimed_until": None, "last_status": result.status,
                      "last_error": result.error}
            # The push service says this subscription is dead (404/410): forget it and what waits for it.
            session.execute(
                sa.update(table)
                .where(table.c.subscription_id == subscription_id, table.c.status == "pending",
                       table.c.id != outbox_id)
                .values(status="gone", last_error="subscription gone")
            )
            session.execute(
                sa.delete(PushSubscription.__table__).where(PushSubscription.__table__.c.id == subscription_id)
            )
        else:
            retry_at = now + backoff(attempts, left=left)
            if attempts >= MAX_ATTEMPTS:
                status = "failed"
            elif retry_at >= expires_at:
                status = "expired"
            else:
                status = "pending"
            values = {"status": status, "next_attempt_at": retry_at, "claimed_until": None,
                      "last_status": result.status, "last_error": result.error}
    session.execute(sa.update(table).where(mine).values(**values))
    session.commit()
    return status


def due_ids(session: Session, *, now: datetime, limit: int = 100) -> list[int]:
    """Return ids of outbox rows that are due and not leased."""
    return list(
        session.exec(
            select(PushOutbox.id)
            .where(
                PushOutbox.status == "pending",
                PushOutbox.next_attempt_at <= now,
                sa.or_(PushOutbox.claimed_until.is_(None), PushOutbox.claimed_until <= now),
            )
            .order_by(PushOutbox.next_attempt_at, PushOutbox.id)
            .limit(limit)
        ).all()
    )


def deliver_due(session: Session, *, now: datetime, limit: int = 500) -> dict[str, int]:
    """Queue every due outbox row on the push pool (the clock's retry pass); return what `Push.send` says.

    The tick never waits for a push service: each row is claimed and sent on the pool, at the time it runs.
    """
    ids = due_ids(session, now=now, limit=limit)
    session.rollback()
    push = worker.for_session(session)
    return push.send(send_task, ids) if push is not None and ids else {}


def send_task(session: Session, *, now: datetime, outbox_id: int) -> str | None:
    """Send one outbox row (a task of the push pool); whatever stays pending is retried by the clock."""
    return deliver_one(session, sender=worker.for_session(session).sender, outbox_id=outbox_id, now=now)


def deliver_new(session: Session, *, now: datetime, ids: list[int]) -> None:
    """Send rows `notify()` just committed (queued by the push composition right after that commit)."""
    push = worker.for_session(session)
    push.send(send_task, ids)


def record_receipt(session: Session, *, actor, call_id: int, status: str, now: datetime) -> CallEvent:
    """Record that the current offer was shown on the nurse's phone (or not); a repeat returns the first."""
    call = get_or_404(session, Call, call_id, f"Melding {call_id} bestaat niet.")
    if call.nurse_id != actor.user_id or call.status != "offered" or call.offered_at is None:
        raise errors.Conflict("Deze melding is niet (meer) aan jou aangeboden.")
    earlier = session.exec(
        select(CallEvent).where(CallEvent.call_id == call.id, CallEvent.type.in_(tuple(RECEIPT_EVENTS.values())),
                                CallEvent.nurse_id == actor.user_id, CallEvent.at >= call.offered_at)
    ).first()
    if earlier is not None:
        return earlier
    event = CallEvent(call_id=call.id, at=now, type=RECEIPT_EVENTS[status], actor_id=actor.user_id,
                      from_status=call.status, to_status=call.status, nurse_id=actor.user_id,
                      detail={"offered_at": call.offered_at.isoformat()})
    session.add(event)
    audit.record(session, actor=actor, action="call.offer_delivery", client_id=call.client_id, now=now,
                 data="melding", detail={"call_id": call.id, "status": status})
    session.commit()
    return event
