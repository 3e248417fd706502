"""The client-visible dossier: a revocable read-only link for the client or a mantelzorger."""
import secrets
import uuid
from datetime import datetime, timedelta

from sqlmodel import Session, select

from backend import errors
from backend.audit import service as audit
from backend.audit.models import AuditEvent
from backend.clients import service as clients
from backend.clients.models import Client
from backend.dispatch.models import Call
from backend.visits import vocab
from backend.visits.access import deny, digest
from backend.visits.models import Handover, PortalLink, Visit
from backend.visits.schemas import PortalLinkSchema, PortalLinkSummarySchema
from backend.visits.service import visit_view
from backend.visits.wishes import contacts_of, wishes_view

LINK_ROLES = ("nurse", "coordinator", "team_lead")
ACCESS_LOG_LIMIT = 500


def _client_of_team(session: Session, *, actor, client_id: int, action: str, now: datetime) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise errors.NotFound(f"Cliënt {client_id} bestaat niet.")
    if actor.role not in LINK_ROLES or not clients.can_see_client(session, actor=actor, client_id=client_id):
        deny(session, actor=actor, action=action, client_id=client_id, now=now,
             message="Deze cliënt hoort niet bij het werk van jouw team.")
    return client


def create_link(session: Session, *, actor, client_id: int, recipient_name: str, expires_in_days: int,
                now: datetime, base_url: str) -> dict:
    """Make a portal link; the token is shown once and kept only as a digest."""
    client = _client_of_team(session, actor=actor, client_id=client_id, action="portal_link.create", now=now)
    token = secrets.token_urlsafe(32)
    link = PortalLink(id=str(uuid.uuid4()), client_id=client.id, recipient_name=recipient_name,
                      token_hash=digest(token), created_by_id=actor.user_id, created_at=now,
                      expires_at=now + timedelta(days=expires_in_days))
    session.add(link)
    audit.record(session, actor=actor, action="portal_link.create", client_id=client.id, now=now,
                 data="inzagelink", detail={"link_id": link.id, "recipient_name": recipient_name})
    session.commit()
    return PortalLinkSchema().dump({**link.model_dump(), "token": token,
                                    "url": f"{base_url.rstrip('/')}/portaal/{token}"})


def list_links(session: Session, *, actor, client_id: int, now: datetime) -> list[dict]:
    """List a client's portal links (without tokens)."""
    _client_of_team(session, actor=actor, client_id=client_id, action="portal_link.list", now=now)
    links = session.exec(select(PortalLink).where(PortalLink.client_id == client_id)
                         .order_by(PortalLink.created_at.desc())).all()
    audit.record(session, actor=actor, action="portal_link.list", client_id=client_id, now=now, data="inzagelinks")
    session.commit()
    return PortalLinkSummarySchema(many=True).dump(links)


def revoke_link(session: Session, *, actor, client_id: int, link_id: str, now: datetime) -> None:
    """Revoke a portal link: its token stops working at once."""
    _client_of_team(session, actor=actor, client_id=client_id, action="portal_link.revoke", now=now)
    link = session.get(PortalLink, str(link_id))
    if link is None or link.client_id != client_id:
        raise errors.NotFound("Deze inzagelink bestaat niet.")
    if link.revoked_at is None:
        link.revoked_at = now
        link.revoked_by_id = actor.user_id
    audit.record(session, actor=actor, action="portal_link.revoke", client_id=client_id, now=now,
                 data="inzagelink", detail={"link_id": link.id})
    session.commit()


def _access_log(session: Session, *, client_id: int) -> list[dict]:
    events = session.exec(
        select(AuditEvent).where(AuditEvent.client_id == client_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(ACCESS_LOG_LIMIT)
    ).all()
    return [{
        "at": event.at.isoformat(),
        "who": event.user_name or "onbekend",
        "role": event.role,
        "role_label": vocab.ROLES.get(event.role or "", event.role or ""),
        "on_behalf_of": event.on_behalf_of,
        "action": event.action,
        "what": vocab.audit_phrase(event.action),
        "data": event.data,
        "refused": event.outcome != "ok",
    } for event in events]


def dossier(session: Session, *, token: str, now: datetime, meta: dict) -> dict:
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
    calls = session.exec(select(Call).where(Call.client_id == client.id).order_by(Call.created_at.desc())).all()
    visits = session.exec(select(Visit).where(Visit.client_id == client.id).order_by(Visit.created_at.desc())).all()
    handovers = session.exec(select(Handover).where(Handover.client_id == client.id)
                             .order_by(Handover.created_at.desc())).all()
    result = {
        "link": {"recipient_name": link.recipient_name, "expires_at": link.expires_at.isoformat()},
        "client": {"name": client.name, "birth_date": client.birth_date.isoformat(), "address": client.address,
                   "postcode": client.postcode, "city": client.city, "phone": client.phone,
                   "gp_name": client.gp_name},
        "wishes": wishes_view(session, client=client),
        "contacts": contacts_of(session, client_id=client.id),
        "calls": [{
            "id": call.id, "created_at": call.created_at.isoformat(), "category": call.category,
            "category_label": vocab.CALL_CATEGORIES.get(call.category, call.category),
            "complaint": call.complaint, "status": call.status,
            "status_label": vocab.CALL_STATUSES.get(call.status, call.status),
            "closed_at": call.closed_at.isoformat() if call.closed_at else None,
            "closing_note": call.closing_note,
        } for call in calls],
        "visits": [_portal_visit(session, visit) for visit in visits],
        "handovers": [{
            "id": h.id, "created_at": h.created_at.isoformat(), "visit_id": h.visit_id,
            "recipient_type": h.recipient_type,
            "recipient_type_label": vocab.dutch(vocab.RECIPIENT_TYPES, h.recipient_type),
            "recipient_name": h.recipient_name, "situation": h.situation, "background": h.background,
            "assessment": h.assessment, "recommendation": h.recommendation,
            "medication_changes": h.medication_changes,
            "acknowledged_at": h.acknowledged_at.isoformat() if h.acknowledged_at else None,
            "acknowledged_by": h.acknowledged_by,
        } for h in handovers],
        "access_log": _access_log(session, client_id=client.id),
    }
    session.commit()
    return result


def _portal_visit(session: Session, visit: Visit) -> dict:
    view = visit_view(session, visit=visit)
    for key in ("wishes", "contacts", "version"):
        view.pop(key, None)
    return view
