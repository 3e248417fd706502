"""Locations, free beds per type (kept current by bed managers), their history, and taking a bed."""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from backend import errors
from backend.db import get_or_404
from backend.capacity.models import Capacity, CapacityChange, Location
from backend.identity.models import Organisation, User
from backend.vocab import STALE_CAPACITY_HOURS

STALE_AFTER = timedelta(hours=STALE_CAPACITY_HOURS)


@dataclass(frozen=True)
class CapacityRow:
    """One line of the board: a location's free beds of one type, and whether the count is stale."""

    location_id: int
    location: str
    organisation_id: int
    organisation: str
    bed_type: str
    free: int
    criteria: str | None
    updated_at: datetime
    stale: bool
    phone: str | None
    address: str
    postcode: str
    lat: float
    lon: float


def organisation_id_of(actor) -> int | None:
    """Return the organisation the actor works for (a bed manager: her care provider)."""
    return getattr(actor.user, "organisation_id", None)


def get_location(session: Session, *, location_id: int) -> Location:
    location = get_or_404(session, Location, location_id, f"Locatie {location_id} bestaat niet.")
    return location


def create_location(session: Session, *, data: dict, now: datetime) -> Location:
    """Add a care provider's location with its bed types (each starts at 0 free)."""
    data = dict(data)
    bed_types = list(dict.fromkeys(data.pop("bed_types")))
    criteria = data.pop("criteria", None) or {}
    organisation = session.get(Organisation, data["organisation_id"])
    if organisation is None or organisation.kind != "care_provider":
        raise errors.Unprocessable("Een locatie met bedden hoort bij een zorgaanbieder.",
                                   errors={"organisation_id": ["Kies een zorgaanbieder."]})
    location = Location(**data, created_at=now)
    session.add(location)
    session.flush()
    for bed_type in bed_types:
        session.add(Capacity(location_id=location.id, bed_type=bed_type, free=0, criteria=criteria.get(bed_type),
                             updated_at=now))
    session.commit()
    return location


def _rows_query():
    return (select(Capacity, Location, Organisation)
            .join(Location, Location.id == Capacity.location_id)
            .join(Organisation, Organisation.id == Location.organisation_id))


def _row(capacity: Capacity, location: Location, organisation: Organisation, now: datetime) -> CapacityRow:
    return CapacityRow(
        location_id=location.id, location=location.name, organisation_id=organisation.id,
        organisation=organisation.name, bed_type=capacity.bed_type, free=capacity.free, criteria=capacity.criteria,
        updated_at=capacity.updated_at, stale=is_stale(capacity, now=now), phone=location.phone,
        address=location.address, postcode=location.postcode, lat=location.lat, lon=location.lon,
    )


def is_stale(capacity: Capacity, *, now: datetime) -> bool:
    """Return whether a count has not been confirmed for 12 hours."""
    return now - capacity.updated_at > STALE_AFTER


def list_capacity(session: Session, *, now: datetime, bed_type: str | None = None,
                  location_id: int | None = None, organisation_id: int | None = None) -> list[CapacityRow]:
    """Return the board: every location's free beds per type (most free first within a type)."""
    query = _rows_query().order_by(Capacity.bed_type, Capacity.free.desc(), Location.name)
    if bed_type:
        query = query.where(Capacity.bed_type == bed_type)
    if location_id:
        query = query.where(Capacity.location_id == location_id)
    if organisation_id:
        query = query.where(Location.organisation_id == organisation_id)
    return [_row(c, loc, org, now) for c, loc, org in session.exec(query).all()]


def list_board(session: Session, *, actor, now: datetime, bed_type: str | None = None,
               location_id: int | None = None, mine: bool = False) -> list[CapacityRow]:
    """Return the board as the actor asked for it (`mine`: a bed manager's own locations)."""
    own = organisation_id_of(actor) if mine and actor.role == "bed_manager" else None
    return list_capacity(session, now=now, bed_type=bed_type, location_id=location_id, organisation_id=own)


def _capacity(session: Session, *, location_id: int, bed_type: str, lock: bool = False) -> Capacity:
    get_location(session, location_id=location_id)
    query = select(Capacity).where(Capacity.location_id == location_id, Capacity.bed_type == bed_type)
    if lock:
        query = query.with_for_update()
    capacity = session.exec(query).first()
    if capacity is None:
        raise errors.NotFound(f"Locatie {location_id} heeft geen bedden van het type '{bed_type}'.")
    return capacity


def check_bed_manager(session: Session, *, actor, location_id: int) -> Location:
    """Return the location if the actor may act for it: its organisation's bed manager, else 403."""
    location = get_location(session, location_id=location_id)
    if actor.role == "bed_manager" and organisation_id_of(actor) != location.organisation_id:
        raise errors.Forbidden("Je kunt alleen de bedden van je eigen organisatie bijwerken.")
    return location


