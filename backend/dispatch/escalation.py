"""The clock's escalation steps: expire unanswered offers, alert team leads, offer calls that wait.

Every step is durable work in the database: a due time (`offer_expires_at`, `lead_alert_at`, `offer_next_at`,
the push outbox's `next_attempt_at`) that a step claims with a conditional UPDATE. So a clock that dies loses
nothing, a restarted one resumes within one tick, and two clocks (or a clock and a web process's fast path
after commit) do each step once. `tick` runs them in order, then queues push's retries.

`run_due` and `claim` are that machinery on its own: other domains' ladders run on them too (consults:
the next physician on call, then the team lead).
"""
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from backend.dispatch import notices, service
from backend.dispatch.models import Call, CallEvent
from backend.dispatch.ranking import REFUSAL_EVENTS
from backend.identity.models import Team
from backend.push import jobs as push_jobs

WAITING = ("open", "offered")


# -- the machinery: due ids, a claim per row (other domains' escalations use these too, e.g. consults) ----------

def run_due(session: Session, due, step: Callable[[Session, object], object]) -> int:
    """Run `step(session, id)` for every id the SELECT `due` returns (rows whose due time has come).

    The read ends before the steps: each step claims its own row with a conditional UPDATE and commits, so a
    second clock (or a run twice) finds nothing left. Return how many steps did something (not None/False).
    """
    ids = session.scalars(due).all()
    session.rollback()
    return sum(bool(step(session, row_id)) for row_id in ids)


def claim(session: Session, model, row_id, *conditions, values: dict, now: datetime) -> bool:
    """Claim one due step of a row: UPDATE it WHERE `conditions` still hold (version + 1).

    True for the one caller that won it (the row is refreshed in the session); False, rolled back, otherwise.
    """
    claimed = session.execute(
        sa.update(model).where(model.id == row_id, *conditions)
        .values(**values, updated_at=now, version=model.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.rollback()
        return False
    session.get(model, row_id, populate_existing=True)
    return True


# -- dispatch's steps ------------------------------------------------------------------------------

def expire_due_offers(session: Session, *, now: datetime, limit: int = 100) -> int:
    """Expire every offer whose window has passed; each expiry then offers the call on. Return the count."""
    due = (select(Call.id).where(Call.status == "offered", Call.offer_expires_at <= now)
           .order_by(Call.offer_expires_at).limit(limit))
    # Conditional: a second clock (or a run twice) finds nothing left to expire.
    return run_due(session, due, lambda s, call_id: service.expire_offer(s, call_id=call_id, now=now) is not None)


def alert_leads_due(session: Session, *, now: datetime, limit: int = 100) -> int:
    """Push the team lead about calls nobody has accepted by half their response target. Return the count."""
    due = (select(Call.id).where(Call.status.in_(WAITING), Call.lead_alert_at <= now, Call.lead_alerted_at.is_(None))
           .order_by(Call.lead_alert_at).limit(limit))
    return run_due(session, due, lambda s, call_id: _alert_lead(s, call_id=call_id, now=now))


def _alert_lead(session: Session, *, call_id: int, now: datetime) -> bool:
    """Claim one call's lead alert, note it on the call's timeline and push the team lead; commits."""
    if not claim(session, Call, call_id, Call.lead_alerted_at.is_(None), Call.status.in_(WAITING),
                 values={"lead_alerted_at": now}, now=now):
        return False
    call = session.get(Call, call_id)
    session.add(CallEvent(call_id=call.id, at=now, type="lead_alerted", actor_id=None,
                          from_status=call.status, to_status=call.status, nurse_id=call.nurse_id,
                          detail={"target_at": call.target_at.isoformat()}))
    notices.lead_alert(session, call=call, now=now)
    session.commit()
    return True


def offer_due_calls(session: Session, *, now: datetime, limit: int = 50) -> int:
    """Offer on every open call whose `offer_next_at` is due (set by the intake, a decline or an expiry).

    The fast path after commit usually did it already (then `offer_next_at` is cleared); this is what a
    lost fast path (a web worker or clock that died right after the commit) leaves. Return how many were offered.
    """
    due = (select(Call.id).where(Call.status == "open", Call.offer_next_at <= now)
           .order_by(Call.offer_next_at).limit(limit))
    return run_due(session, due, lambda s, call_id: service.offer_next_task(
        s, call_id=call_id, now=now, reason="escalatie") is not None)


def offer_waiting_calls(session: Session, *, now: datetime, grace: timedelta = timedelta(seconds=30),
                        limit: int = 50) -> int:
    """Offer open calls that should be on the ladder but are not (auto-offer team, or offered before) and
    found nobody last time: a nurse may have become available since. Return how many were offered.
    """
    had_offer = select(CallEvent.id).where(CallEvent.call_id == Call.id, CallEvent.type.in_(REFUSAL_EVENTS))
    auto_teams = select(Team.code).where(Team.auto_offer.is_(True))
    due = select(Call.id).where(
        Call.status == "open", Call.updated_at <= now - grace, Call.offer_next_at.is_(None),
        sa.or_(Call.team.in_(auto_teams), sa.exists(had_offer)),
    ).order_by(Call.target_at).limit(limit)
    return run_due(session, due, lambda s, call_id: service.offer_next(
        s, call_id=call_id, now=now, reason="opnieuw") is not None)


def tick(session: Session, *, now: datetime) -> dict[str, object]:
    """Run every escalation step once, then push's retries (the clock's `dispatch.tick`); say what happened."""
    return {
        "expired": expire_due_offers(session, now=now),
        "lead_alerts": alert_leads_due(session, now=now),
        "offered": offer_due_calls(session, now=now) + offer_waiting_calls(session, now=now),
        "pushes": push_jobs.retry_due(session, now=now),
    }
