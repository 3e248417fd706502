"""Warm handovers: SBAR plus what the record already knows, shared by link, confirmed by the receiver."""
import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field as dataclass_field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from backend import errors, vocab
from backend.db import get_or_404, reads_through
from backend.audit import service as audit
from backend.clients.models import Client
from backend.consults.records import advice_lines
from backend.dispatch.models import CallEvent
from backend.episodes import burden
from backend.identity.models import Team, User
from backend.visits import fhir
from backend.visits.access import claim_id, deny, digest, require_team
from backend.visits.models import Handover, Visit, VitalSigns
from backend.visits.wishes import contact_record, contacts_of, wishes_of, wishes_record


@dataclass
class NewHandover:
    """A handover just written, with its share link: the token is shown this once; reads the handover's columns."""

    handover: Handover
    share_token: str
    share_url: str

    __getattr__ = reads_through("handover")


@dataclass
class TeamHandover:
    """A handover as staff of its team read it: the record and the on-call physician's advice on its visit."""

    handover: Handover
    consult_advice: list[str] = dataclass_field(default_factory=list)

    __getattr__ = reads_through("handover")


@dataclass
class SharedHandover:
    """What the holder of a handover link sees: the handover, its client, author, team and the visit's outcome."""

    handover: Handover
    client: Client
    visit: Visit
    author_name: str
    team_name: str
    latest_vitals: VitalSigns | None
    consult_advice: list[str] = dataclass_field(default_factory=list)  # the on-call physician's advice

    __getattr__ = reads_through("handover")


def _call_event(session: Session, *, handover: Handover, type: str, now: datetime, actor_id: int | None,
                detail: dict) -> None:
    """Put a handover step on the call's timeline (an event, not a status change)."""
    session.add(CallEvent(call_id=handover.call_id, at=now, type=type, actor_id=actor_id,
                          nurse_id=handover.author_id, detail={"handover_id": handover.id, **detail}))


def _load(session: Session, handover_id: str) -> Handover:
    handover = get_or_404(session, Handover, str(handover_id), f"Overdracht {handover_id} bestaat niet.")
    return handover


# What the stored answer of an idempotent write leaves out: the share secret is never kept in plain text.
SHARE_FIELDS = ("share_token", "share_url")