def set_free(session: Session, *, actor, location_id: int, bed_type: str, free: int, now: datetime,
             criteria: str | None = None) -> CapacityRow:
    """Set a location's free count of a bed type (also confirms an unchanged count), kept as history."""
    check_bed_manager(session, actor=actor, location_id=location_id)
    capacity = _capacity(session, location_id=location_id, bed_type=bed_type, lock=True)
    session.add(CapacityChange(at=now, user_id=actor.user_id, location_id=location_id, bed_type=bed_type,
                               free_before=capacity.free, free_after=free, reason="update"))
    capacity.free = free
    if criteria is not None:
        capacity.criteria = criteria
    capacity.updated_at = now
    capacity.updated_by_id = actor.user_id
    session.add(capacity)
    session.commit()
    return list_capacity(session, now=now, bed_type=bed_type, location_id=location_id)[0]


def take_bed(session: Session, *, actor, location_id: int, bed_type: str, now: datetime,
             placement_id: int) -> None:
    """Take one free bed in the caller's transaction (no commit): a conditional UPDATE, no free bed → 409."""
    taken = session.execute(
        sa.update(Capacity)
        .where(Capacity.location_id == location_id, Capacity.bed_type == bed_type, Capacity.free > 0)
        .values(free=Capacity.free - 1, updated_at=now, updated_by_id=actor.user_id)
    ).rowcount
    if taken != 1:
        raise errors.Conflict("Er is op deze locatie geen vrij bed van dit type meer.",
                              extra={"current_status": "offered"})
    free_after = session.scalar(select(Capacity.free).where(
        Capacity.location_id == location_id, Capacity.bed_type == bed_type))
    session.add(CapacityChange(at=now, user_id=actor.user_id, location_id=location_id, bed_type=bed_type,
                               free_before=free_after + 1, free_after=free_after, reason="placement.accept",
                               placement_id=placement_id))


def give_back_bed(session: Session, *, actor, location_id: int, bed_type: str, now: datetime,
                  placement_id: int) -> None:
    """Return one bed to `free` in the caller's transaction (a cancelled accepted placement)."""
    session.execute(
        sa.update(Capacity).where(Capacity.location_id == location_id, Capacity.bed_type == bed_type)
        .values(free=Capacity.free + 1, updated_at=now)
    )
    free_after = session.scalar(select(Capacity.free).where(
        Capacity.location_id == location_id, Capacity.bed_type == bed_type))
    if free_after is not None:
        session.add(CapacityChange(at=now, user_id=actor.user_id, location_id=location_id, bed_type=bed_type,
                                   free_before=free_after - 1, free_after=free_after, reason="placement.cancel",
                                   placement_id=placement_id))


def list_history(session: Session, *, actor, location_id: int | None = None, start: datetime | None = None,
                 end: datetime | None = None, limit: int = 500) -> list[CapacityChange]:
    """Return count changes, newest first; a bed manager sees her own organisation's locations only."""
    query = select(CapacityChange).order_by(CapacityChange.at.desc(), CapacityChange.id.desc()).limit(limit)
    if actor.role == "bed_manager":
        own = select(Location.id).where(Location.organisation_id == organisation_id_of(actor))
        query = query.where(CapacityChange.location_id.in_(own))
    if location_id is not None:
        query = query.where(CapacityChange.location_id == location_id)
    if start is not None:
        query = query.where(CapacityChange.at >= start)
    if end is not None:
        query = query.where(CapacityChange.at < end)
    return list(session.exec(query).all())


def bed_managers_of(session: Session, *, organisation_id: int) -> list[int]:
    """Return the ids of the active bed managers of an organisation."""
    return list(session.exec(select(User.id).where(
        User.organisation_id == organisation_id, User.role == "bed_manager", User.active.is_(True))).all())


def claim_stale(session: Session, *, now: datetime) -> list[Capacity]:
    """Claim the counts that went stale and were not reminded about since their last update."""
    cutoff = now - STALE_AFTER
    due = session.exec(select(Capacity).where(
        Capacity.updated_at < cutoff,
        sa.or_(Capacity.reminded_at.is_(None), Capacity.reminded_at < Capacity.updated_at))).all()
    claimed = []
    for capacity in due:
        won = session.execute(
            sa.update(Capacity).where(
                Capacity.location_id == capacity.location_id, Capacity.bed_type == capacity.bed_type,
                Capacity.updated_at < cutoff,
                sa.or_(Capacity.reminded_at.is_(None), Capacity.reminded_at < Capacity.updated_at))
            .values(reminded_at=now)
        ).rowcount
        if won:
            claimed.append(capacity)
    return claimed
