"""Write and read the audit trail. Events are appended inside the caller's transaction."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from backend.audit.models import AuditEvent
from backend.clients.visibility import visible_client_ids_query


def _actor_fields(actor) -> dict:
    if actor is None:
        return {}
    return {
        "user_id": actor.user_id,
        "user_name": actor.user.name,
        "role": actor.role,
        "on_behalf_of": actor.token_label or actor.organisation,
        "request_id": actor.request_id,
        "client_request_id": getattr(actor, "client_request_id", None),
        "ip": actor.ip,
        "user_agent": actor.user_agent,
    }


def record(session: Session, *, actor, action: str, client_id: int | None, now: datetime,
           data: str | None = None, detail: dict | None = None, outcome: str = "ok",
           meta: dict | None = None) -> None:
    """Append one audit event to the session (committed with the caller's work)."""
    session.add(AuditEvent(at=now, action=action, client_id=client_id, data=data, detail=detail or {},
                           outcome=outcome, **_actor_fields(actor), **(meta or {})))


def record_many(session: Session, *, actor, action: str, client_ids, now: datetime,
                data: str | None = None) -> None:
    """Append one audit event per client shown, in one statement (lists show many clients)."""
    rows = [
        {"at": now, "action": action, "client_id": cid, "data": data, "detail": {}, "outcome": "ok",
         **_actor_fields(actor)}
        for cid in sorted(set(client_ids))
    ]
    if rows:
        session.execute(sa.insert(AuditEvent), rows)


def record_denied(session: Session, *, actor, action: str, client_id: int | None, now: datetime,
                  data: str | None = None, detail: dict | None = None, meta: dict | None = None) -> None:
    """Record a refused access: whatever the request did is rolled back, the attempt is kept."""
    session.rollback()
    record(session, actor=actor, action=action, client_id=client_id, now=now, data=data, detail=detail,
           outcome="denied", meta=meta)
    session.commit()


def list_events(session: Session, *, actor, client_id: int | None = None, limit: int = 500) -> list[AuditEvent]:
    """Return audit events, newest first; a team lead sees those about her team's clients only."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if actor.role != "admin":
        query = query.where(AuditEvent.client_id.in_(visible_client_ids_query(actor)))
    if client_id is not None:
        query = query.where(AuditEvent.client_id == client_id)
    return list(session.exec(query).all())