def share_token_for(handover_id: str, *, share_key: str | None) -> str:
    """Return a handover's share token: an HMAC of its id under the server's key (re-derivable, never stored)."""
    if share_key is None:
        return secrets.token_urlsafe(32)
    mac = hmac.new(share_key.encode(), f"handover-share:{handover_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def share_url_for(token: str, *, base_url: str) -> str:
    """Return the page a recipient opens with the token."""
    return f"{base_url.rstrip('/')}/overdracht/{token}"


def with_share_link(session: Session, *, answer: dict, share_key: str, base_url: str) -> dict:
    """Return a stored handover answer with its share link re-derived (what a replay gets; nothing else)."""
    handover = session.get(Handover, str(answer.get("id")))
    if handover is None or not handover.token_hash:
        return answer
    token = share_token_for(handover.id, share_key=share_key)
    if not hmac.compare_digest(digest(token), handover.token_hash):
        return answer
    return {**answer, "share_token": token, "share_url": share_url_for(token, base_url=base_url)}


def create_handover(session: Session, *, actor, data: dict, now: datetime, base_url: str,
                    share_key: str | None = None) -> NewHandover:
    """Write a handover for a visit; medication, wishes and contacts come from the record (flushes only)."""
    visit = session.get(Visit, str(data["visit_id"]))
    if visit is None:
        raise errors.Unprocessable("Dit bezoek bestaat niet.", errors={"visit_id": ["Onbekend bezoek."]})
    require_team(session, actor=actor, team=visit.team, client_id=visit.client_id, action="handover.create",
                 now=now, detail={"visit_id": visit.id})
    if actor.role == "nurse" and visit.nurse_id != actor.user_id:
        raise errors.Forbidden("Alleen de verpleegkundige van het bezoek of een coördinator draagt over.")
    handover_id, replayed = claim_id(session, Handover, data.get("id"), replay=lambda row: row.visit_id == visit.id)
    if replayed is not None:
        raise errors.Conflict("Er bestaat al een overdracht met dit id.")
    client = session.get(Client, visit.client_id)
    token = share_token_for(handover_id, share_key=share_key)
    # A contact's latest EDIZ travels with her (a high burden as a signal the receiver reads).
    carers = burden.latest_by_contact(session, client_id=client.id)
    handover = Handover(
        id=handover_id, visit_id=visit.id, call_id=visit.call_id, client_id=visit.client_id, team=visit.team,
        author_id=actor.user_id, recipient_type=data["recipient_type"], recipient_name=data["recipient_name"],
        situation=data["situation"], background=data["background"], assessment=data["assessment"],
        recommendation=data["recommendation"],
        medication_changes=list(visit.medication or []),
        wishes=wishes_record(wishes_of(session, client=client)),
        contacts=[{**contact_record(c), **burden.contact_burden(carers, contact_id=c.id, name=c.name)}
                  for c in contacts_of(session, client_id=client.id)],
        token_hash=digest(token), expires_at=now + timedelta(hours=data["expires_in_hours"]),
        created_at=now, updated_at=now,
    )
    session.add(handover)
    session.flush()
    _call_event(session, handover=handover, type="handover_created", now=now, actor_id=actor.user_id,
                detail={"recipient_type": handover.recipient_type, "recipient_name": handover.recipient_name})
    audit.record(session, actor=actor, action="handover.create", client_id=client.id, now=now,
                 data="overdracht (SBAR, medicatie, wensen, contactpersonen)", detail={"handover_id": handover.id})
    return NewHandover(handover=handover, share_token=token, share_url=share_url_for(token, base_url=base_url))


def _team_handover(session: Session, *, actor, handover_id: str, action: str, now: datetime) -> Handover:
    handover = _load(session, handover_id)
    require_team(session, actor=actor, team=handover.team, client_id=handover.client_id, action=action, now=now,
                 detail={"handover_id": handover.id})
    return handover


def get_handover(session: Session, *, actor, handover_id: str, now: datetime) -> TeamHandover:
    """Return a handover to staff of its team (with its confirmation and the consult advice it shows); audited."""
    handover = _team_handover(session, actor=actor, handover_id=handover_id, action="handover.read", now=now)
    audit.record(session, actor=actor, action="handover.read", client_id=handover.client_id, now=now,
                 data="overdracht", detail={"handover_id": handover.id})
    session.commit()
    return TeamHandover(handover=handover, consult_advice=advice_lines(session, visit_id=handover.visit_id))


def list_handovers(session: Session, *, actor, now: datetime, visit_id: str | None = None,
                   unacknowledged: bool = False) -> list[Handover]:
    """List the team's handovers (of a visit, or the unconfirmed ones); each client audited."""
    query = select(Handover).where(Handover.team == (actor.team or "")).order_by(Handover.created_at.desc())
    if visit_id is not None:
        query = query.where(Handover.visit_id == str(visit_id))
    if unacknowledged:
        query = query.where(Handover.acknowledged_at.is_(None), Handover.revoked_at.is_(None))
    if actor.role == "nurse" and visit_id is None:
        query = query.where(Handover.author_id == actor.user_id)
    handovers = list(session.exec(query.limit(200)).all())
    audit.record_many(session, actor=actor, action="handover.list", client_ids=[h.client_id for h in handovers],
                      now=now, data="overdrachten")
    session.commit()
    return handovers


def revoke_handover(session: Session, *, actor, handover_id: str, now: datetime) -> Handover:
    """Stop a handover link at once (wrong recipient, link sent to the wrong address)."""
    handover = _team_handover(session, actor=actor, handover_id=handover_id, action="handover.revoke", now=now)
    if actor.role == "nurse" and handover.author_id != actor.user_id:
        raise errors.Forbidden("Alleen wie de overdracht schreef of een coördinator kan de link intrekken.")
    if handover.revoked_at is None:
        handover.revoked_at = now
        handover.updated_at = now
        _call_event(session, handover=handover, type="handover_revoked", now=now, actor_id=actor.user_id, detail={})
    audit.record(session, actor=actor, action="handover.revoke", client_id=handover.client_id, now=now,
                 data="overdracht", detail={"handover_id": handover.id})
    session.commit()
    return handover


def fhir_document(session: Session, *, actor, handover_id: str, now: datetime) -> dict:
    """Return the handover as a FHIR STU3 document Bundle; audited."""
    handover = _team_handover(session, actor=actor, handover_id=handover_id, action="handover.fhir", now=now)
    visit = session.get(Visit, handover.visit_id)
    client = session.get(Client, handover.client_id)
    author = session.get(User, handover.author_id)
    vitals = session.exec(select(VitalSigns).where(VitalSigns.visit_id == visit.id)
                          .order_by(VitalSigns.measured_at)).all()
    bundle = fhir.build_handover_bundle(
        handover={**handover.model_dump(), "outcome": visit.outcome, "outcome_detail": visit.outcome_detail,
                  "referral_question": visit.referral_question},
        patient=client.model_dump(),
        encounter={"id": visit.id, "arrived_at": visit.arrived_at, "departed_at": visit.departed_at},
        author={"id": author.id, "name": author.name},
        vitals=[v.model_dump() for v in vitals],
        contacts=handover.contacts,
        consult_advice=advice_lines(session, visit_id=visit.id),
    )
    audit.record(session, actor=actor, action="handover.fhir", client_id=client.id, now=now,
                 data="overdracht als FHIR-document", detail={"handover_id": handover.id})
    session.commit()
    return bundle


# -- the recipient's link (no account) ------------------------------------------------------------

def _by_token(session: Session, *, token: str, now: datetime, action: str, meta: dict) -> Handover:
    """Return the handover behind a live token; unknown, expired or revoked: 404, and the attempt audited."""
    handover = session.scalar(select(Handover).where(Handover.token_hash == digest(token)))
    if handover is None or handover.revoked_at is not None or handover.expires_at <= now:
        reason = "unknown" if handover is None else ("revoked" if handover.revoked_at else "expired")
        deny(session, actor=None, action=action, client_id=handover.client_id if handover else None, now=now,
             detail={"reason": reason, "handover_id": handover.id if handover else None},
             meta={**meta, "user_name": "overdrachtslink", "role": "link"}, not_found=True,
             message="Deze overdrachtslink bestaat niet, is verlopen of ingetrokken.")
    return handover


def _link_meta(handover: Handover, meta: dict) -> dict:
    return {**meta, "user_name": handover.recipient_name[:120], "role": "link",
            "on_behalf_of": vocab.dutch(vocab.RECIPIENT_TYPES, handover.recipient_type)[:120]}


def shared_view(session: Session, *, token: str, now: datetime, meta: dict) -> SharedHandover:
    """Return the handover to whoever holds its link; the read is audited."""
    handover = _by_token(session, token=token, now=now, action="handover.shared.read", meta=meta)
    visit = session.get(Visit, handover.visit_id)
    client = session.get(Client, handover.client_id)
    team = session.get(Team, handover.team)
    latest = session.scalar(select(VitalSigns).where(VitalSigns.visit_id == visit.id)
                            .order_by(VitalSigns.measured_at.desc()).limit(1))
    audit.record(session, actor=None, action="handover.shared.read", client_id=client.id, now=now,
                 data="overdracht", detail={"handover_id": handover.id}, meta=_link_meta(handover, meta))
    session.commit()
    return SharedHandover(handover=handover, client=client, visit=visit,
                          author_name=session.get(User, handover.author_id).name,
                          team_name=team.name if team else handover.team, latest_vitals=latest,
                          consult_advice=advice_lines(session, visit_id=visit.id))


def acknowledge(session: Session, *, token: str, name: str, now: datetime, meta: dict) -> Handover:
    """Confirm receipt (who and when); it goes on the call's timeline. A second confirmation changes nothing."""
    handover = _by_token(session, token=token, now=now, action="handover.shared.acknowledge", meta=meta)
    result = session.execute(
        sa.update(Handover).where(Handover.id == handover.id, Handover.acknowledged_at.is_(None))
        .values(acknowledged_at=now, acknowledged_by=name, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        _call_event(session, handover=handover, type="handover_acknowledged", now=now, actor_id=None,
                    detail={"acknowledged_by": name, "recipient_name": handover.recipient_name})
        audit.record(session, actor=None, action="handover.shared.acknowledge", client_id=handover.client_id,
                     now=now, data="ontvangstbevestiging overdracht", detail={"handover_id": handover.id},
                     meta={**_link_meta(handover, meta), "user_name": name[:120]})
    session.commit()
    session.refresh(handover)
    return handover


# -- the clock process --------------------------------------------------------------------------------

def alert_unacknowledged(session: Session, *, now: datetime) -> list[str]:
    """Flag handovers unconfirmed past their team's limit, once each; return their ids."""
    overdue = session.exec(
        select(Handover.id, Handover.created_at, Team.handover_ack_alert_minutes)
        .join(Team, Team.code == Handover.team)
        .where(Handover.acknowledged_at.is_(None), Handover.ack_alerted_at.is_(None),
               Handover.revoked_at.is_(None))
    ).all()
    alerted = []
    for handover_id, created_at, minutes in overdue:
        if created_at + timedelta(minutes=minutes) > now:
            continue
        claimed = session.execute(
            sa.update(Handover).where(Handover.id == handover_id, Handover.ack_alerted_at.is_(None),
                                      Handover.acknowledged_at.is_(None))
            .values(ack_alerted_at=now).execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            continue
        handover = session.get(Handover, handover_id)
        _call_event(session, handover=handover, type="handover_unacknowledged", now=now, actor_id=None,
                    detail={"recipient_name": handover.recipient_name, "minutes": minutes})
        alerted.append(handover_id)
    session.commit()
    return alerted
