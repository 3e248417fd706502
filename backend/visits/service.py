"""Visits: open one for a held call, record vitals and notes (appended), edit with a version, complete.

Writes a phone may replay run under `@blp.idempotent`: they flush and never commit, and the decorator
commits the write together with its stored answer.
"""
from dataclasses import dataclass, field as dataclass_field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from backend import errors, vocab
from backend.db import get_or_404, reads_through
from backend.audit import service as audit
from backend.clients.models import Client
from backend.consults.records import VisitConsult, consults_of_visit
from backend.dispatch import planned
from backend.dispatch import service as dispatch
from backend.dispatch.models import Call
from backend.visits.access import claim_id, in_team, require_team
from backend.visits.models import ClientContact, Visit, VisitNote, VitalSigns
from backend.visits.news2 import news2
from backend.visits.vitals import implausible
from backend.visits.wishes import Wishes, contacts_of, wishes_of

CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock may run a little ahead


# -- the record of a visit -----------------------------------------------------------------------

@dataclass
class VisitRecord:
    """A visit with its vitals and notes, and the client's wishes and contacts; reads the visit's own columns."""

    visit: Visit
    vitals: list[VitalSigns]
    notes: list[VisitNote]
    wishes: Wishes
    contacts: list[ClientContact]
    # asked of the on-call physician, with her advice
    consults: list[VisitConsult] = dataclass_field(default_factory=list)

    __getattr__ = reads_through("visit")

    @property
    def latest_vitals(self) -> VitalSigns | None:
        return self.vitals[-1] if self.vitals else None


def visit_record(session: Session, *, visit: Visit) -> VisitRecord:
    """Return the visit with its vitals and notes, and the client's wishes and contacts."""
    vitals = list(session.exec(
        select(VitalSigns).where(VitalSigns.visit_id == visit.id).order_by(VitalSigns.measured_at, VitalSigns.id)
    ).all())
    notes = list(session.exec(
        select(VisitNote).where(VisitNote.visit_id == visit.id).order_by(VisitNote.recorded_at, VisitNote.id)
    ).all())
    client = session.get(Client, visit.client_id)
    return VisitRecord(visit=visit, vitals=vitals, notes=notes, wishes=wishes_of(session, client=client),
                       contacts=contacts_of(session, client_id=visit.client_id),
                       consults=consults_of_visit(session, visit_id=visit.id))


def client_of_answer(session: Session, answer: dict) -> int | None:
    """Return the client a stored answer shows: its own `client_id`, or its visit's (vitals, notes)."""
    if answer.get("client_id") is None and answer.get("visit_id"):
        return session.scalar(select(Visit.client_id).where(Visit.id == answer["visit_id"]))
    return answer.get("client_id")


def _load_visit(session: Session, visit_id: str) -> Visit:
    visit = get_or_404(session, Visit, str(visit_id), f"Bezoek {visit_id} bestaat niet.")
    return visit


def _own_visit(session: Session, *, actor, visit_id: str, action: str, now: datetime) -> Visit:
    """Return a visit only its own nurse may write to (others of the team: 403; other teams: audited 403)."""
    visit = _load_visit(session, visit_id)
    require_team(session, actor=actor, team=visit.team, client_id=visit.client_id, action=action, now=now,
                 detail={"visit_id": visit.id})
    if visit.nurse_id != actor.user_id:
        raise errors.Forbidden("Alleen de verpleegkundige van dit bezoek kan het bijwerken.")
    return visit


def _not_in_future(moment: datetime | None, *, now: datetime, field: str) -> None:
    if moment is not None and moment > now + CLOCK_SKEW:
        raise errors.Unprocessable("Een tijdstip in de toekomst kan niet.", errors={field: ["Ligt in de toekomst."]})


def _touch(session: Session, *, visit: Visit, now: datetime) -> None:
    touch_visit(session, visit_id=visit.id, now=now)


def touch_visit(session: Session, *, visit_id: str, now: datetime) -> None:
    """Mark the visit changed for sync without a new version: appends (vitals, notes, consults) never conflict
    with edits."""
    session.execute(sa.update(Visit).where(Visit.id == visit_id).values(updated_at=now)
                    .execution_options(synchronize_session=False))


# -- reading -------------------------------------------------------------------------------------

