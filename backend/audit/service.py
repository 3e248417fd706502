"""Write and read the audit trail. Events are appended inside the caller's transaction."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event, orm
from sqlmodel import Session, select

from backend.audit.models import AuditEvent
from backend.clients.models import Client
from backend.clients.visibility import visible_client_ids_query
from backend.consults.models import Consult
from backend.dispatch.models import Call
from backend.visits.models import Handover, Visit

# Where an answer names a client: these keys hold a client id, these hold client objects (their `id`).
_CLIENT_ID_KEYS = ("client_id",)
_CLIENT_OBJECT_KEYS = ("client", "clients")
# How a request's path or body names the client it is about, through the row it targets.
_TARGETS = {"client_id": None, "call_id": Call, "visit_id": Visit, "handover_id": Handover, "consult_id": Consult}


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


_INSERT = sa.insert(AuditEvent)


def record(session: Session, *, actor, action: str, client_id: int | None, now: datetime,
           data: str | None = None, detail: dict | None = None, outcome: str = "ok",
           meta: dict | None = None) -> None:
    """Append one audit event to the session (committed with the caller's work)."""
    if outcome == "ok":
        _note(session, actor, (client_id,))
    # A Core INSERT, sent now: the row is in the transaction at once (as a flushed ORM add would be), without
    # building an ORM object and a unit of work for a row nothing reads back in the request.
    session.execute(_INSERT, {"at": now, "action": action, "client_id": client_id, "data": data,
                              "detail": detail or {}, "outcome": outcome, **_actor_fields(actor), **(meta or {})})


def record_many(session: Session, *, actor, action: str, client_ids, now: datetime,
                data: str | None = None) -> None:
    """Append one audit event per client shown, in one statement (lists show many clients)."""
    rows = [
        {"at": now, "action": action, "client_id": cid, "data": data, "detail": {}, "outcome": "ok",
         **_actor_fields(actor)}
        for cid in sorted(set(client_ids))
    ]
    if rows:
        session.execute(_INSERT, rows)
        _note(session, actor, (row["client_id"] for row in rows))


def read_listed(session: Session, query, *, actor, action: str, now: datetime, data: str | None = None) -> list:
    """Run a query for rows that each name a client (`client_id`), audit every client shown, return the rows."""
    rows = list(session.exec(query).all())
    record_many(session, actor=actor, action=action, client_ids=[row.client_id for row in rows], now=now, data=data)
    return rows


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


def client_ids_in(body) -> set[int]:
    """Return the ids of every client an answer shows (any `client_id`, any `client`/`clients` object)."""
    found: set[int] = set()
    stack = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in _CLIENT_ID_KEYS and isinstance(value, int) and not isinstance(value, bool):
                    found.add(value)
                elif key in _CLIENT_OBJECT_KEYS:
                    for obj in value if isinstance(value, list) else [value]:
                        if isinstance(obj, dict) and isinstance(obj.get("id"), int):
                            found.add(obj["id"])
                if isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(item, list):  # only containers are walked: a list of strings holds no client
            stack.extend(value for value in item if isinstance(value, (dict, list)))
    return found


# Which clients this session's successful audit events of a request name, kept beside the session instead of
# read back from the table on every answer: "pending" (this transaction) moves to "committed" on commit and is
# dropped on any rollback, so a row that was rolled back is never taken as written. A row the notes miss can
# only make `record_response` write one row too many, never one too few.
_PENDING, _COMMITTED = "audit_pending", "audit_committed"


def _note(session: Session, actor, client_ids) -> None:
    request_id = getattr(actor, "request_id", None)
    if request_id is not None:
        session.info.setdefault(_PENDING, {}).setdefault(request_id, set()).update(client_ids)


@event.listens_for(orm.Session, "after_commit")
def _audit_notes_committed(session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        committed = session.info.setdefault(_COMMITTED, {})
        for request_id, ids in pending.items():
            committed.setdefault(request_id, set()).update(ids)


@event.listens_for(orm.Session, "after_soft_rollback")
def _audit_notes_rolled_back(session, _previous_transaction) -> None:
    session.info.pop(_PENDING, None)


def audited_client_ids(session: Session, *, request_id: str) -> set[int | None]:
    """Return the clients this request's audit events already name (successful access), from the session's
    notes: this transaction's events and the committed ones."""
    return (session.info.get(_COMMITTED, {}).get(request_id, set())
            | session.info.get(_PENDING, {}).get(request_id, set()))


def record_response(session: Session, *, actor, action: str, body, now: datetime) -> None:
    """Audit every client an answer shows that the request's own events did not name yet; commits."""
    shown = client_ids_in(body)
    if not shown:
        return
    missing = shown - audited_client_ids(session, request_id=actor.request_id)
    existing = set(session.exec(select(Client.id).where(Client.id.in_(missing))).all()) if missing else set()
    if existing:
        record_many(session, actor=actor, action=action, client_ids=existing, now=now, data="antwoord")
        session.commit()


def client_of_target(session: Session, *, names: dict) -> int | None:
    """Return the client a request is about, from ids in its path or body (client, call, visit, handover)."""
    for key, model in _TARGETS.items():
        value = names.get(key)
        if value is None or isinstance(value, bool):
            continue
        if model is None:
            if isinstance(value, int):
                return session.scalar(select(Client.id).where(Client.id == value))
            continue
        try:
            found = session.scalar(select(model.client_id).where(model.id == value))
        except sa.exc.StatementError:  # an id of the wrong type: nothing to name
            session.rollback()
            continue
        if found is not None:
            return found
    return None


def record_refusal(session: Session, *, actor, action: str, names: dict, now: datetime, status: int,
                   meta: dict | None = None) -> None:
    """Audit a refused attempt (read or write) once per request, naming the client it was about; commits."""
    already = session.scalar(select(AuditEvent.id).where(AuditEvent.request_id == (meta or {}).get(
        "request_id", getattr(actor, "request_id", None)), AuditEvent.outcome == "denied").limit(1))
    if already is not None:
        return
    record(session, actor=actor, action=action[:60], client_id=client_of_target(session, names=names), now=now,
           outcome="denied", detail={"status": status}, meta=meta)
    session.commit()
