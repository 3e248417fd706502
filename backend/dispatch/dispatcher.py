"""Who should go: recommendations, offering to the next nurse, escalation and pushes about it.

The state machine is service.py; this module decides *whom* to offer a call to and *whom* to tell,
and calls service.py for every transition. Hooks (`on_*`) are called by service.py inside its
transactions, so the push outbox rows commit or roll back with the change they announce.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from sqlmodel import Session, select

from backend import errors
from backend.clients.models import Client
from backend.dispatch import push_service, runtime
from backend.dispatch.models import Call, CallEvent
from backend.dispatch.recommend import RECENT_HOURS, Candidate, TravelEstimator, rank, required_skills
from backend.identity.models import Team, User
from backend.roster import availability as roster

log = logging.getLogger(__name__)

LAST_PLACE_MAX_AGE = timedelta(hours=12)
CATEGORY_LABELS = {
    "catheter": "katheter", "fall_assessment": "val/trauma", "nosebleed": "neusbloeding",
    "diabetes": "ontregelde diabetes", "wound_care": "wondzorg", "obstipation": "obstipatie",
    "pain_management": "pijnbestrijding", "feeding_tube": "sonde", "palliative": "palliatieve zorg",
    "vital_signs_check": "controle vitale functies", "medication": "medicatie",
    "unclear_assessment": "onduidelijke hulpvraag", "iv_therapy": "IV-therapie",
    "alarm_followup": "alarmopvolging", "pg_crisis": "PG-crisis", "post_seh_visit": "na SEH-bezoek",
    "other": "overig",
}
# Offer events that count against a nurse for this call: she said no, or did not answer.
REFUSAL_EVENTS = ("declined", "offer_expired")


@dataclass(frozen=True)
class SystemActor:
    """The dispatcher itself, acting for a team (events get actor_id null, audit role 'system')."""

    team: str
    role: str = "system"
    organisation: str | None = None
    token_label: str | None = "escalatie"
    request_id: str = field(default_factory=lambda: f"job-{uuid.uuid4()}")
    ip: str | None = None
    user_agent: str | None = None
    user: object = field(default_factory=lambda: SimpleNamespace(id=None, name="Wijkspoed (automatisch)"))

    @property
    def user_id(self) -> None:
        return None


# -- recommendations -------------------------------------------------------------------------------

def candidates(session: Session, *, call: Call, now: datetime) -> list[Candidate]:
    """Return the call team's available nurses with their last known place and current load."""
    # Plain columns, not ORM objects: a team of 200 nurses is ranked on every request.
    nurses = session.execute(
        select(User.id, User.name, User.skills, User.base_lat, User.base_lon).where(
            # Available by her own status, or on a running roster shift she has not opted out of.
            User.role == "nurse", User.active.is_(True), User.team == call.team,
            roster.available_clause(team=call.team, at=now),
        )
    ).all()
    if not nurses:
        return []
    # One pass over the team's recent calls gives each nurse's last place and load. Her own calls are her
    # team's calls: filter on the team (an index) instead of a list of 200 ids.
    recent_since = now - timedelta(hours=RECENT_HOURS)
    place_since = now - LAST_PLACE_MAX_AGE
    rows = session.execute(
        select(Call.id, Call.nurse_id, Call.status, Call.accepted_at, Call.on_site_at, Client.lat, Client.lon)
        .join(Client, Client.id == Call.client_id)
        .where(
            Call.team == call.team, Call.nurse_id.is_not(None),
            sa.or_(Call.status == "offered", Call.accepted_at >= recent_since, Call.on_site_at >= place_since),
        )
    ).all()
    places: dict[int, tuple[float, float]] = {}
    last_at: dict[int, datetime] = {}
    pending: dict[int, int] = {}
    recent: dict[int, int] = {}
    for call_id, nurse_id, status, accepted_at, on_site_at, lat, lon in rows:
        if status == "offered" and call_id != call.id:
            pending[nurse_id] = pending.get(nurse_id, 0) + 1
        if accepted_at is not None and accepted_at >= recent_since:
            recent[nurse_id] = recent.get(nurse_id, 0) + 1
        if on_site_at is not None and on_site_at >= place_since and (
                nurse_id not in last_at or on_site_at > last_at[nurse_id]):
            last_at[nurse_id], places[nurse_id] = on_site_at, (lat, lon)
    refused = set(
        session.scalars(
            select(CallEvent.nurse_id).where(CallEvent.call_id == call.id, CallEvent.type.in_(REFUSAL_EVENTS))
        ).all()
    )
    needed = required_skills(call.category)
    result = []
    for nurse in nurses:
        skills = frozenset(nurse.skills or ())
        if not needed <= skills:
            continue  # rank() would drop her too; skip the work
        if nurse.id in places:
            lat, lon = places[nurse.id]
            place = "last_visit"
        else:
            lat, lon, place = nurse.base_lat, nurse.base_lon, "base"
        result.append(
            Candidate(
                nurse_id=nurse.id, name=nurse.name, skills=skills, lat=lat, lon=lon,
                place=place, pending_offers=pending.get(nurse.id, 0), recent_calls=recent.get(nurse.id, 0),
                declined=nurse.id in refused,
            )
        )
    return result