def get_visit(session: Session, *, actor, visit_id: str, now: datetime) -> VisitRecord:
    """Return a visit to staff of its team; audited."""
    visit = _load_visit(session, visit_id)
    require_team(session, actor=actor, team=visit.team, client_id=visit.client_id, action="visit.read", now=now,
                 detail={"visit_id": visit.id})
    record = visit_record(session, visit=visit)
    audit.record(session, actor=actor, action="visit.read", client_id=visit.client_id, now=now,
                 data="bezoek, metingen, wensen", detail={"visit_id": visit.id})
    session.commit()
    return record


def list_visits(session: Session, *, actor, now: datetime, call_id: int | None = None,
                client_id: int | None = None) -> list[VisitRecord]:
    """List the team's visits of a call or a client; every client shown is audited."""
    if call_id is None and client_id is None:
        raise errors.Unprocessable("Geef call_id of client_id mee.", errors={"call_id": ["Verplicht."]})
    if not in_team(actor, actor.team or ""):
        return []
    query = select(Visit).where(Visit.team == actor.team).order_by(Visit.created_at).limit(200)
    if call_id is not None:
        query = query.where(Visit.call_id == call_id)
    if client_id is not None:
        query = query.where(Visit.client_id == client_id)
    visits = list(session.exec(query).all())
    records = [visit_record(session, visit=v) for v in visits]
    audit.record_many(session, actor=actor, action="visit.list", client_ids=[v.client_id for v in visits],
                      now=now, data="bezoeken")
    session.commit()
    return records


# -- writing -------------------------------------------------------------------------------------

def _held_call(session: Session, *, actor, call_id: int, now: datetime) -> Call:
    """Return the call the nurse holds, refusing (and auditing) anyone else."""
    call = session.get(Call, call_id)
    if call is None:
        raise errors.Unprocessable(f"Melding {call_id} bestaat niet.", errors={"call_id": ["Onbekende melding."]})
    require_team(session, actor=actor, team=call.team, client_id=call.client_id, action="visit.create",
                 now=now, detail={"call_id": call.id})
    if actor.role != "nurse" or call.nurse_id != actor.user_id:
        raise errors.Forbidden("Alleen de verpleegkundige die de melding heeft, legt het bezoek vast.")
    return call


def _arrive(session: Session, *, actor, data: dict, now: datetime) -> None:
    """Check the request, then move the call on to on site through the state machine's own steps.

    Each step commits by itself; a replay racing us may have taken a step first, which is fine.
    """
    call = _held_call(session, actor=actor, call_id=data["call_id"], now=now)
    if call.status not in vocab.HELD_STATUSES:
        raise errors.InvalidTransition(f"De melding is '{vocab.dutch(vocab.CALL_STATUS_LABELS, call.status)}'.")
    _not_in_future(data.get("arrived_at"), now=now, field="arrived_at")
    previous = data.get("previous_visit_id")
    if previous is not None:
        earlier = session.get(Visit, str(previous))
        if earlier is None or earlier.client_id != call.client_id:
            raise errors.Unprocessable("Het vorige bezoek hoort niet bij deze cliënt.",
                                       errors={"previous_visit_id": ["Onbekend bezoek van deze cliënt."]})
    for step, from_status in (("en_route", "accepted"), ("on_site", "en_route")):
        session.refresh(call)
        if call.status == from_status:
            try:
                dispatch.set_call_status(session, actor=actor, call_id=call.id, status=step, now=now)
            except errors.InvalidTransition:
                pass  # moved on meanwhile (a concurrent replay): look again at the next step


def create_visit(session: Session, *, actor, data: dict, now: datetime) -> VisitRecord:
    """Open the visit of a call the nurse holds; the call moves on to on site (those steps commit by themselves).

    Everything that can refuse the request is checked before the first step changes the call: a 4xx writes
    nothing.
    """
    call = _held_call(session, actor=actor, call_id=data["call_id"], now=now)
    existing = session.scalar(select(Visit).where(Visit.call_id == call.id))
    if existing is not None:
        raise errors.Conflict("Voor deze melding is al een bezoek vastgelegd.",
                              extra={"current": visit_record(session, visit=existing)})
    visit_id, _ = claim_id(session, Visit, data.get("id"), replay=lambda row: False)  # same call: 409 above
    _arrive(session, actor=actor, data=data, now=now)
    session.refresh(call)
    if call.status != "on_site":
        raise errors.InvalidTransition(f"De melding is '{vocab.dutch(vocab.CALL_STATUS_LABELS, call.status)}'.")
    previous = data.get("previous_visit_id")
    visit = Visit(id=visit_id, call_id=call.id, client_id=call.client_id, nurse_id=actor.user_id,
                  team=call.team, previous_visit_id=str(previous) if previous else None,
                  arrived_at=data.get("arrived_at") or now, created_at=now, updated_at=now)
    session.add(visit)
    session.flush()
    audit.record(session, actor=actor, action="visit.create", client_id=call.client_id, now=now,
                 data="bezoek", detail={"visit_id": visit.id, "call_id": call.id})
    return visit_record(session, visit=visit)


