"""Who is on duty: dispatch's availability rule and the status that follows the adopted roster."""
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from backend.identity.models import User
from backend.roster.models import RosterAssignment


def running_shift_starts(session: Session, *, team: str | None, at: datetime) -> dict[int, datetime]:
    """Map each nurse on an adopted shift running at `at` to that shift's start."""
    query = select(RosterAssignment.user_id, RosterAssignment.starts_at).where(
        RosterAssignment.starts_at <= at, RosterAssignment.ends_at > at)
    if team is not None:
        query = query.where(RosterAssignment.team == team)
    starts: dict[int, datetime] = {}
    for user_id, starts_at in session.execute(query).all():
        starts[user_id] = min(starts_at, starts.get(user_id, starts_at))
    return starts


def available_clause(*, team: str | None, at: datetime):
    """Dispatch's rule as a SQL condition on `users`: her status says available, or she is on a running
    shift, not busy, and has not set her status since that shift started (so she can still go off duty)."""
    on_shift = (
        select(RosterAssignment.id)
        .where(RosterAssignment.user_id == User.id, RosterAssignment.starts_at <= at, RosterAssignment.ends_at > at,
               sa.or_(User.availability_set_at.is_(None), User.availability_set_at < RosterAssignment.starts_at))
    )
    if team is not None:
        on_shift = on_shift.where(RosterAssignment.team == team)
    return sa.or_(User.availability == "available",
                  sa.and_(User.availability != "busy", on_shift.exists()))


def claim_available(session: Session, *, nurse_id: int, team: str | None, now: datetime) -> bool:
    """Apply dispatch's rule to one nurse now, for an offer: True when `available_clause` holds for her.

    Recommendations and offers use this one rule. An on-duty nurse whose shift started before the minute job
    (`sync_shift_availability`) ran still says `off_duty`; her status is set to `available` here, exactly as
    that job would (in the caller's transaction), so the offer and the acceptance that follow see it.
    """
    if session.exec(select(User.id).where(User.id == nurse_id, available_clause(team=team, at=now))).first() is None:
        return False
    session.execute(
        sa.update(User).where(User.id == nurse_id, User.availability == "off_duty")
        .values(availability="available", availability_set_at=now).execution_options(synchronize_session=False))
    return True


def sync_shift_availability(session: Session, *, now: datetime, lookback: timedelta = timedelta(days=1)) -> dict:
    """Make the status follow the roster: 'available' when her shift starts, 'off_duty' when it ends.

    Only where she has not set her status herself since: at the start, if she went off duty after the
    shift began she stays off; at the end, if she said 'available' after the shift ended she stays on.
    Busy is never touched (she holds a call). Conditional updates: running it twice changes nothing.
    Return how many nurses were put on ('started') and off ('ended') duty.
    """
    running = running_shift_starts(session, team=None, at=now)
    started = 0
    for user_id, shift_start in running.items():
        started += session.execute(
            sa.update(User).where(
                User.id == user_id, User.role == "nurse", User.availability == "off_duty",
                sa.or_(User.availability_set_at.is_(None), User.availability_set_at < shift_start))
            .values(availability="available", availability_set_at=now)
            .execution_options(synchronize_session=False)).rowcount
    ended_rows = session.execute(
        select(RosterAssignment.user_id, sa.func.max(RosterAssignment.ends_at))
        .where(RosterAssignment.ends_at <= now, RosterAssignment.ends_at > now - lookback)
        .group_by(RosterAssignment.user_id)).all()
    ended = 0
    for user_id, shift_end in ended_rows:
        if user_id in running:
            continue
        ended += session.execute(
            sa.update(User).where(
                User.id == user_id, User.availability == "available", User.availability_set_at < shift_end)
            .values(availability="off_duty", availability_set_at=now)
            .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return {"started": started, "ended": ended}


def on_call(session: Session, *, team: str, role: str, at: datetime) -> list[int]:
    """Return who of this role is on an adopted shift of the team running at `at`, first on the roster first
    (earliest start, then the order they were rostered): the physicians' on-call ladder."""
    rows = session.execute(
        select(RosterAssignment.user_id).join(User, User.id == RosterAssignment.user_id)
        .where(RosterAssignment.team == team, RosterAssignment.starts_at <= at, RosterAssignment.ends_at > at,
               User.role == role, User.active.is_(True))
        .order_by(RosterAssignment.starts_at, RosterAssignment.id)).all()
    return list(dict.fromkeys(user_id for (user_id,) in rows))
