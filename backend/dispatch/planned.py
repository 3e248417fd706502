"""Planned calls: a follow-up visit agreed with the client waits as a call of status `planned`.

planned → open when the clock reaches `planned_for` minus the team's lead time (`open_due_planned`, the
clock's `dispatch.open_planned`); from open on it is an ordinary call (offers, escalation, board). While
planned it can be moved (`reschedule_call`) or cancelled (service.cancel_call, with a reason).

Times: `target_at` is the agreed time (`planned_for`): the board shows a planned visit as late when nobody is
there by then, and the team lead is alerted (`lead_alert_at`) when nobody has taken it by that time. Its
response time is not an NTS response (a planned visit waits for an agreed time, not after a triage): the
outcomes figures leave planned calls out of `response` and out of the re-calls (backend/outcomes/queries.py).
"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from backend import errors, vocab
from backend.audit import service as audit
from backend.dispatch import service
from backend.dispatch.models import Call
from backend.identity.service import get_team
from backend.push.worker import after_commit
from backend.visits.models import Visit

# A planned visit is not triaged: U4 ("same day") orders it among the open work and sets its offer windows.
PLANNED_URGENCY = "U4"
MAX_AHEAD = timedelta(days=60)
MAX_LEAD = timedelta(minutes=720)  # region.schemas.TeamUpdateSchema.planned_lead_minutes allows up to this
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
RESCHEDULE_ROLES = ("coordinator", "team_lead")


def check_time(planned_for: datetime, *, now: datetime, field: str) -> None:
    if planned_for <= now:
        raise errors.Unprocessable("Een gepland bezoek moet in de toekomst liggen.",
                                   errors={field: ["Ligt niet in de toekomst."]})
    if planned_for > now + MAX_AHEAD:
        raise errors.Unprocessable("Plan een bezoek hooguit 60 dagen vooruit.",
                                   errors={field: ["Meer dan 60 dagen vooruit."]})


def local_text(moment: datetime) -> str:
    """Return a time as the team reads it (Amsterdam), e.g. '26-11 09:00'."""
    return moment.astimezone(AMSTERDAM).strftime("%d-%m %H:%M")


def plan_call(session: Session, *, actor, client_id: int, team: str, category: str, planned_for: datetime,
              complaint: str, now: datetime, previous_visit_id: str | None = None,
              field: str = "planned_for") -> Call:
    """Add a planned call for a client of the team (flushes; the caller commits)."""
    check_time(planned_for, now=now, field=field)
    user = getattr(actor, "user", None)
    call = Call(client_id=client_id, team=team, category=category, urgency=PLANNED_URGENCY,
                complaint=complaint, source="other", caller_name=getattr(user, "name", None),
                status=vocab.PLANNED_STATUS, planned_for=planned_for, previous_visit_id=previous_visit_id,
                created_by_id=actor.user_id, created_at=now, updated_at=now, target_at=planned_for)
    session.add(call)
    session.flush()
    service._event(session, call=call, type="planned", actor=actor, now=now, from_status=None,
                   to_status=vocab.PLANNED_STATUS,
                   detail={"planned_for": planned_for.isoformat(), "previous_visit_id": previous_visit_id})
    audit.record(session, actor=actor, action="call.plan", client_id=client_id, now=now, data="gepland bezoek",
                 detail={"call_id": call.id, "previous_visit_id": previous_visit_id})
    return call


def plan_follow_up(session: Session, *, actor, call: Call, visit_id: str, planned_for: datetime,
                   question: str | None, arrived_at: datetime | None, now: datetime) -> Call:
    """Plan the follow-up visit a completed visit agreed: same client, team and category (flushes only)."""
    when = local_text(arrived_at or now)
    complaint = f"Vervolgbezoek na bezoek van {when}" + (f": {question.strip()}" if (question or "").strip() else ".")
    return plan_call(session, actor=actor, client_id=call.client_id, team=call.team, category=call.category,
                     planned_for=planned_for, complaint=complaint, now=now, previous_visit_id=visit_id,
                     field="follow_up_at")


def _may_reschedule(session: Session, *, actor, call: Call) -> bool:
    if actor.role in RESCHEDULE_ROLES:
        return True
    if actor.role != "nurse" or call.previous_visit_id is None:
        return False
    return session.scalar(select(Visit.nurse_id).where(Visit.id == call.previous_visit_id)) == actor.user_id


def reschedule_call(session: Session, *, actor, call_id: int, planned_for: datetime, reason: str,
                    now: datetime) -> Call:
    """Move a planned call to another time, with a reason; only while it is planned (else 409)."""
    call = service._visible_for_change(session, actor=actor, call_id=call_id)
    if not _may_reschedule(session, actor=actor, call=call):
        raise errors.Forbidden("Alleen de coördinator, de teamleider of de verpleegkundige van het vorige bezoek "
                               "kan een gepland bezoek verzetten.")
    if call.status != vocab.PLANNED_STATUS:
        raise errors.InvalidTransition(
            f"Alleen een gepland bezoek kan verzet worden; deze melding is '{service._status_label(call.status)}'.",
            extra={"current_status": call.status})
    check_time(planned_for, now=now, field="planned_for")
    before = call.planned_for
    service._update(session, call=call, from_statuses=(vocab.PLANNED_STATUS,), now=now, action="verzetten",
                    values={"planned_for": planned_for, "target_at": planned_for})
    service._event(session, call=call, type="rescheduled", actor=actor, now=now, from_status=call.status,
                   to_status=call.status, detail={"from": before.isoformat() if before else None,
                                                  "to": planned_for.isoformat(), "reason": reason})
    return service._finish(session, call=call, actor=actor, now=now, action="call.reschedule")


def open_planned(session: Session, *, call_id: int, now: datetime) -> Call | None:
    """Open one planned call whose time has come (conditional: None if it moved, or is not due yet)."""
    call = session.get(Call, call_id, populate_existing=True)
    if call is None or call.status != vocab.PLANNED_STATUS:
        session.rollback()
        return None
    team = get_team(session, code=call.team)
    if call.planned_for - timedelta(minutes=team.planned_lead_minutes) > now:
        session.rollback()
        return None
    values = {"status": "open", "lead_alert_at": call.planned_for}
    if team.auto_offer:
        values["offer_next_at"] = now  # durable, as at intake: the clock offers it if the fast path is lost
    result = session.execute(
        sa.update(Call).where(Call.id == call_id, Call.status == vocab.PLANNED_STATUS,
                              Call.planned_for == call.planned_for)
        .values(**values, updated_at=now, version=Call.version + 1).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        return None
    session.refresh(call)
    system = service.SystemActor(team=call.team, token_label="gepland bezoek")
    service._event(session, call=call, type="opened", actor=None, now=now, from_status=vocab.PLANNED_STATUS,
                   to_status="open", detail={"planned_for": call.planned_for.isoformat()})
    audit.record(session, actor=system, action="call.open", client_id=call.client_id, now=now, data="melding",
                 detail={"call_id": call.id})
    if team.auto_offer:
        after_commit(session, service.offer_next_task, call_id=call.id, reason="gepland bezoek")
    session.commit()
    return call


def open_due_planned(session: Session, *, now: datetime, limit: int = 100) -> int:
    """Open every planned call due by its team's lead time (the clock's `dispatch.open_planned`). Return the count."""
    # Candidates up to the longest lead time a team may set; open_planned checks each against its own team's.
    due = session.execute(
        select(Call.id).where(Call.status == vocab.PLANNED_STATUS, Call.planned_for <= now + MAX_LEAD)
        .order_by(Call.planned_for).limit(limit)
    ).scalars().all()
    session.rollback()
    return sum(open_planned(session, call_id=call_id, now=now) is not None for call_id in due)