def update_visit(session: Session, *, actor, visit_id: str, data: dict, now: datetime) -> VisitRecord:
    """Change a visit's fields; the version it was based on must be the current one (else 409 + current)."""
    visit = _own_visit(session, actor=actor, visit_id=visit_id, action="visit.update", now=now)
    changes = dict(data)
    version = changes.pop("version")
    if visit.status == "completed":
        raise errors.Conflict("Dit bezoek is afgerond; voeg een notitie toe in plaats van te wijzigen.",
                              extra={"current": visit_record(session, visit=visit)})
    for field in ("arrived_at", "departed_at"):
        _not_in_future(changes.get(field), now=now, field=field)
    arrived = changes.get("arrived_at", visit.arrived_at)
    departed = changes.get("departed_at", visit.departed_at)
    if arrived and departed and departed < arrived:
        raise errors.Unprocessable("Vertrek ligt voor aankomst.", errors={"departed_at": ["Voor aankomst."]})
    result = session.execute(
        sa.update(Visit).where(Visit.id == visit.id, Visit.version == version, Visit.status == "open")
        .values(**changes, updated_at=now, version=Visit.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        current = _load_visit(session, visit_id)
        session.refresh(current)
        raise errors.Conflict(
            f"Het bezoek is intussen gewijzigd (versie {current.version}, jij had {version}).",
            extra={"current": visit_record(session, visit=current)},
        )
    session.refresh(visit)
    audit.record(session, actor=actor, action="visit.update", client_id=visit.client_id, now=now,
                 data="bezoek", detail={"visit_id": visit.id, "fields": sorted(changes)})
    return visit_record(session, visit=visit)


def add_vitals(session: Session, *, actor, visit_id: str, data: dict, now: datetime) -> VitalSigns:
    """Append a set of vital signs with its NEWS2; implausible values are refused (422)."""
    visit = _own_visit(session, actor=actor, visit_id=visit_id, action="vitals.create", now=now)
    problems = implausible(data)
    if problems:
        raise errors.Unprocessable("Onwaarschijnlijke of ontbrekende meetwaarden.", errors=problems)
    _not_in_future(data["measured_at"], now=now, field="measured_at")
    values = {k: v for k, v in data.items() if k != "id"}
    vitals_id, replayed = claim_id(session, VitalSigns, data.get("id"), replay=lambda row: row.visit_id == visit.id)
    if replayed is not None:
        raise errors.Conflict("Er bestaat al een meting met dit id.")
    score = news2(**{k: values[k] for k in ("resp_rate", "spo2", "on_oxygen", "systolic_bp", "heart_rate",
                                            "consciousness", "temperature", "spo2_scale")})
    vitals = VitalSigns(id=vitals_id, visit_id=visit.id, recorded_by_id=actor.user_id, **values,
                        news2_score=score.score, news2_band=score.band, created_at=now)
    session.add(vitals)
    _touch(session, visit=visit, now=now)
    session.flush()
    audit.record(session, actor=actor, action="vitals.create", client_id=visit.client_id, now=now,
                 data="vitale functies", detail={"visit_id": visit.id, "news2": score.score})
    return vitals


def add_note(session: Session, *, actor, visit_id: str, data: dict, now: datetime) -> VisitNote:
    """Append a note to a visit (also after completion: the record grows, it is never rewritten)."""
    visit = _own_visit(session, actor=actor, visit_id=visit_id, action="note.create", now=now)
    _not_in_future(data.get("recorded_at"), now=now, field="recorded_at")
    note_id, replayed = claim_id(session, VisitNote, data.get("id"), replay=lambda row: row.visit_id == visit.id)
    if replayed is not None:
        raise errors.Conflict("Er bestaat al een notitie met dit id.")
    note = VisitNote(id=note_id, visit_id=visit.id, author_id=actor.user_id, text=data["text"],
                     recorded_at=data.get("recorded_at") or now, created_at=now)
    session.add(note)
    _touch(session, visit=visit, now=now)
    session.flush()
    audit.record(session, actor=actor, action="note.create", client_id=visit.client_id, now=now,
                 data="notitie", detail={"visit_id": visit.id})
    return note


def closing_note(*, outcome: str, outcome_detail: str | None, referral_question: str | None,
                 follow_up_at: datetime | None) -> str:
    """Return the short note the caller (HAP) reads when the call is completed."""
    parts = [f"Uitkomst: {vocab.dutch(vocab.OUTCOMES, outcome)}"]
    if outcome_detail:
        parts.append(f"({vocab.dutch(vocab.TEMPORARY_STAYS, outcome_detail)})")
    text = " ".join(parts) + "."
    if follow_up_at:
        text += f" Vervolgbezoek gepland rond {follow_up_at.isoformat(timespec='minutes')}."
    if referral_question:
        text += f" Vraagstelling: {referral_question}"
    return text


def _check_outcome(data: dict) -> None:
    outcome = data["outcome"]
    problems = {}
    if outcome == "temporary_stay" and not data.get("outcome_detail"):
        problems["outcome_detail"] = ["Kies het soort tijdelijk verblijf: elv, grz, wlz_crisis of wijkkliniek."]
    if outcome != "temporary_stay" and data.get("outcome_detail"):
        problems["outcome_detail"] = ["Alleen bij uitkomst 'temporary_stay'."]
    if outcome in vocab.REFERRAL_OUTCOMES and not (data.get("referral_question") or "").strip():
        problems["referral_question"] = ["Verplicht als de cliënt wordt doorverwezen."]
    if outcome != "follow_up_visit" and data.get("follow_up_at"):
        problems["follow_up_at"] = ["Alleen bij uitkomst 'follow_up_visit'."]
    if problems:
        raise errors.Unprocessable("De uitkomst is niet compleet.", errors=problems)


def complete_visit(session: Session, *, actor, visit_id: str, data: dict, now: datetime) -> VisitRecord:
    """Record the outcome; the call completes with a closing note for the caller and the nurse is free.

    A follow-up visit with a time (`follow_up_at`) becomes a planned call in the same transaction
    (dispatch/planned.py): same client, team and category, linked to this visit.
    """
    visit = _own_visit(session, actor=actor, visit_id=visit_id, action="visit.complete", now=now)
    if visit.status == "completed":
        raise errors.Conflict("Dit bezoek is al afgerond.", extra={"current": visit_record(session, visit=visit)})
    _check_outcome(data)
    if data.get("follow_up_at"):
        planned.check_time(data["follow_up_at"], now=now, field="follow_up_at")
    _not_in_future(data.get("departed_at"), now=now, field="departed_at")
    departed = data.get("departed_at") or visit.departed_at or now
    if visit.arrived_at and departed < visit.arrived_at:
        raise errors.Unprocessable("Vertrek ligt voor aankomst.", errors={"departed_at": ["Voor aankomst."]})
    values = {
        "status": "completed", "outcome": data["outcome"], "outcome_detail": data.get("outcome_detail"),
        "referral_question": data.get("referral_question"), "follow_up_at": data.get("follow_up_at"),
        "departed_at": departed, "completed_at": now,
    }
    session.execute(
        sa.update(Visit).where(Visit.id == visit.id, Visit.status == "open")
        .values(**values, updated_at=now, version=Visit.version + 1)
        .execution_options(synchronize_session=False)
    )
    dispatch.finish_call(
        session, actor=actor, call_id=visit.call_id, now=now,
        closing_note=closing_note(outcome=data["outcome"], outcome_detail=data.get("outcome_detail"),
                                  referral_question=data.get("referral_question"),
                                  follow_up_at=data.get("follow_up_at")),
        detail={"visit_id": visit.id, "outcome": data["outcome"]},
    )
    if data["outcome"] == "follow_up_visit" and data.get("follow_up_at"):
        planned.plan_follow_up(session, actor=actor, call=session.get(Call, visit.call_id), visit_id=visit.id,
                               planned_for=data["follow_up_at"], question=data.get("referral_question"),
                               arrived_at=visit.arrived_at, now=now)
    visit = _load_visit(session, visit_id)
    session.refresh(visit)
    audit.record(session, actor=actor, action="visit.complete", client_id=visit.client_id, now=now,
                 data="bezoek, uitkomst", detail={"visit_id": visit.id, "outcome": visit.outcome})
    return visit_record(session, visit=visit)
