"""From rows to the planner: a team's shift types, nurses, leave, wishes, rules and adopted roster as the
RosterProblem the solver, the checker and the gap alerts work on."""
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from backend.identity.models import User
from backend.roster.models import (
    RosterAssignment, RosterContract, RosterShiftType, RosterTeamRules, RosterUnavailability, RosterWish,
)
from backend.roster.planning import (
    Assignment, Nurse, RosterProblem, Shift, ShiftType, SkillNeed, Unavailability, Wish, WorkingTimeRules,
    expand_shifts,
)
from backend.timeutil import AMSTERDAM

DEFAULT_CONTRACT_HOURS = 24.0
WEEK_DAYS_AROUND = 6  # a calendar week's hours reach six days before and after any day of it


def to_shift_type(row: RosterShiftType) -> ShiftType:
    """Turn a shift-type row into the planner's ShiftType."""
    return ShiftType(
        code=row.code, name=row.name, start=time.fromisoformat(row.start_time), end=time.fromisoformat(row.end_time),
        weekdays=frozenset(row.weekdays), min_staff=row.min_staff, max_staff=row.max_staff,
        skill_needs=tuple(SkillNeed.from_dict(n) for n in row.skill_needs),
    )


def team_shift_types(session: Session, *, team: str) -> list[RosterShiftType]:
    """Return the team's shift types, by start time."""
    return list(session.exec(select(RosterShiftType).where(RosterShiftType.team == team)
                             .order_by(RosterShiftType.start_time, RosterShiftType.code)).all())


def nurse_shift_types(session: Session, *, team: str) -> list[RosterShiftType]:
    """Return the team's active shift types for nurses (the physicians' on-call duty is not the planner's)."""
    return [r for r in team_shift_types(session, team=team) if r.active and r.role == "nurse"]


def on_call_codes(session: Session, *, team: str) -> list[str]:
    """Return the codes of the team's physicians' on-call shift types (never replaced by a nurses' plan)."""
    return list(session.exec(select(RosterShiftType.code).where(RosterShiftType.team == team,
                                                                RosterShiftType.role == "physician")).all())


def team_nurses(session: Session, *, team: str) -> list[User]:
    """Return the active nurses of a team (VS and PA included: they are nurses by role)."""
    return list(session.exec(select(User).where(User.team == team, User.role == "nurse", User.active)
                             .order_by(User.name, User.id)).all())


def contract_hours(session: Session, user_ids) -> dict[int, float]:
    """Map each nurse with a contract to her hours per week (the others get DEFAULT_CONTRACT_HOURS)."""
    if not user_ids:
        return {}
    rows = session.exec(select(RosterContract).where(RosterContract.user_id.in_(list(user_ids)))).all()
    return {r.user_id: r.hours_per_week for r in rows}


def team_rules(session: Session, *, team: str) -> WorkingTimeRules:
    """Return the team's working-time rules (defaults where nothing is set)."""
    row = session.get(RosterTeamRules, team)
    return WorkingTimeRules.from_dict(row.rules if row else None)


def adopted_rows(session: Session, *, team: str, start: datetime, end: datetime,
                 user_id: int | None = None) -> list[RosterAssignment]:
    """Return the team's adopted assignments overlapping a window (one nurse's, if given)."""
    query = (select(RosterAssignment)
             .where(RosterAssignment.team == team, RosterAssignment.starts_at < end, RosterAssignment.ends_at > start)
             .order_by(RosterAssignment.starts_at, RosterAssignment.shift_code, RosterAssignment.user_id))
    if user_id is not None:
        query = query.where(RosterAssignment.user_id == user_id)
    return list(session.exec(query).all())


def margin_days(rules: WorkingTimeRules) -> int:
    """Days of adopted roster around a period the rules must see: a calendar week for the hours, and a whole
    night series (the team's `max_consecutive_nights`) for the series rule."""
    return max(WEEK_DAYS_AROUND, rules.max_consecutive_nights)


def _local_day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=AMSTERDAM)


def _shift_of_row(row: RosterAssignment, shift_by_key: dict[str, Shift]) -> Shift:
    """The shift an adopted row stands on: the expanded one, or (type since changed) the row's own times."""
    found = shift_by_key.get(f"{row.shift_code}@{row.day.isoformat()}")
    if found is not None and found.start == row.starts_at and found.end == row.ends_at:
        return found
    return Shift(code=row.shift_code, name=row.shift_code, day=row.day, start=row.starts_at, end=row.ends_at,
                 min_staff=0, max_staff=0, context=True)


def load_problem(session: Session, *, team: str, start_date: date,
                 end_date: date) -> tuple[RosterProblem, list[tuple[RosterAssignment, Assignment]]]:
    """Build the planner's problem for a team and period; return it with the adopted assignments around it."""
    rules = team_rules(session, team=team)
    margin = margin_days(rules)
    shift_types = [to_shift_type(r) for r in nurse_shift_types(session, team=team)]
    shifts = expand_shifts(shift_types, start_date, end_date, margin_days=margin)
    users = team_nurses(session, team=team)
    contracts = contract_hours(session, [u.id for u in users])
    nurses = [Nurse(u.id, u.name, frozenset(u.skills or []), contracts.get(u.id, DEFAULT_CONTRACT_HOURS))
              for u in users]
    lo = _local_day_start(start_date - timedelta(days=margin))
    hi = _local_day_start(end_date + timedelta(days=margin + 2))
    ids = [u.id for u in users]
    nurse_ids = set(ids)
    unavailable = [
        Unavailability(r.user_id, r.starts_at, r.ends_at, r.reason)
        for r in session.exec(select(RosterUnavailability).where(
            RosterUnavailability.user_id.in_(ids), RosterUnavailability.starts_at < hi,
            RosterUnavailability.ends_at > lo)).all()
    ] if ids else []
    wishes = [
        Wish(r.user_id, r.day, want=r.want, shift_code=r.shift_code, weight=r.weight, kind=r.kind, id=r.id)
        for r in session.exec(select(RosterWish).where(
            RosterWish.user_id.in_(ids), RosterWish.day >= start_date - timedelta(days=6),
            RosterWish.day <= end_date)).all()
    ] if ids else []
    problem = RosterProblem(shifts, nurses, unavailable, wishes, rules=rules)
    # The averages over 16 weeks (Arbeidstijdenwet art. 5:7, 5:8) reach a reference period before and after.
    reach = timedelta(weeks=rules.average_weeks)
    problem.history = [
        Assignment(row.user_id, _shift_of_row(row, {}), pinned=True)
        for row in adopted_rows(session, team=team, start=lo - reach, end=hi + reach)
        if (row.ends_at <= lo or row.starts_at >= hi) and row.user_id in nurse_ids
    ]
    adopted = []
    for row in adopted_rows(session, team=team, start=lo, end=hi):
        if row.user_id not in nurse_ids:
            continue  # a physician's on-call shift: a roster of its own
        shift = _shift_of_row(row, problem.shift_by_key)
        if shift.key not in problem.shift_by_key:
            problem.shifts.append(shift)
            problem.shift_by_key[shift.key] = shift
        adopted.append((row, Assignment(row.user_id, shift, pinned=row.pinned)))
    problem.shifts.sort(key=lambda s: (s.start, s.code))
    return problem, adopted