def rank_for_call(session: Session, *, call: Call, now: datetime, estimator: TravelEstimator | None = None,
                  end_reads: bool = False):
    """Rank the nurses for a call, best first (`end_reads`: end the transaction before the arithmetic)."""
    place = session.execute(select(Client.lat, Client.lon).where(Client.id == call.client_id)).first()
    found = candidates(session, call=call, now=now)
    category, urgency = call.category, call.urgency
    if end_reads:
        session.rollback()  # on SQLite every transaction holds the write lock: don't rank while holding it
    return rank(found, destination=tuple(place) if place else None, category=category, urgency=urgency,
                estimator=estimator)


def recommendations(session: Session, *, actor, call_id: int, now: datetime, limit: int = 25,
                    estimator: TravelEstimator | None = None) -> list[dict]:
    """Return the ranked nurses for a call the actor may see (audited: it uses the client's address)."""
    from backend.dispatch import service

    call = service.get_visible_call(
        session, actor=actor, call_id=call_id, now=now, action="call.recommendations",
        data="aanbeveling (adres cliënt)",
    )
    offered_to = call.nurse_id if call.status == "offered" else None
    ranked = rank_for_call(session, call=call, now=now, estimator=estimator, end_reads=True)
    for item in ranked:
        if item.nurse_id == offered_to:
            item.reasons.append("heeft dit aanbod nu")
    return [item.as_dict() for item in ranked[:limit]]


# -- offering --------------------------------------------------------------------------------------

def offer_next(session: Session, *, call_id: int, now: datetime, reason: str,
               estimator: TravelEstimator | None = None) -> Call | None:
    """Offer an open call to the best nurse who has not refused it; None when there is nobody (or it moved)."""
    from backend.dispatch import service

    call = session.get(Call, call_id, populate_existing=True)
    if call is None or call.status != "open":
        session.rollback()
        return None
    ranked = [r for r in rank_for_call(session, call=call, now=now, estimator=estimator)
              if "weigerde deze melding eerder of reageerde niet" not in r.reasons]
    for choice in ranked:
        try:
            return service.offer_call(
                session, actor=SystemActor(team=call.team), call_id=call.id, nurse_id=choice.nurse_id, now=now,
                reason=reason,
            )
        except errors.Conflict as exc:
            # The call moved on (someone accepted it), or she stopped being available: next one.
            session.rollback()
            current = session.get(Call, call_id, populate_existing=True)
            if current is None or current.status != "open":
                return None
            log.info("call %s: could not offer to nurse %s: %s", call_id, choice.nurse_id, exc.message)
    session.rollback()
    return None


def offer_next_task(rt, call_id: int, reason: str) -> None:
    """Runtime task: offer to the next nurse; tell the coordinators when nobody is left."""
    with Session(rt.engine, expire_on_commit=False) as session:
        now = rt.clock.now()
        if offer_next(session, call_id=call_id, now=now, reason=reason, estimator=rt.estimator) is None:
            notify_nobody_left(session, call_id=call_id, now=now)


def notify_nobody_left(session: Session, *, call_id: int, now: datetime) -> None:
    """Push the coordinators that an open call has nobody to go to (once per refusal)."""
    call = session.get(Call, call_id, populate_existing=True)
    if call is None or call.status != "open":
        session.rollback()
        return
    _notify_roles(session, call=call, roles=("coordinator",), kind="no_nurse", now=now,
                  title=f"{call.urgency}: geen verpleegkundige beschikbaar",
                  body=f"{_label(call)} — niemand beschikbaar met de juiste bevoegdheid. Wijs handmatig toe.")
    session.commit()


