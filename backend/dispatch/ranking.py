"""Candidates for a call from the database, ranked by recommend.py (reads only; no transitions).

One query reads the call's team: every nurse who is offerable or busy, each joined to her calls that matter
(an open offer, a call she holds, one she took in the last hours, a visit in the last 12 h), with whether she
refused this call. One pass over those rows gives each nurse's last place, load and, when she is busy, where she
is and when she is likely free; recommend.py does the arithmetic.
"""
import functools
import json
from collections import Counter
from datetime import datetime, timedelta
from itertools import chain

import sqlalchemy as sa
from sqlmodel import Session, select

from backend.clients.models import Client
from backend.dispatch.models import Call, CallEvent
from backend.dispatch.recommend import (RECENT_HOURS, Ahead, BusyNurse, Candidate, HaversineEstimator, Recommendation,
                                       free_in_minutes, rank, rank_ahead, required_skills)
from backend.identity.models import User
from backend.roster import availability as roster
from backend.timeutil import as_utc
from backend.vocab import HELD_STATUSES

LAST_PLACE_MAX_AGE = timedelta(hours=12)
# Offer events that count against a nurse for this call: she said no, or did not answer.
REFUSAL_EVENTS = ("declined", "offer_expired")
# Minutes a busy nurse's trip is taken to last when where she set out from is not known.
UNKNOWN_TRIP_MINUTES = 15.0


def _team_query(*, with_busy: bool):
    """The one query: the team's offerable (and, `with_busy`, busy) nurses, each with her calls that matter.

    Built once (bound parameters `team`, `at`, `call_id`, `recent_since`, `place_since`) and run through the
    connection: a team of 200 nurses is ranked on every recommendation and every automatic offer.
    """
    team, at, call_id = sa.bindparam("team"), sa.bindparam("at"), sa.bindparam("call_id")
    recent_since, place_since = sa.bindparam("recent_since"), sa.bindparam("place_since")
    free = roster.available_clause(team=team, at=at)
    refused = (select(CallEvent.id)
               .where(CallEvent.call_id == call_id, CallEvent.nurse_id == User.id, CallEvent.type.in_(REFUSAL_EVENTS))
               .exists())
    # Her own calls are her team's calls: the join filters on the team (an index), not a list of 200 ids.
    counted = sa.and_(
        Call.nurse_id == User.id, Call.team == team,
        sa.or_(Call.status.in_(("offered", *HELD_STATUSES)), Call.accepted_at >= recent_since,
               Call.on_site_at >= place_since),
    )
    return (
        # Skills as their JSON text: a team has a handful of distinct sets, parsed once each (_skills). The
        # call's times come as the driver gives them (`_when`), without a type's processing on every row: what
        # the pass needs of them is compared here ("recent", "placed") or between rows of the same kind.
        select(User.id, User.name, sa.cast(User.skills, sa.Text), User.base_lat, User.base_lon, User.availability,
               free.label("free"), refused.label("refused"),
               Call.id, Call.status, sa.type_coerce(Call.accepted_at, sa.types.NullType()),
               sa.type_coerce(Call.on_site_at, sa.types.NullType()), Client.lat, Client.lon,
               (Call.accepted_at >= recent_since).label("recent"),
               sa.and_(Client.lat.is_not(None), Call.on_site_at >= place_since).label("placed"))
        .select_from(User)
        .outerjoin(Call, counted)
        .outerjoin(Client, Client.id == Call.client_id)
        .where(User.role == "nurse", User.active.is_(True), User.team == team,
               sa.or_(User.availability == "busy", free) if with_busy else free)
    )


_TEAM_QUERIES = {with_busy: _team_query(with_busy=with_busy) for with_busy in (False, True)}


@functools.lru_cache(maxsize=256)
def _skills(text: str | None) -> frozenset[str]:
    return frozenset(json.loads(text) if text else ())


def _when(value) -> datetime | None:
    """A time as the driver gave it (SQLite: SQLAlchemy's text; PostgreSQL: a datetime), as aware UTC."""
    if value is None:
        return None
    return as_utc(value if isinstance(value, datetime) else datetime.fromisoformat(value))


class _Nurse:
    """What one pass over the rows learns about a nurse."""

    __slots__ = ("id", "name", "skills", "base", "availability", "free", "refused", "pending", "recent",
                 "place", "place_at", "done", "done_at", "held")

    def __init__(self, row):
        self.id, self.name, self.skills = row[0], row[1], _skills(row[2])
        self.base = (row[3], row[4])
        self.availability, self.free, self.refused = row[5], bool(row[6]), bool(row[7])
        self.pending = self.recent = 0
        self.place = self.place_at = self.done = self.done_at = self.held = None


