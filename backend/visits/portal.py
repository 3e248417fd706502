"""The client-visible dossier: a revocable read-only link for the client or a mantelzorger."""
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from backend import errors
from backend.audit import service as audit
from backend.audit.models import AuditEvent
from backend.clients.models import Client
from backend.db import reads_through
from backend.dispatch.models import Call
from backend.visits.access import deny, digest, visible_client
from backend.visits.models import ClientContact, Handover, PortalLink, Visit
from backend.visits.service import VisitRecord, visit_record
from backend.visits.wishes import Wishes, contacts_of, wishes_of

ACCESS_LOG_LIMIT = 500


@dataclass
class NewPortalLink:
    """A portal link just made, with its token and URL (shown this once); reads the link's columns."""

    link: PortalLink
    token: str
    url: str

    __getattr__ = reads_through("link")


@dataclass
class Dossier:
    """The client's own record as the portal shows it, with who looked at it."""

    link: PortalLink
    client: Client
    wishes: Wishes
    contacts: list[ClientContact]
    calls: list[Call]
    visits: list[VisitRecord]
    handovers: list[Handover]
    access_log: list[AuditEvent]


def create_link(session: Session, *, actor, client_id: int, recipient_name: str, expires_in_days: int,
                now: datetime, base_url: str) -> NewPortalLink:
    """Make a portal link; the token is shown once and kept only as a digest."""
    client = visible_client(session, actor=actor, client_id=client_id, action="portal_link.create", now=now)
    token = secrets.token_urlsafe(32)
    link = PortalLink(id=str(uuid.uuid4()), client_id=client.id, recipient_name=recipient_name,
                      token_hash=digest(token), created_by_id=actor.user_id, created_at=now,
                      expires_at=now + timedelta(days=expires_in_days))
    session.add(link)
    audit.record(session, actor=actor, action="portal_link.create", client_id=client.id, now=now,
                 data="inzagelink", detail={"link_id": link.id, "recipient_name": recipient_name})
    session.commit()
    return NewPortalLink(link=link, token=token, url=f"{base_url.rstrip('/')}/portaal/{token}")


def list_links(session: Session, *, actor, client_id: int, now: datetime) -> list[PortalLink]:
    """List a client's portal links (without tokens)."""
    visible_client(session, actor=actor, client_id=client_id, action="portal_link.list", now=now)
    links = list(session.exec(select(PortalLink).where(PortalLink.client_id == client_id)
                         .order_by(PortalLink.created_at.desc())).all())
    audit.record(session, actor=actor, action="portal_link.list", client_id=client_id, now=now, data="inzagelinks")
    session.commit()
    return links


def revoke_link(session: Session, *, actor, client_id: int, link_id: str, now: datetime) -> None:
    """Revoke a portal link: its token stops working at once."""
    visible_client(session, actor=actor, client_id=client_id, action="portal_link.revoke", now=now)
    link = session.get(PortalLink, str(link_id))
    if link is None or link.client_id != client_id:
        raise errors.NotFound("Deze inzagelink bestaat niet.")
    if link.revoked_at is None:
        link.revoked_at = now
        link.revoked_by_id = actor.user_id
    audit.record(session, actor=actor, action="portal_link.revoke", client_id=client_id, now=now,
                 data="inzagelink", detail={"link_id": link.id})
    session.commit()


def dossier(session: Session, *, token: str, now: datetime, meta: dict) -> Dossier:
    """Return the client's own record, read-only, to the holder of a live link; every view is audited."""
    link = session.scalar(select(PortalLink).where(PortalLink.token_hash == digest(token)))
    if link is None or link.revoked_at is not None or link.expires_at <= now:
        reason = "unknown" if link is None else ("revoked" if link.revoked_at else "expired")
        deny(session, actor=None, action="portal.read", client_id=link.client_id if link else None, now=now,
             detail={"reason": reason}, meta={**meta, "user_name": "inzagelink", "role": "portal"},
             not_found=True, message="Deze inzagelink bestaat niet, is verlopen of ingetrokken.")
    client = session.get(Client, link.client_id)
    audit.record(session, actor=None, action="portal.read", client_id=client.id, now=now, data="dossier",
                 detail={"link_id": link.id},
                 meta={**meta, "user_name": link.recipient_name, "role": "portal"})
    session.flush()
    visits = session.exec(select(Visit).where(Visit.client_id == client.id).order_by(Visit.created_at.desc())).all()
    record = Dossier(
        link=link, client=client, wishes=wishes_of(session, client=client),
        contacts=contacts_of(session, client_id=client.id),
        calls=list(session.exec(select(Call).where(Call.client_id == client.id)
                                .order_by(Call.created_at.desc())).all()),
        visits=[visit_record(session, visit=visit) for visit in visits],
        handovers=list(session.exec(select(Handover).where(Handover.client_id == client.id)
                                    .order_by(Handover.created_at.desc())).all()),
        access_log=list(session.exec(select(AuditEvent).where(AuditEvent.client_id == client.id)
                                     .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                     .limit(ACCESS_LOG_LIMIT)).all()),
    )
    session.commit()
    return record
