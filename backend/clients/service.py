"""Clients: register, find, and read them — each access audited, each visible only to its care circle."""
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from backend import errors
from backend.db import get_or_404
from backend.audit import service as audit
from backend.audit.models import AuditEvent
from backend.clients.models import Client
from backend.clients.visibility import can_see_client, organisation_of, visible_client_ids_query


def may_raise_call_for(session: Session, *, actor, client_id: int, now: datetime) -> bool:
    """Return whether the actor may raise a call for a known client: one it sees, or just looked up.

    A client id alone is not enough (ids can be guessed); knowing the BSN and birth date, proven by a
    successful lookup in the last 24 hours, is the same bar a triagist meets with the client on the phone.
    """
    if can_see_client(session, actor=actor, client_id=client_id):
        return True
    since = now - timedelta(hours=24)
    looked_up = session.scalar(
        select(AuditEvent.id).where(AuditEvent.user_id == actor.user_id, AuditEvent.client_id == client_id,
                                    AuditEvent.action == "client.lookup", AuditEvent.outcome == "ok",
                                    AuditEvent.at >= since).limit(1)
    )
    return looked_up is not None


# Lookups by BSN (and registrations that hit a known BSN) per user in the window: enough for a busy triage
# shift, far too few to guess a client's identity.
LOOKUP_LIMIT = 30
LOOKUP_WINDOW = timedelta(minutes=15)
_BSN_PROBES = ("client.lookup", "client.create.conflict")


def _throttle_bsn_probes(session: Session, *, actor, now: datetime) -> None:
    """Refuse (429, audited) a user who looked up or hit known BSNs too often in the window."""
    probes = session.scalar(
        select(sa.func.count()).select_from(AuditEvent)
        .where(AuditEvent.user_id == actor.user_id, AuditEvent.action.in_(_BSN_PROBES),
               AuditEvent.at >= now - LOOKUP_WINDOW)
    )
    if probes >= LOOKUP_LIMIT:
        audit.record_denied(session, actor=actor, action="client.lookup.throttled", client_id=None, now=now,
                            data="personalia")
        raise errors.TooManyRequests("Te veel zoekacties op BSN; probeer het over een kwartier opnieuw.",
                                     extra={"retry_after": int(LOOKUP_WINDOW.total_seconds())})


def build_client(session: Session, *, actor, data: dict, now: datetime) -> Client:
    """Add a new client to the session (no commit), refusing a BSN that is already registered.

    The refusal is throttled and audited like a lookup, and names no BSN: it tells the caller only to look
    the client up (with BSN and birth date), which is the one way to reach someone else's client.
    """
    known = session.scalar(select(Client.id).where(Client.bsn == data["bsn"])) if data.get("bsn") else None
    if known is not None:
        _throttle_bsn_probes(session, actor=actor, now=now)
        session.rollback()
        audit.record(session, actor=actor, action="client.create.conflict", client_id=known, now=now,
                     outcome="denied", data="personalia")
        session.commit()
        raise errors.Conflict("Inschrijven lukt zo niet; zoek de cliënt op met BSN en geboortedatum.")
    client = Client(**data, created_by_id=actor.user_id, created_team=actor.team,
                    created_org=organisation_of(actor) if actor.role == "hap" else None,
                    created_at=now, updated_at=now)
    session.add(client)
    session.flush()
    audit.record(session, actor=actor, action="client.create", client_id=client.id, now=now,
                 data="personalia")
    return client


def create_client(session: Session, *, actor, data: dict, now: datetime) -> Client:
    """Register a client."""
    client = build_client(session, actor=actor, data=data, now=now)
    session.commit()
    return client


def get_client(session: Session, *, actor, client_id: int, now: datetime) -> Client:
    """Return a client the actor may see, audited; a refused look is audited too."""
    client = get_or_404(session, Client, client_id, f"Cliënt {client_id} bestaat niet.")
    if not can_see_client(session, actor=actor, client_id=client_id):
        audit.record_denied(session, actor=actor, action="client.read",
                            client_id=client_id, now=now, data="personalia")
        raise errors.Forbidden("Deze cliënt hoort niet bij het werk van jouw team of organisatie.")
    audit.record(session, actor=actor, action="client.read", client_id=client.id, now=now, data="personalia")
    session.commit()
    return client