# -- hooks called by service.py inside its transactions --------------------------------------------

def _label(call: Call) -> str:
    return f"Melding {call.id} ({CATEGORY_LABELS.get(call.category, call.category)})"


def _push_urgency(call: Call) -> str:
    return "high" if call.urgency in ("U2", "U3") else "normal"


def on_offer(session: Session, *, call: Call, nurse: User, window: timedelta, now: datetime) -> None:
    """Queue the offer push to every subscription of the nurse (same transaction as the offer)."""
    client = session.get(Client, call.client_id)
    place = client.city if client is not None else ""
    payload = {
        "type": "offer", "call_id": call.id, "urgency": call.urgency, "category": call.category,
        "title": f"{call.urgency}-melding: {CATEGORY_LABELS.get(call.category, call.category)}",
        "body": f"{place} — reageer binnen {int(window.total_seconds() // 60) or 1} min".strip(" —"),
        "expires_at": (now + window).isoformat(), "url": f"/calls/{call.id}",
    }
    push_service.enqueue(session, user_ids=[nurse.id], kind="offer", payload=payload, now=now,
                         ttl=int(window.total_seconds()), urgency=_push_urgency(call), call_id=call.id)


def on_offer_expired(session: Session, *, call: Call, nurse_id: int | None, now: datetime) -> None:
    """Tell the coordinators the offer ran out; the next nurse is asked right after commit."""
    nurse = session.get(User, nurse_id) if nurse_id else None
    _notify_roles(session, call=call, roles=("coordinator",), kind="offer_expired", now=now,
                  title=f"{call.urgency}: aanbod niet beantwoord",
                  body=f"{_label(call)}: {nurse.name if nurse else 'de verpleegkundige'} reageerde niet op tijd; "
                       "de volgende wordt gevraagd.")
    runtime.after_commit(session, offer_next_task, call.id, "escalatie")


def on_declined(session: Session, *, call: Call, now: datetime) -> None:
    """After a decline commits, offer the call to the next nurse."""
    runtime.after_commit(session, offer_next_task, call.id, "na weigering")


def on_created(session: Session, *, call: Call, now: datetime) -> None:
    """After a call commits, offer it to the top nurse when the team has auto-offer on."""
    team = session.get(Team, call.team)
    if team is not None and team.auto_offer:
        runtime.after_commit(session, offer_next_task, call.id, "automatisch")


def _notify_roles(session: Session, *, call: Call, roles, kind: str, title: str, body: str, now: datetime) -> None:
    user_ids = session.scalars(
        select(User.id).where(User.team == call.team, User.role.in_(roles), User.active.is_(True))
    ).all()
    payload = {"type": kind, "call_id": call.id, "urgency": call.urgency, "title": title, "body": body,
               "url": f"/calls/{call.id}"}
    push_service.enqueue(session, user_ids=user_ids, kind=kind, payload=payload, now=now, ttl=3600,
                         urgency=_push_urgency(call), call_id=call.id)


# -- clock work ------------------------------------------------------------------------------------

def expire_due_offers(rt, *, now: datetime, limit: int = 100) -> int:
    """Expire every offer whose window has passed; each expiry then offers the call on. Return the count."""
    from backend.dispatch import service

    with Session(rt.engine, expire_on_commit=False) as session:
        due = session.scalars(
            select(Call.id).where(Call.status == "offered", Call.offer_expires_at <= now)
            .order_by(Call.offer_expires_at).limit(limit)
        ).all()
        session.rollback()
        expired = 0
        for call_id in due:
            # Conditional: a second clock (or a run twice) finds nothing left to expire.
            if service.expire_offer(session, call_id=call_id, now=now) is not None:
                expired += 1
        return expired