def _gather(session: Session, *, call: Call, now: datetime, with_busy: bool) -> list[_Nurse]:
    recent_since, place_since = now - timedelta(hours=RECENT_HOURS), now - LAST_PLACE_MAX_AGE
    nurses: dict[int, _Nurse] = {}
    rows = session.connection().execute(_TEAM_QUERIES[with_busy], {
        "team": call.team, "at": now, "call_id": call.id, "recent_since": recent_since, "place_since": place_since,
    }).all()  # one fetchall: row-by-row fetching cost more than the query
    for row in rows:
        nurse = nurses.get(row[0])
        if nurse is None:
            nurse = nurses[row[0]] = _Nurse(row)
        call_id, status, accepted_at, on_site_at, lat, lon, recent, placed = row[8:16]
        if call_id is None:
            continue
        if status == "offered" and call_id != call.id:
            nurse.pending += 1  # an open offer of another call
        if recent:
            nurse.recent += 1
        if status in HELD_STATUSES:
            nurse.held = (status, _when(accepted_at), _when(on_site_at), lat, lon)
        if placed:
            if nurse.place_at is None or on_site_at > nurse.place_at:
                nurse.place_at, nurse.place = on_site_at, (lat, lon)  # her last known place
            if status == "completed" and (nurse.done_at is None or on_site_at > nurse.done_at):
                nurse.done_at, nurse.done = on_site_at, (lat, lon)  # where a busy nurse set out from
    return sorted(nurses.values(), key=lambda n: n.id)


def _candidate(nurse: _Nurse) -> Candidate:
    if nurse.place is not None:
        (lat, lon), place = nurse.place, "last_visit"
    else:
        (lat, lon), place = nurse.base, "base"
    return Candidate(nurse_id=nurse.id, name=nurse.name, skills=nurse.skills, lat=lat, lon=lon, place=place,
                     pending_offers=nurse.pending, recent_calls=nurse.recent, declined=nurse.refused)


def _split(nurses: list[_Nurse], *, call: Call, now: datetime) -> tuple[list[Candidate], Ahead]:
    """The candidates (free, with the skills) and the team around them (who else is free, who is busy)."""
    needed = required_skills(call.category)
    estimator = HaversineEstimator()
    found: list[Candidate] = []
    free: list[Candidate] = []
    busy: list[BusyNurse] = []
    on_duty = Counter(chain.from_iterable(nurse.skills for nurse in nurses))
    for nurse in nurses:
        if nurse.held is not None:
            status, accepted_at, on_site_at, lat, lon = nurse.held
            if lat is None:
                continue  # she holds a call whose address was not found: no place to reckon from
            origin = nurse.done or nurse.base
            trip = estimator.estimate(origin, (lat, lon)).minutes if None not in origin else UNKNOWN_TRIP_MINUTES
            busy.append(BusyNurse(
                nurse_id=nurse.id, name=nurse.name, skills=nurse.skills, lat=lat, lon=lon,
                free_in_minutes=free_in_minutes(
                    status=status, minutes_since_accept=(now - accepted_at).total_seconds() / 60,
                    minutes_on_site=(now - on_site_at).total_seconds() / 60 if on_site_at else None,
                    trip_minutes=trip),
            ))
        elif nurse.free:
            candidate = _candidate(nurse)
            free.append(candidate)
            if needed <= nurse.skills:
                found.append(candidate)
    target_at = call.target_at
    return found, Ahead(available=free, busy=busy, on_duty_skills=on_duty,
                        minutes_left=(target_at - now).total_seconds() / 60 if target_at is not None else None)


def candidates(session: Session, *, call: Call, now: datetime) -> list[Candidate]:
    """Return the call team's available nurses with the call's skills, their last known place and load."""
    needed = required_skills(call.category)
    return [_candidate(n) for n in _gather(session, call=call, now=now, with_busy=False) if needed <= n.skills]


def rank_for_call(session: Session, *, call: Call, now: datetime, end_reads: bool = False,
                  lookahead: bool = True) -> list[Recommendation]:
    """Rank the free nurses for a call, best first (`end_reads`: end the transaction before the arithmetic).

    `lookahead` (dispatch's rule) also weighs nurses free soon, scarce skills and the U2 reserve
    (recommend.rank_ahead); without it, the whiteboard rule (recommend.rank) that the simulator compares with.
    """
    client = call.client  # loaded with the call (a joined relationship)
    destination = (client.lat, client.lon) if client is not None and client.lat is not None and \
        client.lon is not None else None  # an address that was not found: ranked without a travel time
    nurses = _gather(session, call=call, now=now, with_busy=lookahead)
    category, urgency = call.category, call.urgency
    found, around = _split(nurses, call=call, now=now)
    if end_reads:
        session.rollback()  # on SQLite every transaction holds the write lock: don't rank while holding it
    if not lookahead:  # the whiteboard rule: only who is free now (kept to measure against)
        return rank(found, destination=destination, category=category, urgency=urgency)
    return rank_ahead(found, ahead=around, destination=destination, category=category, urgency=urgency)
