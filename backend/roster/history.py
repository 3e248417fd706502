"""The published roster's history: which periods are published, and one event per step (a publication, a change
to a published shift, each step of a swap), pushed to the nurses it touches."""
from datetime import date, datetime

from sqlmodel import Session, select

from backend.push import service as push
from backend.roster.models import RosterAssignment, RosterEvent, RosterPublication
from backend.roster.planning import fmt_local

CHANGE_TTL_SECONDS = 24 * 3600


def is_published(session: Session, *, team: str, day: date) -> bool:
    """Whether a day of the team's roster lies in a published period."""
    return session.exec(select(RosterPublication.id).where(
        RosterPublication.team == team, RosterPublication.start_date <= day,
        RosterPublication.end_date >= day)).first() is not None


def shift_text(row) -> str:
    """A shift of a row (assignment or swap) in words: 'night ma 7 dec 23:00'."""
    return f"{row.shift_code} {fmt_local(row.starts_at)}"


def tell(session: Session, *, user_ids, kind: str, title: str, body: str, team: str, now: datetime) -> None:
    """Push a roster message to these users (in the caller's transaction; sent after its commit)."""
    push.notify(session, user_ids=user_ids, kind=f"roster_{kind}", now=now, ttl=CHANGE_TTL_SECONDS, payload={
        "type": f"roster_{kind}", "call_id": None, "urgency": None, "title": title, "body": body, "team": team,
        "url": "/#rooster"})


def record(session: Session, *, team: str, kind: str, actor, now: datetime, message: str, user_ids=(),
           swap_id: int | None = None, assignment_id: int | None = None, detail: dict | None = None,
           push_title: str | None = None) -> RosterEvent:
    """Add an event (in the caller's transaction) and, with a title, push its message to the nurses it touches."""
    user_ids = sorted({u for u in user_ids if u is not None})
    event = RosterEvent(team=team, kind=kind, swap_id=swap_id, assignment_id=assignment_id, user_ids=user_ids,
                        actor_id=actor.user_id if actor else None, detail=detail or {}, message=message[:1000],
                        created_at=now)
    session.add(event)
    if push_title and user_ids:
        tell(session, user_ids=user_ids, kind=kind, title=push_title, body=message, team=team, now=now)
    return event


def shift_changed(session: Session, *, row: RosterAssignment, change: str, actor, now: datetime,
                  user_ids=None, message: str | None = None, swap_id: int | None = None) -> RosterEvent | None:
    """Keep a change to a shift of a published period as history and push it to the nurses it touches; a
    change outside any published period is nobody's news yet (returns None)."""
    if not is_published(session, team=row.team, day=row.day):
        return None
    text = message or {"added": f"Je staat nu ingeroosterd: {shift_text(row)}.",
                       "removed": f"Je dienst {shift_text(row)} is uit het rooster gehaald."}[change]
    return record(session, team=row.team, kind="changed", actor=actor, now=now, message=text,
                  user_ids=user_ids or [row.user_id], assignment_id=row.id, swap_id=swap_id,
                  detail={"change": change, "shift": row.shift_code, "day": row.day.isoformat(),
                          "start": row.starts_at.isoformat(), "end": row.ends_at.isoformat(),
                          "nurse_id": row.user_id},
                  push_title="Je rooster is gewijzigd")
