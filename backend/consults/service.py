"""Consults: the visit's nurse asks the on-call physician; she acknowledges, calls back and writes her advice.

The physicians on call come from the roster (`roster.availability.on_call`: shifts of type role `physician`).
Not acknowledged within `vocab.CONSULT_ACK_MINUTES` → the next physician on call, after the last the team lead:
a durable due time (`escalate_at`) claimed by the clock with dispatch's escalation machinery (`run_due`, `claim`).
Writes from the nurse's phone run under `@blp.idempotent` (flush only); the others commit here.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from backend import errors, vocab
from backend.audit import service as audit
from backend.clients import visibility
from backend.clients.models import Client
from backend.consults.models import Consult, ConsultAsk
from backend.db import advance, get_or_404, reads_through
from backend.dispatch import escalation
from backend.dispatch.models import Call
from backend.identity.models import User
from backend.push import service as push
from backend.roster.availability import on_call
from backend.visits.access import deny, in_team, require_team
from backend.visits.models import Visit, VitalSigns
from backend.visits.service import touch_visit
from backend.visits.wishes import Wishes, wishes_of

ACK_WINDOW = timedelta(minutes=vocab.CONSULT_ACK_MINUTES)
PUSH_BODY_MAX = 600  # a push payload stays well under the 4 kB a push service carries


@dataclass
class ConsultView:
    """A consult with what the physician needs to answer it: client, nurse, complaint, vitals and wishes."""

    consult: Consult
    client: Client
    nurse: User
    physician: User | None
    call: Call
    latest_vitals: VitalSigns | None
    wishes: Wishes

    __getattr__ = reads_through("consult")

    @property
    def nurse_name(self) -> str:
        return self.nurse.name

    @property
    def nurse_phone(self) -> str | None:
        return self.nurse.phone

    @property
    def physician_name(self) -> str | None:
        return self.physician.name if self.physician is not None else None

    @property
    def complaint(self) -> str:
        return self.call.complaint

    @property
    def category(self) -> str:
        return self.call.category

    @property
    def urgency(self) -> str:
        return self.call.urgency


def view_of(session: Session, consult: Consult) -> ConsultView:
    """Return the consult with its summary (no audit: the caller's write or read records it)."""
    latest = session.scalar(select(VitalSigns).where(VitalSigns.visit_id == consult.visit_id)
                            .order_by(VitalSigns.measured_at.desc(), VitalSigns.id.desc()).limit(1))
    client = session.get(Client, consult.client_id)
    return ConsultView(consult=consult, client=client, nurse=session.get(User, consult.nurse_id),
                       physician=session.get(User, consult.physician_id) if consult.physician_id else None,
                       call=session.get(Call, consult.call_id), latest_vitals=latest,
                       wishes=wishes_of(session, client=client))


# -- the summary a physician gets in her push -------------------------------------------------------------

def summary_lines(view: ConsultView) -> list[str]:
    """Return the visit's summary in a few short Dutch lines: vitals with NEWS2, complaint, wishes."""
    vitals = view.latest_vitals
    if vitals is None:
        measured = "Nog geen metingen."
    else:
        measured = (f"NEWS2 {vitals.news2_score} ({vocab.dutch(vocab.NEWS2_BANDS, vitals.news2_band).lower()}): "
                    f"AH {vitals.resp_rate}, SpO2 {vitals.spo2}%{' (O2)' if vitals.on_oxygen else ''}, "
                    f"RR {vitals.systolic_bp}, pols {vitals.heart_rate}, temp {vitals.temperature}, "
                    f"{vocab.dutch(vocab.CONSCIOUSNESS, vitals.consciousness).lower()}")
    wishes = (f"{vocab.dutch(vocab.RESUSCITATION, view.wishes.resuscitation)}; "
              f"{vocab.dutch(vocab.HOSPITAL_ADMISSION, view.wishes.hospital_admission).lower()}")
    return [measured, f"Klacht: {view.call.complaint}", f"Wensen: {wishes}"]


def _push_to_physician(session: Session, *, consult: Consult, physician_id: int, now: datetime,
                       escalated: bool) -> None:
    view = view_of(session, consult)
    age = (now.date() - view.client.birth_date).days // 365
    body = "\n".join([f"Vraag: {consult.question}", *summary_lines(view)])
    payload = {
        "type": "consult", "consult_id": consult.id, "urgency": view.call.urgency,
        "title": f"{'Doorgeschakeld: ' if escalated else ''}overleg gevraagd — {view.client.name} ({age} jr)",
        "body": body[:PUSH_BODY_MAX], "url": f"/consults/{consult.id}",
        "expires_at": (now + ACK_WINDOW).isoformat(),
    }
    push.notify(session, user_ids=[physician_id], kind="consult", payload=payload, now=now,
                ttl=int(ACK_WINDOW.total_seconds()))


def _push_to_leads(session: Session, *, consult: Consult, now: datetime) -> list[int]:
    leads = session.scalars(select(User.id).where(User.team == consult.team, User.role == "team_lead",
                                                  User.active.is_(True)).order_by(User.id)).all()
    asked = session.scalar(select(sa.func.count()).select_from(ConsultAsk).where(
        ConsultAsk.consult_id == consult.id, ConsultAsk.role == "physician"))
    payload = {
        "type": "consult_unanswered", "consult_id": consult.id,
        "title": "Overleg arts: niemand bereikt",
        "body": (f"Overleg {consult.id}: {asked} arts(en) gevraagd, niemand nam binnen "
                 f"{vocab.CONSULT_ACK_MINUTES} min aan." if asked else
                 f"Overleg {consult.id}: er is geen arts ingeroosterd voor de dienst."),
        "url": f"/consults/{consult.id}",
    }
    push.notify(session, user_ids=leads, kind="consult_unanswered", payload=payload, now=now)
    return list(leads)


def _ask(session: Session, *, consult: Consult, user_id: int, role: str, now: datetime) -> None:
    session.add(ConsultAsk(consult_id=consult.id, user_id=user_id, role=role, asked_at=now))


def _next_physician(session: Session, *, consult: Consult, now: datetime) -> int | None:
    """Return the first physician on call for the consult's team who has not been asked yet."""
    asked = set(session.scalars(select(ConsultAsk.user_id).where(ConsultAsk.consult_id == consult.id)).all())
    return next((u for u in on_call(session, team=consult.team, role="physician", at=now) if u not in asked), None)


# -- the nurse asks -------------------------------------------------------------------------------------

def request_consult(session: Session, *, actor, visit_id: str, question: str, now: datetime) -> Consult:
    """Ask the on-call physician about a visit (the visit's nurse only); pushes her the summary (flushes only)."""
    visit = get_or_404(session, Visit, str(visit_id), f"Bezoek {visit_id} bestaat niet.")
    require_team(session, actor=actor, team=visit.team, client_id=visit.client_id, action="consult.create",
                 now=now, detail={"visit_id": visit.id})
    if visit.nurse_id != actor.user_id:
        raise errors.Forbidden("Alleen de verpleegkundige van dit bezoek kan overleg vragen.")
    consult = Consult(visit_id=visit.id, call_id=visit.call_id, client_id=visit.client_id, team=visit.team,
                      nurse_id=actor.user_id, question=question.strip(), created_at=now, updated_at=now)
    session.add(consult)
    session.flush()
    physician_id = _next_physician(session, consult=consult, now=now)
    if physician_id is not None:
        consult.physician_id = physician_id
        consult.escalate_at = now + ACK_WINDOW
        _ask(session, consult=consult, user_id=physician_id, role="physician", now=now)
        _push_to_physician(session, consult=consult, physician_id=physician_id, now=now, escalated=False)
    else:  # nobody on call: the team lead hears it at once
        consult.lead_alerted_at = now
        for lead in _push_to_leads(session, consult=consult, now=now):
            _ask(session, consult=consult, user_id=lead, role="team_lead", now=now)
    session.add(consult)
    touch_visit(session, visit_id=visit.id, now=now)
    audit.record(session, actor=actor, action="consult.create", client_id=visit.client_id, now=now,
                 data="overlegvraag met samenvatting (metingen, klacht, wensen) aan de arts",
                 detail={"consult_id": consult.id, "visit_id": visit.id, "physician_id": physician_id})
    session.flush()
    return consult


# -- the clock: escalation ------------------------------------------------------------------------------

def escalate(session: Session, *, consult_id: int, now: datetime) -> bool:
    """Move an unacknowledged consult on: the next physician on call, after the last one the team lead.

    Claimed with one conditional UPDATE (still `requested`, still due): of two clocks one does it. Commits.
    """
    consult = session.get(Consult, consult_id)
    if consult is None:
        return False
    next_id = _next_physician(session, consult=consult, now=now)
    values = ({"physician_id": next_id, "escalate_at": now + ACK_WINDOW} if next_id is not None
              else {"escalate_at": None, "lead_alerted_at": now})
    due = consult.escalate_at
    session.rollback()
    if due is None or not escalation.claim(session, Consult, consult_id, Consult.status == "requested",
                                           Consult.escalate_at == due, values=values, now=now):
        return False
    consult = session.get(Consult, consult_id)
    if next_id is not None:
        _ask(session, consult=consult, user_id=next_id, role="physician", now=now)
        _push_to_physician(session, consult=consult, physician_id=next_id, now=now, escalated=True)
    else:
        for lead in _push_to_leads(session, consult=consult, now=now):
            _ask(session, consult=consult, user_id=lead, role="team_lead", now=now)
    session.commit()
    return True


def escalate_due(session: Session, *, now: datetime, limit: int = 50) -> int:
    """Escalate every consult whose acknowledgement is overdue (the clock's `consults.escalate`)."""
    due = (select(Consult.id).where(Consult.status == "requested", Consult.escalate_at <= now)
           .order_by(Consult.escalate_at).limit(limit))
    return escalation.run_due(session, due, lambda s, consult_id: escalate(s, consult_id=consult_id, now=now))


# -- the physician answers ------------------------------------------------------------------------------

def _was_asked(session: Session, *, consult: Consult, user_id: int) -> bool:
    return session.scalar(select(ConsultAsk.id).where(ConsultAsk.consult_id == consult.id,
                                                      ConsultAsk.user_id == user_id)) is not None


def _asked_physician(session: Session, *, actor, consult_id: int, action: str, now: datetime) -> Consult:
    """Return a consult this physician was asked for; anyone else: an audited 403."""
    consult = get_or_404(session, Consult, consult_id, f"Overleg {consult_id} bestaat niet.")
    if actor.role != "physician" or not _was_asked(session, consult=consult, user_id=actor.user_id):
        deny(session, actor=actor, action=action, client_id=consult.client_id, now=now,
             detail={"consult_id": consult.id}, message="Dit overleg is niet aan jou gevraagd.")
    return consult


def _tell_nurse(session: Session, *, consult: Consult, kind: str, title: str, body: str, now: datetime) -> None:
    push.notify(session, user_ids=[consult.nurse_id], kind=kind, now=now,
                payload={"type": kind, "consult_id": consult.id, "title": title, "body": body[:PUSH_BODY_MAX],
                         "url": f"/calls/{consult.call_id}"})


def _seconds(since: datetime, now: datetime) -> int:
    return max(0, int((now - since).total_seconds()))


def acknowledge(session: Session, *, actor, consult_id: int, now: datetime) -> ConsultView:
    """The asked physician takes the consult: she will call the nurse back. Ends the escalation."""
    consult = _asked_physician(session, actor=actor, consult_id=consult_id, action="consult.acknowledge", now=now)
    current = advance(session, consult, from_statuses=("requested",), now=now, values={
        "status": "acknowledged", "physician_id": actor.user_id, "acknowledged_at": now, "escalate_at": None,
        "seconds_to_acknowledge": _seconds(consult.created_at, now)})
    if current is not None:
        raise errors.InvalidTransition(f"Dit overleg is al {vocab.dutch(vocab.CONSULT_STATUSES, current).lower()}.",
                                       extra={"current_status": current})
    _tell_nurse(session, consult=consult, kind="consult_acknowledged", now=now,
                title=f"{actor.user.name} belt je terug", body=f"Over: {consult.question}")
    touch_visit(session, visit_id=consult.visit_id, now=now)
    audit.record(session, actor=actor, action="consult.acknowledge", client_id=consult.client_id, now=now,
                 data="overlegvraag aangenomen", detail={"consult_id": consult.id})
    session.commit()
    return view_of(session, consult)


def advise(session: Session, *, actor, consult_id: int, advice: str, now: datetime) -> ConsultView:
    """The physician writes her advice into the visit (acknowledging it too, if she had not yet)."""
    consult = _asked_physician(session, actor=actor, consult_id=consult_id, action="consult.advice", now=now)
    values = {"status": "advised", "physician_id": actor.user_id, "advice": advice.strip(), "advised_at": now,
              "escalate_at": None, "seconds_to_advice": _seconds(consult.created_at, now)}
    if consult.acknowledged_at is None:
        values.update(acknowledged_at=now, seconds_to_acknowledge=_seconds(consult.created_at, now))
    # Once acknowledged, the consult is hers who took it: a colleague asked earlier cannot answer over her.
    extra = Consult.physician_id == actor.user_id if consult.status == "acknowledged" else None
    current = consult.status if consult.status == "advised" else advance(
        session, consult, from_statuses=(consult.status,), values=values, now=now, extra_where=extra)
    if current is not None:
        raise errors.InvalidTransition("Dit overleg heeft al een advies of is door een collega aangenomen.",
                                       extra={"current_status": current})
    _tell_nurse(session, consult=consult, kind="consult_advised", now=now,
                title=f"Advies van {actor.user.name}", body=consult.advice)
    touch_visit(session, visit_id=consult.visit_id, now=now)
    audit.record(session, actor=actor, action="consult.advice", client_id=consult.client_id, now=now,
                 data="advies in het bezoekverslag", detail={"consult_id": consult.id})
    session.commit()
    return view_of(session, consult)


# -- reading --------------------------------------------------------------------------------------------

def _may_read(session: Session, *, actor, consult: Consult) -> bool:
    if actor.role == "physician":
        return _was_asked(session, consult=consult, user_id=actor.user_id) and visibility.can_see_client(
            session, actor=actor, client_id=consult.client_id)
    return in_team(actor, consult.team)


def get_consult(session: Session, *, actor, consult_id: int, now: datetime) -> ConsultView:
    """Return a consult to the physician asked for it or the team's staff; audited (refusals too)."""
    consult = get_or_404(session, Consult, consult_id, f"Overleg {consult_id} bestaat niet.")
    if not _may_read(session, actor=actor, consult=consult):
        deny(session, actor=actor, action="consult.read", client_id=consult.client_id, now=now,
             detail={"consult_id": consult.id}, message="Dit overleg is niet aan jou of je team gevraagd.")
    view = view_of(session, consult)
    audit.record(session, actor=actor, action="consult.read", client_id=consult.client_id, now=now,
                 data="overlegvraag met samenvatting", detail={"consult_id": consult.id})
    session.commit()
    return view


def list_consults(session: Session, *, actor, now: datetime, status: str | None = None) -> list[ConsultView]:
    """List a physician's consults (those she was asked for) or the team's; every client shown is audited."""
    query = select(Consult).order_by(Consult.created_at.desc(), Consult.id.desc()).limit(200)
    if actor.role == "physician":
        query = query.where(Consult.id.in_(select(ConsultAsk.consult_id).where(ConsultAsk.user_id == actor.user_id)),
                            Consult.client_id.in_(visibility.visible_client_ids_query(actor)))
    elif in_team(actor, actor.team or ""):
        query = query.where(Consult.team == actor.team)
    else:
        return []
    if status is not None:
        query = query.where(Consult.status == status)
    consults = list(session.exec(query).all())
    views = [view_of(session, c) for c in consults]
    audit.record_many(session, actor=actor, action="consult.list", client_ids=[c.client_id for c in consults],
                      now=now, data="overlegvragen")
    session.commit()
    return views
