"""Sync pull: a nurse's own current work, changed since her cursor — and nothing more.

The phone keeps only this. `current_call_ids` lists all her current calls, so the phone drops
everything else (a call completed, cancelled or given to someone else) at the next pull.
"""
import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from backend import errors
from backend.audit import service as audit
from backend.boundary import in_range
from backend.clients.models import Client
from backend.db import COMMIT_LAG
from backend.dispatch.models import Call
from backend.timeutil import as_utc
from backend.visits.models import ClientContact, ClientWishes, Handover, Visit
from backend.visits.service import VisitRecord, visit_record
from backend.visits.wishes import Wishes, wishes_of

CURRENT_STATUSES = ("offered", "accepted", "en_route", "on_site")


@dataclass
class Pull:
    """What a pull brings: the nurse's current work changed since the cursor, and the next cursor."""

    cursor: str
    full: bool
    current_call_ids: list[int]
    calls: list[Call] = field(default_factory=list)
    clients: list[Client] = field(default_factory=list)
    wishes: list[Wishes] = field(default_factory=list)
    contacts: list[ClientContact] = field(default_factory=list)  # removed ones too: the phone drops them
    visits: list[VisitRecord] = field(default_factory=list)
    handovers: list[Handover] = field(default_factory=list)


def encode_cursor(moment: datetime) -> str:
    """Return an opaque cursor for a moment."""
    return base64.urlsafe_b64encode(as_utc(moment).isoformat().encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> datetime:
    """Return the moment of a cursor; a malformed one is a 422."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment = datetime.fromisoformat(raw)
        if not in_range(moment):  # a forged cursor of year 1 or 9999 can't even become UTC
            raise ValueError(raw)
        return as_utc(moment)
    except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError):
        raise errors.Unprocessable("Onbekende cursor; haal alles opnieuw op zonder cursor.",
                                   errors={"cursor": ["Ongeldig."]}) from None


def pull(session: Session, *, actor, cursor: str | None, now: datetime) -> Pull:
    """Return the nurse's current calls and their clients, wishes, contacts, visits and handovers since `cursor`."""
    if actor.role != "nurse":
        raise errors.Forbidden("Alleen een verpleegkundige synchroniseert haar eigen werk.")
    # A change committed while the last pull ran carries a time before its cursor: reach back (db.COMMIT_LAG).
    since = decode_cursor(cursor) - COMMIT_LAG if cursor else None
    calls = list(session.exec(
        select(Call).where(Call.nurse_id == actor.user_id, Call.status.in_(CURRENT_STATUSES)).order_by(Call.id)
    ).all())

    def changed(moment: datetime | None) -> bool:
        return since is None or (moment is not None and moment > since)

    out = Pull(cursor=encode_cursor(now), full=since is None, current_call_ids=[call.id for call in calls])
    seen_clients = set()
    for call in calls:
        # A call that is new to the phone (or changed) brings everything about it along.
        whole = changed(call.updated_at)
        if whole:
            out.calls.append(call)
        client = session.get(Client, call.client_id)
        if client.id not in seen_clients:
            seen_clients.add(client.id)
            wishes = session.get(ClientWishes, client.id)
            if whole or changed(client.updated_at):
                out.clients.append(client)
            if whole or changed(client.updated_at) or (wishes and changed(wishes.updated_at)):
                out.wishes.append(wishes_of(session, client=client))
            contacts = session.exec(select(ClientContact).where(ClientContact.client_id == client.id)).all()
            out.contacts += [c for c in contacts if whole or changed(c.updated_at)]
        visit = session.scalar(select(Visit).where(Visit.call_id == call.id))
        if visit is not None and (whole or changed(visit.updated_at)):
            out.visits.append(visit_record(session, visit=visit))
        if visit is not None:
            handovers = session.exec(select(Handover).where(Handover.visit_id == visit.id)).all()
            out.handovers += [h for h in handovers if whole or changed(h.updated_at)]
    audit.record_many(session, actor=actor, action="sync.pull",
                      client_ids=[c.id for c in out.clients] + [w.client_id for w in out.wishes]
                      + [v.client_id for v in out.visits], now=now, data="eigen werk (offline)")
    session.commit()
    return out
