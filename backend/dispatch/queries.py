"""Reading calls: which calls an actor may see, and the nurses recommended for one. Every read is audited."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from backend import errors, vocab
from backend.db import COMMIT_LAG, get_or_404
from backend.audit import service as audit
from backend.clients import service as clients
from backend.dispatch.models import Call, CallEvent
from backend.dispatch.ranking import rank_for_call
from backend.dispatch.recommend import Recommendation


def visible_calls_query(actor):
    """Return a SELECT of the calls this actor may see: its team's, or its HAP organisation's."""
    query = select(Call)
    if actor.role == "hap":
        return query.where(Call.organisation == clients.organisation_of(actor))
    if actor.role in vocab.TEAM_ROLES:
        return query.where(Call.team == actor.team)
    return query.where(sa.false())


def get_visible_call(session: Session, *, actor, call_id: int, now: datetime, action: str = "call.read",
                     data: str = "melding") -> Call:
    """Return a call the actor may see and audit the read; a refused read is audited as denied."""
    call = get_or_404(session, Call, call_id, f"Melding {call_id} bestaat niet.")
    allowed = session.scalar(visible_calls_query(actor).where(Call.id == call_id).with_only_columns(Call.id))
    if allowed is None:
        audit.record_denied(session, actor=actor, action=action, client_id=call.client_id,
                            now=now, data=data, detail={"call_id": call_id})
        raise errors.Forbidden("Deze melding hoort niet bij jouw team of organisatie.")
    audit.record(session, actor=actor, action=action, client_id=call.client_id, now=now, data=data,
                 detail={"call_id": call_id})
    session.commit()
    return call


def poll_cursor(now: datetime) -> datetime:
    """Return the `updated_since` for the next poll of a list read at `now`: `COMMIT_LAG` earlier, so a change
    whose transaction began before this read and committed after it still comes (rows may come twice).

    The newest change a poll saw is no cursor: a change that committed later can carry an older time.
    """
    return now - COMMIT_LAG


def list_calls(session: Session, *, actor, now: datetime, status: str | None = None, team: str | None = None,
               updated_since: datetime | None = None, include: str | None = None, limit: int = 200) -> list[Call]:
    """List the calls the actor may see, newest change first; each client shown is audited.

    With `include="events"` each call carries its events, `delivery` and `changed_at`, and `updated_since`
    also finds the calls that only gained an event (a delivery receipt). A poll with nothing new returns
    an empty list and writes no audit row.
    """
    if team and actor.role != "hap" and team != actor.team:
        raise errors.Forbidden("Je ziet alleen de meldingen van je eigen team.")
    with_events = include == "events"
    query = visible_calls_query(actor).order_by(Call.updated_at.desc(), Call.id.desc()).limit(limit)
    if status:
        query = query.where(Call.status == status)
    if team:
        query = query.where(Call.team == team)
    if updated_since:
        changed = Call.updated_at > updated_since
        if with_events:
            changed = sa.or_(changed, Call.id.in_(select(CallEvent.call_id).where(CallEvent.at > updated_since)))
        query = query.where(changed)
    calls = audit.read_listed(session, query, actor=actor, action="call.list", now=now, data="meldingen")
    if with_events:
        _embed_events(session, calls)
    session.commit()
    return calls


def delivery_of(events: list[CallEvent]) -> str | None:
    """Did the current offer reach the phone? None without an offer; else what the service worker reported
    after the last `offered` event: delivered, failed, or nothing yet (pending)."""
    types = [event.type for event in events]
    if "offered" not in types:
        return None
    after = types[len(types) - 1 - types[::-1].index("offered") + 1:]
    if "offer_shown" in after:
        return "delivered"
    if "offer_not_shown" in after:
        return "failed"
    return "pending"


def _embed_events(session: Session, calls: list[Call]) -> None:
    """Give each call its events (one query for all), its delivery state and when it last changed."""
    by_call: dict[int, list[CallEvent]] = {call.id: [] for call in calls}
    if by_call:
        for event in session.exec(select(CallEvent).where(CallEvent.call_id.in_(by_call))
                                  .order_by(CallEvent.call_id, CallEvent.at, CallEvent.id)):
            by_call[event.call_id].append(event)
    for call in calls:
        events = by_call[call.id]
        object.__setattr__(call, "events", events)
        object.__setattr__(call, "delivery", delivery_of(events))
        object.__setattr__(call, "changed_at", max([call.updated_at, *(event.at for event in events)]))


def list_events(session: Session, *, actor, call_id: int, now: datetime) -> list[CallEvent]:
    """Return a call's events, oldest first."""
    get_visible_call(session, actor=actor, call_id=call_id, now=now, action="call.events",
                     data="verloop melding")
    return list(session.exec(
        select(CallEvent).where(CallEvent.call_id == call_id).order_by(CallEvent.at, CallEvent.id)
    ).all())


def recommendations(session: Session, *, actor, call_id: int, now: datetime,
                    limit: int = 25) -> list[Recommendation]:
    """Return the ranked nurses for a call the actor may see (audited: it uses the client's address)."""
    call = get_visible_call(session, actor=actor, call_id=call_id, now=now, action="call.recommendations",
                            data="aanbeveling (adres cliënt)")
    offered_to = call.nurse_id if call.status == "offered" else None
    ranked = rank_for_call(session, call=call, now=now, end_reads=True)
    for item in ranked:
        if item.nurse_id == offered_to:
            item.reasons.append("heeft dit aanbod nu")
    return ranked[:limit]
