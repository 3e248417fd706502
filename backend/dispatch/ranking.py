"""Candidates for a call from the database, ranked by recommend.py (reads only; no transitions)."""
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from backend.clients.models import Client
from backend.dispatch.models import Call, CallEvent
from backend.dispatch.recommend import (RECENT_HOURS, Ahead, BusyNurse, Candidate, HaversineEstimator, Recommendation,
                                       free_in_minutes, rank, rank_ahead, required_skills)
from backend.identity.models import User
from backend.roster import availability as roster
from backend.vocab import HELD_STATUSES

LAST_PLACE_MAX_AGE = timedelta(hours=12)
# Offer events that count against a nurse for this call: she said no, or did not answer.
REFUSAL_EVENTS = ("declined", "offer_expired")


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
        if lat is not None and on_site_at is not None and on_site_at >= place_since and (
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


def ahead(session: Session, *, call: Call, now: datetime, available: list[Candidate]) -> Ahead:
    """Return the team around a call: every free nurse, the busy ones and when they are likely free."""
    free_by_id = {c.nurse_id: c for c in available}
    nurses = session.execute(
        select(User.id, User.name, User.skills, User.base_lat, User.base_lon, User.availability).where(
            User.role == "nurse", User.active.is_(True), User.team == call.team,
            sa.or_(User.availability == "busy", roster.available_clause(team=call.team, at=now)),
        )
    ).all()
    held = {
        row.nurse_id: row for row in session.execute(
            select(Call.nurse_id, Call.status, Call.accepted_at, Call.on_site_at, Client.lat, Client.lon)
            .join(Client, Client.id == Call.client_id)
            .where(Call.team == call.team, Call.status.in_(HELD_STATUSES))
        ).all()
    }
    # Where a busy nurse set out from: her last visit before this one (or her base).
    last = {}
    place_since = now - LAST_PLACE_MAX_AGE
    for nurse_id, on_site_at, lat, lon in session.execute(
        select(Call.nurse_id, Call.on_site_at, Client.lat, Client.lon).join(Client, Client.id == Call.client_id)
        .where(Call.team == call.team, Call.status == "completed", Call.on_site_at >= place_since)
        .order_by(Call.on_site_at)
    ).all():
        last[nurse_id] = (lat, lon)
    estimator = HaversineEstimator()
    skills_on_duty: dict[str, int] = {}
    everyone_free: list[Candidate] = []
    busy: list[BusyNurse] = []
    for nurse in nurses:
        skills = frozenset(nurse.skills or ())
        for skill in skills:
            skills_on_duty[skill] = skills_on_duty.get(skill, 0) + 1
        here = held.get(nurse.id)
        if here is not None:
            origin = last.get(nurse.id) or (nurse.base_lat, nurse.base_lon)
            trip = (estimator.estimate(origin, (here.lat, here.lon)).minutes
                    if None not in origin and here.lat is not None else 15.0)
            minutes_on_site = (now - here.on_site_at).total_seconds() / 60 if here.on_site_at else None
            busy.append(BusyNurse(
                nurse_id=nurse.id, name=nurse.name, skills=skills, lat=here.lat, lon=here.lon,
                free_in_minutes=free_in_minutes(
                    status=here.status, minutes_since_accept=(now - here.accepted_at).total_seconds() / 60,
                    minutes_on_site=minutes_on_site, trip_minutes=trip),
            ))
        elif nurse.id in free_by_id:
            everyone_free.append(free_by_id[nurse.id])
        elif nurse.availability != "busy":
            lat, lon = last.get(nurse.id) or (nurse.base_lat, nurse.base_lon)
            everyone_free.append(Candidate(nurse_id=nurse.id, name=nurse.name, skills=skills, lat=lat, lon=lon))
    target_at = call.target_at
    return Ahead(available=everyone_free, busy=busy, on_duty_skills=skills_on_duty,
                 minutes_left=(target_at - now).total_seconds() / 60 if target_at is not None else None)


def rank_for_call(session: Session, *, call: Call, now: datetime, end_reads: bool = False,
                  lookahead: bool = True) -> list[Recommendation]:
    """Rank the free nurses for a call, best first (`end_reads`: end the transaction before the arithmetic).

    `lookahead` (dispatch's rule) also weighs nurses free soon, scarce skills and the U2 reserve
    (recommend.rank_ahead); without it, the whiteboard rule (recommend.rank) that the simulator compares with.
    """
    place = session.execute(select(Client.lat, Client.lon).where(Client.id == call.client_id)).first()
    found = candidates(session, call=call, now=now)
    around = ahead(session, call=call, now=now, available=found) if lookahead else None
    category, urgency = call.category, call.urgency
    if end_reads:
        session.rollback()  # on SQLite every transaction holds the write lock: don't rank while holding it
    # A client whose address was not found has no coordinates: ranked without a travel time.
    known = place is not None and place.lat is not None and place.lon is not None
    destination = (place.lat, place.lon) if known else None
    if around is None:  # the whiteboard rule: only who is free now (kept to measure against)
        return rank(found, destination=destination, category=category, urgency=urgency)
    return rank_ahead(found, ahead=around, destination=destination, category=category, urgency=urgency)