def lookup_client(session: Session, *, actor, bsn: str, birth_date, now: datetime) -> list[Client]:
    """Find a client by exact BSN and birth date (what a triagist has on the phone); throttled, audited."""
    _throttle_bsn_probes(session, actor=actor, now=now)
    client = session.scalar(select(Client).where(Client.bsn == bsn.zfill(9), Client.birth_date == birth_date))
    audit.record(session, actor=actor, action="client.lookup", client_id=client.id if client else None,
                 now=now, data="personalia", detail={"found": client is not None})
    session.commit()
    return [client] if client else []


SEARCH_LIMIT = 20


def search_clients(session: Session, *, actor, name: str, birth_date=None) -> list[Client]:
    """Return the clients the actor already sees whose name holds every word of `name` (case-insensitive), ≤ 20.

    Only the clients of the actor's team's or organisation's work (the same rule as reading one): a name
    reaches nobody new, so it is not throttled like a BSN lookup. The answer is audited by the one response
    audit (`backend.api`), one row per client shown.
    """
    words = name.replace(".", " ").lower().split()
    query = select(Client).where(Client.id.in_(visible_client_ids_query(actor)))
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(sa.func.lower(Client.name).like(f"%{escaped}%", escape="\\"))
    if birth_date is not None:
        query = query.where(Client.birth_date == birth_date)
    return list(session.scalars(query.order_by(Client.name, Client.id).limit(SEARCH_LIMIT)).all())


# -- intake: one person, one record ------------------------------------------------------------------

LIKELY_MATCH_MESSAGE = ("Deze cliënt staat mogelijk al ingeschreven (zelfde naam, geboortedatum en postcode). "
                        "Kies de bestaande cliënt, of bevestig dat het iemand anders is.")


def _same_name(a: str, b: str) -> bool:
    norm = lambda s: " ".join(s.replace(".", " ").lower().split())  # noqa: E731
    return norm(a) == norm(b)


def likely_matches(session: Session, *, data: dict) -> list[Client]:
    """Return existing clients with the same name, birth date and postcode (and no other BSN)."""
    found = session.scalars(
        select(Client).where(Client.birth_date == data["birth_date"], Client.postcode == data["postcode"])
        .order_by(Client.id).limit(20)
    ).all()
    bsn = data.get("bsn")
    return [c for c in found if _same_name(c.name, data["name"]) and not (bsn and c.bsn and c.bsn != bsn)]


def intake_client(session: Session, *, actor, data: dict, now: datetime, match_client_id: int | None = None,
                  new_client_confirmed: bool = False) -> tuple[Client, str | None]:
    """Return the client of a new call's client fields, and how it was matched (None: newly registered).

    The same BSN and birth date is the same person: the call links to her (the rule that grants sight in a
    lookup). The same name, birth date and postcode is only likely the same person: the triagist confirms
    (`match_client_id`) or says it is someone else (`new_client_confirmed`); never merged silently (409).
    """
    if data.get("bsn"):
        same = session.scalar(select(Client).where(Client.bsn == data["bsn"]))
        if same is not None and same.birth_date == data["birth_date"]:
            audit.record(session, actor=actor, action="client.match", client_id=same.id, now=now,
                         data="personalia", detail={"rule": "bsn_birth_date"})
            return same, "bsn"
    if match_client_id is not None:
        chosen = session.get(Client, match_client_id)
        if chosen is None or chosen not in likely_matches(session, data=data):
            raise errors.Unprocessable("De gekozen cliënt komt niet overeen met naam, geboortedatum en postcode.",
                                       errors={"match_client_id": ["Komt niet overeen."]})
        audit.record(session, actor=actor, action="client.match", client_id=chosen.id, now=now,
                     data="personalia", detail={"rule": "name_birth_date_postcode", "confirmed": True})
        return chosen, "confirmed"
    if not new_client_confirmed:
        likely = likely_matches(session, data=data)
        if likely:
            audit.record_many(session, actor=actor, action="client.match", client_ids=[c.id for c in likely],
                              now=now, data="personalia (mogelijke dubbele)")
            session.commit()  # nothing else was written yet: the answer below is a refusal, its audit stays
            raise errors.Conflict(LIKELY_MATCH_MESSAGE, extra={"matches": [
                {"id": c.id, "name": c.name, "birth_date": c.birth_date.isoformat(), "address": c.address,
                 "postcode": c.postcode, "city": c.city} for c in likely]})
    return build_client(session, actor=actor, data=data, now=now), None