def alert_leads_due(rt, *, now: datetime, limit: int = 100) -> int:
    """Push the team lead about calls nobody has accepted by half their response target. Return the count."""
    with Session(rt.engine, expire_on_commit=False) as session:
        due = session.scalars(
            select(Call.id).where(
                Call.status.in_(("open", "offered")), Call.lead_alert_at <= now, Call.lead_alerted_at.is_(None)
            ).order_by(Call.lead_alert_at).limit(limit)
        ).all()
        session.rollback()
        alerted = 0
        for call_id in due:
            claimed = session.execute(
                sa.update(Call)
                .where(Call.id == call_id, Call.lead_alerted_at.is_(None), Call.status.in_(("open", "offered")))
                .values(lead_alerted_at=now, updated_at=now, version=Call.version + 1)
                .execution_options(synchronize_session=False)
            ).rowcount
            if claimed != 1:
                session.rollback()
                continue
            call = session.get(Call, call_id, populate_existing=True)
            minutes = int((call.target_at - call.created_at).total_seconds() // 60)
            session.add(CallEvent(call_id=call.id, at=now, type="lead_alerted", actor_id=None,
                                  from_status=call.status, to_status=call.status, nurse_id=call.nurse_id,
                                  detail={"target_at": call.target_at.isoformat()}))
            _notify_roles(session, call=call, roles=("team_lead",), kind="lead_alert", now=now,
                          title=f"{call.urgency}: nog niemand onderweg",
                          body=f"{_label(call)}: na de helft van de normtijd ({minutes} min) "
                               "heeft nog geen verpleegkundige geaccepteerd.")
            session.commit()
            alerted += 1
        return alerted


def offer_waiting_calls(rt, *, now: datetime, grace: timedelta = timedelta(seconds=30), limit: int = 50) -> int:
    """Offer open calls that should be on the ladder but are not (auto-offer team, or offered before).

    The fast path runs right after commit in a web process; this catches what it lost (a worker that
    died) and calls that waited for a nurse to become available. Return how many were offered.
    """
    with Session(rt.engine, expire_on_commit=False) as session:
        had_offer = select(CallEvent.id).where(CallEvent.call_id == Call.id, CallEvent.type.in_(REFUSAL_EVENTS))
        auto_teams = select(Team.code).where(Team.auto_offer.is_(True))
        due = session.scalars(
            select(Call.id).where(
                Call.status == "open", Call.updated_at <= now - grace,
                sa.or_(Call.team.in_(auto_teams), sa.exists(had_offer)),
            ).order_by(Call.target_at).limit(limit)
        ).all()
        session.rollback()
        offered = 0
        for call_id in due:
            if offer_next(session, call_id=call_id, now=now, reason="opnieuw", estimator=rt.estimator) is not None:
                offered += 1
        return offered


def deliver_due_pushes(rt, *, now: datetime) -> dict[str, int]:
    """Retry the push outbox rows that are due."""
    return push_service.deliver_due(rt.engine, rt.sender, now=now)


def tick(rt, *, now: datetime | None = None) -> dict[str, object]:
    """Run every dispatch clock job once (what the scheduler does each interval); return what happened."""
    now = now or rt.clock.now()
    return {
        "expired": expire_due_offers(rt, now=now),
        "lead_alerts": alert_leads_due(rt, now=now),
        "offered": offer_waiting_calls(rt, now=now),
        "pushes": deliver_due_pushes(rt, now=now),
    }


# -- availability ----------------------------------------------------------------------------------

def set_my_status(session: Session, *, actor, status: str, now: datetime) -> User:
    """A nurse says she is available or off duty; busy is the system's to set while she holds a call."""
    if actor.role != "nurse":
        raise errors.Forbidden("Alleen een verpleegkundige heeft een beschikbaarheid.")
    result = session.execute(
        sa.update(User)
        .where(User.id == actor.user_id, User.availability != "busy")
        .values(availability=status, availability_set_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise errors.Conflict("Je hebt een lopende melding: rond die eerst af.", extra={"availability": "busy"})
    if status == "off_duty":
        # Offers waiting for her run out now, so the clock and the ladder move them on at once.
        offered = session.scalars(
            select(Call.id).where(Call.status == "offered", Call.nurse_id == actor.user_id)
        ).all()
        if offered:
            session.execute(
                sa.update(Call).where(Call.id.in_(offered), Call.status == "offered")
                .values(offer_expires_at=now).execution_options(synchronize_session=False)
            )
            runtime.after_commit(session, expire_now_task, list(offered))
    session.commit()
    return session.get(User, actor.user_id, populate_existing=True)


def expire_now_task(rt, call_ids: list[int]) -> None:
    """Runtime task: expire these offers now (their nurse went off duty)."""
    from backend.dispatch import service

    with Session(rt.engine, expire_on_commit=False) as session:
        for call_id in call_ids:
            service.expire_offer(session, call_id=call_id, now=rt.clock.now())
