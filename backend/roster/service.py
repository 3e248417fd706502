"""Roster rules of the product: plan, adopt, edit, check, export, and who is on duty now."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from backend import errors
from backend.identity.models import TEAMS, User
from backend.roster.ical import shifts_to_ical
from backend.roster.models import (
    RosterAssignment,
    RosterContract,
    RosterGapAlert,
    RosterProposal,
    RosterShiftType,
    RosterTeamRules,
    RosterUnavailability,
    RosterWish,
)
from backend.roster.planning import (
    Assignment,
    Nurse,
    RosterProblem,
    Shift,
    ShiftType,
    SkillNeed,
    Unavailability,
    Wish,
    expand_shifts,
)
from backend.roster.rules import COVERAGE, WorkingTimeRules, check_plan
from backend.roster.solver import PlanningError, solve
from backend.timeutil import AMSTERDAM

PLANNER_ROLES = ("team_lead",)
READER_ROLES = ("team_lead", "coordinator", "nurse")
MAX_PERIOD_DAYS = 42
MARGIN_DAYS = 6  # context around a period: 5 nights back for the series rule, a week for hours
DEFAULT_CONTRACT_HOURS = 24.0


# --- shapes between rows and the planner -------------------------------------------------------

def to_shift_type(row: RosterShiftType) -> ShiftType:
    """Turn a shift-type row into the planner's ShiftType."""
    return ShiftType(
        code=row.code, name=row.name, start=time.fromisoformat(row.start_time), end=time.fromisoformat(row.end_time),
        weekdays=frozenset(row.weekdays), min_staff=row.min_staff, max_staff=row.max_staff,
        skill_needs=tuple(SkillNeed.from_dict(n) for n in row.skill_needs),
    )


def assignment_dict(row: RosterAssignment, names: dict[int, str] | None = None) -> dict:
    """Shape an adopted assignment for the API."""
    out = {"id": row.id, "team": row.team, "nurse_id": row.user_id, "shift": row.shift_code, "day": row.day,
           "start": row.starts_at, "end": row.ends_at, "pinned": row.pinned, "proposal_id": row.proposal_id}
    if names is not None:
        out["nurse_name"] = names.get(row.user_id)
    return out


def _shift_of_row(row: RosterAssignment, shift_by_key: dict[str, Shift]) -> Shift:
    """The shift an adopted row stands on: the expanded one, or (type since changed) the row's own times."""
    key = f"{row.shift_code}@{row.day.isoformat()}"
    found = shift_by_key.get(key)
    if found is not None and found.start == row.starts_at and found.end == row.ends_at:
        return found
    return Shift(code=row.shift_code, name=row.shift_code, day=row.day, start=row.starts_at, end=row.ends_at,
                 min_staff=0, max_staff=0, context=True)


MAX_ID = 2**31 - 1


def _get(session: Session, model, row_id: int):
    """Return a row by id; an id no column can hold is simply not there."""
    return session.get(model, row_id) if 0 < row_id <= MAX_ID else None


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=AMSTERDAM)


# --- reading the team --------------------------------------------------------------------------

def _check_team(actor, team: str) -> None:
    if team not in TEAMS:
        raise errors.Unprocessable(f"Onbekend team '{team}'.", errors={"team": ["Kies acute of fact."]})
    if actor is not None and actor.role != "admin" and actor.team != team:
        raise errors.Forbidden("U kunt alleen het rooster van uw eigen team inzien of plannen.")


def team_rules(session: Session, *, team: str) -> WorkingTimeRules:
    """Return the team's working-time rules (defaults where nothing is set)."""
    row = session.get(RosterTeamRules, team)
    return WorkingTimeRules.from_dict(row.rules if row else None)


def list_shift_types(session: Session, *, team: str, actor=None) -> list[RosterShiftType]:
    """Return the team's shift types, by start time."""
    if actor is not None:
        _check_team(actor, team)
    rows = session.exec(select(RosterShiftType).where(RosterShiftType.team == team)
                        .order_by(RosterShiftType.start_time, RosterShiftType.code)).all()
    return list(rows)


def team_nurses(session: Session, *, team: str) -> list[User]:
    """Return the active nurses of a team (VS and PA included: they are nurses by role)."""
    return list(session.exec(select(User).where(User.team == team, User.role == "nurse", User.active)
                             .order_by(User.name, User.id)).all())


def list_nurses(session: Session, *, actor, team: str) -> list[dict]:
    """Return the team's nurses with their skills and contract hours."""
    _check_team(actor, team)
    users = team_nurses(session, team=team)
    contracts = _contracts(session, [u.id for u in users])
    return [{"id": u.id, "name": u.name, "skills": list(u.skills or []),
             "contract_hours": contracts.get(u.id, DEFAULT_CONTRACT_HOURS)} for u in users]


def _contracts(session: Session, user_ids) -> dict[int, float]:
    if not user_ids:
        return {}
    rows = session.exec(select(RosterContract).where(RosterContract.user_id.in_(list(user_ids)))).all()
    return {r.user_id: r.hours_per_week for r in rows}


def _adopted_rows(session: Session, *, team: str, start: datetime, end: datetime, user_id: int | None = None):
    query = (select(RosterAssignment)
             .where(RosterAssignment.team == team, RosterAssignment.starts_at < end, RosterAssignment.ends_at > start)
             .order_by(RosterAssignment.starts_at, RosterAssignment.shift_code, RosterAssignment.user_id))
    if user_id is not None:
        query = query.where(RosterAssignment.user_id == user_id)
    return list(session.exec(query).all())


def load_problem(session: Session, *, team: str, start_date: date, end_date: date):
    """Build the planner's problem for a team and period; return it with the adopted assignments around it."""
    shift_types = [to_shift_type(r) for r in list_shift_types(session, team=team) if r.active]
    shifts = expand_shifts(shift_types, start_date, end_date, margin_days=MARGIN_DAYS)
    users = team_nurses(session, team=team)
    contracts = _contracts(session, [u.id for u in users])
    nurses = [Nurse(u.id, u.name, frozenset(u.skills or []), contracts.get(u.id, DEFAULT_CONTRACT_HOURS))
              for u in users]
    lo = local_day_start(start_date - timedelta(days=MARGIN_DAYS))
    hi = local_day_start(end_date + timedelta(days=MARGIN_DAYS + 2))
    ids = [u.id for u in users]
    unavailable = [
        Unavailability(r.user_id, r.starts_at, r.ends_at, r.reason)
        for r in session.exec(select(RosterUnavailability).where(
            RosterUnavailability.user_id.in_(ids), RosterUnavailability.starts_at < hi,
            RosterUnavailability.ends_at > lo)).all()
    ] if ids else []
    wishes = [
        Wish(r.user_id, r.day, want=r.want, shift_code=r.shift_code, weight=r.weight)
        for r in session.exec(select(RosterWish).where(
            RosterWish.user_id.in_(ids), RosterWish.day >= start_date, RosterWish.day <= end_date)).all()
    ] if ids else []
    problem = RosterProblem(shifts, nurses, unavailable, wishes, rules=team_rules(session, team=team))
    rows = _adopted_rows(session, team=team, start=lo, end=hi)
    adopted = []
    for row in rows:
        shift = _shift_of_row(row, problem.shift_by_key)
        if shift.key not in problem.shift_by_key:
            problem.shifts.append(shift)
            problem.shift_by_key[shift.key] = shift
        adopted.append((row, Assignment(row.user_id, shift, pinned=row.pinned)))
    problem.shifts.sort(key=lambda s: (s.start, s.code))
    return problem, adopted


# --- planning ----------------------------------------------------------------------------------

def _period(start_date: date, end_date: date) -> None:
    if end_date < start_date:
        raise errors.Unprocessable("De einddatum ligt voor de begindatum.",
                                   errors={"end_date": ["Moet op of na start_date liggen."]})
    if (end_date - start_date).days + 1 > MAX_PERIOD_DAYS:
        raise errors.Unprocessable(f"Plan hoogstens {MAX_PERIOD_DAYS} dagen tegelijk.",
                                   errors={"end_date": [f"Periode langer dan {MAX_PERIOD_DAYS} dagen."]})


def _plain_gap(gap: dict) -> dict:
    shift = gap["shift_obj"]
    parts = [f"{m['count']} × {m['label']}" for m in gap["missing"]]
    return {"shift": gap["shift"], "day": shift.day.isoformat(), "start": gap["start"].isoformat(),
            "end": gap["end"].isoformat(), "missing": gap["missing"],
            "message": f"{shift.label()}: tekort aan {', '.join(parts)}. "
                       + " ".join(dict.fromkeys(m["reason"] for m in gap["missing"]))}


def proposal_dict(proposal: RosterProposal, violations=None) -> dict:
    """Shape a proposal for the API (times as aware datetimes)."""
    return {
        "id": proposal.id, "team": proposal.team, "start_date": proposal.start_date, "end_date": proposal.end_date,
        "status": proposal.status, "solver_status": proposal.solver_status, "objective": proposal.objective,
        "solve_seconds": proposal.solve_seconds, "created_at": proposal.created_at,
        "adopted_at": proposal.adopted_at,
        "assignments": [
            {**a, "day": date.fromisoformat(a["day"]), "start": datetime.fromisoformat(a["start"]),
             "end": datetime.fromisoformat(a["end"])}
            for a in proposal.assignments
        ],
        "unfilled": [
            {**g, "start": datetime.fromisoformat(g["start"]), "end": datetime.fromisoformat(g["end"])}
            for g in proposal.unfilled
        ],
        "violations": [v.to_dict() for v in violations or []],
    }


def generate_roster(session: Session, *, actor, team: str, start_date: date, end_date: date, now: datetime,
                    time_limit: float = 20.0) -> dict:
    """Propose a roster for the period around the pinned adopted assignments; store it as a proposal."""
    _check_team(actor, team)
    _period(start_date, end_date)
    problem, adopted = load_problem(session, team=team, start_date=start_date, end_date=end_date)
    if not any(not s.context for s in problem.shifts):
        raise errors.Unprocessable(f"Team {team} heeft geen diensten in deze periode; leg eerst diensttypen vast.")
    if not problem.nurses:
        raise errors.Unprocessable(f"Team {team} heeft geen verpleegkundigen om in te roosteren.")
    # Keep the pinned assignments in the period, and everything already rostered around it.
    problem.pins = [a for row, a in adopted if a.pinned or not start_date <= row.day <= end_date]
    # End the read transaction before solving: on SQLite it holds the write lock (BEGIN IMMEDIATE),
    # and nobody should wait on the solver to accept a call.
    session.commit()
    try:
        result = solve(problem, time_limit=time_limit)
    except PlanningError as exc:
        raise errors.Unprocessable(exc.reason, extra={
            "solver_status": exc.status, "violations": [_json_violation(v) for v in exc.violations]})
    planned = [a for a in result.assignments if not a.shift.context]
    proposal = RosterProposal(
        team=team, start_date=start_date, end_date=end_date, solver_status=result.status,
        objective=result.objective, solve_seconds=round(result.seconds, 3),
        assignments=[{"nurse_id": a.nurse_id, "shift": a.shift.code, "day": a.shift.day.isoformat(),
                      "start": a.shift.start.isoformat(), "end": a.shift.end.isoformat(), "pinned": a.pinned}
                     for a in planned],
        unfilled=[_plain_gap(g) for g in result.unfilled],
        created_by_id=actor.user_id if actor else None, created_at=now,
    )
    session.add(proposal)
    session.commit()
    return proposal_dict(proposal, result.violations)


def _json_violation(v) -> dict:
    data = v.to_dict()
    data["start"], data["end"] = v.start.isoformat(), v.end.isoformat()
    return data


def get_proposal(session: Session, *, actor, proposal_id: int) -> dict:
    """Return a stored proposal of the actor's team."""
    proposal = _get(session, RosterProposal, proposal_id)
    if proposal is None:
        raise errors.NotFound(f"Roostervoorstel {proposal_id} bestaat niet.")
    _check_team(actor, proposal.team)
    return proposal_dict(proposal)


def adopt_proposal(session: Session, *, actor, proposal_id: int, now: datetime) -> list[dict]:
    """Adopt a proposal: it replaces the adopted roster of its team in its period, in one transaction."""
    proposal = _get(session, RosterProposal, proposal_id)
    if proposal is None:
        raise errors.NotFound(f"Roostervoorstel {proposal_id} bestaat niet.")
    _check_team(actor, proposal.team)
    claimed = session.execute(
        sa.update(RosterProposal).where(RosterProposal.id == proposal_id, RosterProposal.status == "proposal")
        .values(status="adopted", adopted_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.rollback()
        raise errors.Conflict(f"Roostervoorstel {proposal_id} is al {proposal.status}.")
    session.execute(sa.delete(RosterAssignment).where(
        RosterAssignment.team == proposal.team, RosterAssignment.day >= proposal.start_date,
        RosterAssignment.day <= proposal.end_date))
    # Any other open proposal for an overlapping period is now out of date.
    session.execute(
        sa.update(RosterProposal).where(
            RosterProposal.team == proposal.team, RosterProposal.status == "proposal",
            RosterProposal.start_date <= proposal.end_date, RosterProposal.end_date >= proposal.start_date)
        .values(status="discarded").execution_options(synchronize_session=False))
    rows = [RosterAssignment(team=proposal.team, user_id=a["nurse_id"], shift_code=a["shift"],
                             day=date.fromisoformat(a["day"]), starts_at=datetime.fromisoformat(a["start"]),
                             ends_at=datetime.fromisoformat(a["end"]), pinned=a["pinned"], proposal_id=proposal.id,
                             created_at=now)
            for a in proposal.assignments]
    session.add_all(rows)
    session.commit()
    return [assignment_dict(r) for r in rows]


# --- the adopted roster --------------------------------------------------------------------------

def list_assignments(session: Session, *, actor, team: str | None, start: datetime, end: datetime,
                     nurse_id: int | None = None) -> list[dict]:
    """Return adopted assignments in a window: the team's for a team lead or coordinator, her own for a nurse."""
    team = team or actor.team
    _check_team(actor, team)
    if actor.role == "nurse":
        if nurse_id not in (None, actor.user_id):
            raise errors.Forbidden("Een verpleegkundige ziet alleen haar eigen diensten.")
        nurse_id = actor.user_id
    rows = _adopted_rows(session, team=team, start=start, end=end, user_id=nurse_id)
    names = {u.id: u.name for u in team_nurses(session, team=team)}
    return [assignment_dict(r, names) for r in rows]


def _editable(session: Session, *, actor, assignment_id: int) -> RosterAssignment:
    row = _get(session, RosterAssignment, assignment_id)
    if row is None:
        raise errors.NotFound(f"Dienst {assignment_id} staat niet in het rooster.")
    _check_team(actor, row.team)
    return row


def add_assignment(session: Session, *, actor, data: dict, now: datetime) -> dict:
    """Put a nurse on a shift by hand (the checker reports any rule this breaks)."""
    team = data.get("team") or actor.team
    _check_team(actor, team)
    nurse = _get(session, User, data["nurse_id"])
    if nurse is None or nurse.role != "nurse" or nurse.team != team:
        raise errors.Unprocessable("Deze verpleegkundige hoort niet bij het team.",
                                   errors={"nurse_id": ["Geen verpleegkundige van dit team."]})
    shift_type = session.exec(select(RosterShiftType).where(
        RosterShiftType.team == team, RosterShiftType.code == data["shift"])).first()
    if shift_type is None:
        raise errors.Unprocessable(f"Diensttype '{data['shift']}' bestaat niet voor team {team}.",
                                   errors={"shift": ["Onbekend diensttype."]})
    planner_type = to_shift_type(shift_type)
    if not planner_type.occurs_on(data["day"]):
        raise errors.Unprocessable(f"{shift_type.name} valt niet op {data['day']:%A %d-%m-%Y}.",
                                   errors={"day": ["Dit diensttype komt op deze dag niet voor."]})
    shift = expand_shifts([planner_type], data["day"], data["day"])[0]
    row = RosterAssignment(team=team, user_id=nurse.id, shift_code=shift.code, day=shift.day,
                           starts_at=shift.start, ends_at=shift.end, pinned=data.get("pinned", False),
                           created_at=now)
    session.add(row)
    session.commit()
    return assignment_dict(row)


def update_assignment(session: Session, *, actor, assignment_id: int, data: dict) -> dict:
    """Pin or unpin an adopted assignment."""
    row = _editable(session, actor=actor, assignment_id=assignment_id)
    if "pinned" in data:
        row.pinned = data["pinned"]
    session.add(row)
    session.commit()
    return assignment_dict(row)


def delete_assignment(session: Session, *, actor, assignment_id: int) -> None:
    """Take a nurse off a shift."""
    row = _editable(session, actor=actor, assignment_id=assignment_id)
    session.delete(row)
    session.commit()


def check_roster(session: Session, *, actor, team: str, start: datetime, end: datetime) -> list[dict]:
    """List every broken rule and every gap of the adopted roster in a window, in Dutch."""
    if actor is not None:
        _check_team(actor, team)
    if end <= start:
        raise errors.Unprocessable("'to' moet na 'from' liggen.", errors={"to": ["Moet na from liggen."]})
    if end - start > timedelta(days=62):
        raise errors.Unprocessable("Controleer hoogstens 62 dagen tegelijk.", errors={"to": ["Venster te lang."]})
    first = start.astimezone(AMSTERDAM).date() - timedelta(days=1)  # a night starting the evening before
    last = end.astimezone(AMSTERDAM).date()
    problem, adopted = load_problem(session, team=team, start_date=first, end_date=last)
    found = check_plan(problem, [a for _row, a in adopted], start=start, end=end)
    # Gaps only for shifts inside the window; a rule broken across its edge still shows.
    found = [v for v in found if v.hard or (v.start >= start and v.start < end)]
    return [v.to_dict() for v in found]


def nurse_calendar(session: Session, *, actor, nurse_id: int, now: datetime) -> bytes:
    """Return the nurse's adopted shifts (30 days back, 120 ahead) as iCalendar."""
    nurse = _get(session, User, nurse_id)
    if nurse is None or nurse.role != "nurse":
        raise errors.NotFound(f"Verpleegkundige {nurse_id} bestaat niet.")
    if actor.role == "nurse":
        if actor.user_id != nurse_id:
            raise errors.Forbidden("U kunt alleen uw eigen diensten exporteren.")
    elif actor.role != "team_lead" or actor.team != nurse.team:
        raise errors.Forbidden("Alleen de teamleider van haar team of de verpleegkundige zelf.")
    rows = session.exec(select(RosterAssignment).where(
        RosterAssignment.user_id == nurse_id, RosterAssignment.ends_at > now - timedelta(days=30),
        RosterAssignment.starts_at < now + timedelta(days=120)).order_by(RosterAssignment.starts_at)).all()
    names = {(t.team, t.code): t.name for t in session.exec(select(RosterShiftType)).all()}
    return shifts_to_ical(
        nurse_id=nurse_id, nurse_name=nurse.name, team=nurse.team or "", now=now,
        shifts=[(r.shift_code, names.get((r.team, r.shift_code), r.shift_code), r.starts_at, r.ends_at)
                for r in rows],
    )


# --- shift types, contracts, unavailability, wishes, rules ---------------------------------------

def create_shift_type(session: Session, *, actor, data: dict) -> RosterShiftType:
    """Add a shift type with its needs to a team."""
    team = data.get("team") or actor.team
    _check_team(actor, team)
    row = RosterShiftType(**{**data, "team": team})
    session.add(row)
    session.commit()
    return row


def update_shift_type(session: Session, *, actor, shift_type_id: int, data: dict) -> RosterShiftType:
    """Change a shift type's times, days or needs (adopted assignments keep their times)."""
    row = _get(session, RosterShiftType, shift_type_id)
    if row is None:
        raise errors.NotFound(f"Diensttype {shift_type_id} bestaat niet.")
    _check_team(actor, row.team)
    for key, value in data.items():
        setattr(row, key, value)
    session.add(row)
    session.commit()
    return row


def _team_nurse(session: Session, *, actor, nurse_id: int, self_allowed: bool) -> User:
    nurse = _get(session, User, nurse_id)
    if nurse is None or nurse.role != "nurse":
        raise errors.NotFound(f"Verpleegkundige {nurse_id} bestaat niet.")
    if self_allowed and actor.role == "nurse" and actor.user_id == nurse_id:
        return nurse
    if actor.role != "team_lead" or actor.team != nurse.team:
        raise errors.Forbidden("Alleen de teamleider van haar team" + (" of zijzelf." if self_allowed else "."))
    return nurse


def set_contract(session: Session, *, actor, nurse_id: int, hours_per_week: float) -> dict:
    """Set a nurse's contract hours per week."""
    _team_nurse(session, actor=actor, nurse_id=nurse_id, self_allowed=False)
    row = session.get(RosterContract, nurse_id) or RosterContract(user_id=nurse_id)
    row.hours_per_week = hours_per_week
    session.add(row)
    session.commit()
    return {"nurse_id": nurse_id, "hours_per_week": row.hours_per_week}


def add_unavailability(session: Session, *, actor, data: dict, now: datetime) -> RosterUnavailability:
    """Record that a nurse cannot work in a span (the nurse herself or her team lead)."""
    nurse_id = data.get("nurse_id") or actor.user_id
    _team_nurse(session, actor=actor, nurse_id=nurse_id, self_allowed=True)
    if data["end"] <= data["start"]:
        raise errors.Unprocessable("Het einde ligt niet na het begin.", errors={"end": ["Moet na start liggen."]})
    row = RosterUnavailability(user_id=nurse_id, starts_at=data["start"], ends_at=data["end"],
                               reason=data.get("reason", ""), created_at=now)
    session.add(row)
    session.commit()
    return row


def list_unavailability(session: Session, *, actor, team: str, start: datetime, end: datetime):
    """Return the unavailability of the team's nurses overlapping a window (a nurse: her own)."""
    _check_team(actor, team)
    ids = [u.id for u in team_nurses(session, team=team)]
    if actor.role == "nurse":
        ids = [actor.user_id]
    if not ids:
        return []
    return list(session.exec(select(RosterUnavailability).where(
        RosterUnavailability.user_id.in_(ids), RosterUnavailability.starts_at < end,
        RosterUnavailability.ends_at > start).order_by(RosterUnavailability.starts_at)).all())


def delete_unavailability(session: Session, *, actor, unavailability_id: int) -> None:
    """Remove an unavailability."""
    row = _get(session, RosterUnavailability, unavailability_id)
    if row is None:
        raise errors.NotFound(f"Afwezigheid {unavailability_id} bestaat niet.")
    _team_nurse(session, actor=actor, nurse_id=row.user_id, self_allowed=True)
    session.delete(row)
    session.commit()


def add_wish(session: Session, *, actor, data: dict, now: datetime) -> RosterWish:
    """Record a nurse's wish for a day (the nurse herself or her team lead)."""
    nurse_id = data.get("nurse_id") or actor.user_id
    _team_nurse(session, actor=actor, nurse_id=nurse_id, self_allowed=True)
    row = RosterWish(user_id=nurse_id, day=data["day"], shift_code=data.get("shift"), want=data.get("want", False),
                     weight=data.get("weight", 1), created_at=now)
    session.add(row)
    session.commit()
    return row


def get_rules(session: Session, *, actor, team: str) -> dict:
    """Return the team's working-time rules."""
    _check_team(actor, team)
    return team_rules(session, team=team).to_dict()


def set_rules(session: Session, *, actor, team: str, data: dict) -> dict:
    """Override some of the team's working-time rules."""
    _check_team(actor, team)
    row = session.get(RosterTeamRules, team) or RosterTeamRules(team=team, rules={})
    merged = {**row.rules, **data}
    if "night_end_after" in merged and not isinstance(merged["night_end_after"], str):
        merged["night_end_after"] = merged["night_end_after"].strftime("%H:%M")
    WorkingTimeRules.from_dict(merged)  # refuse what the rules cannot take
    row.rules = merged
    session.add(row)
    session.commit()
    return team_rules(session, team=team).to_dict()


# --- on duty, for dispatch -----------------------------------------------------------------------

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


def on_duty_nurse_ids(session: Session, *, team: str | None, at: datetime) -> set[int]:
    """Return the nurses with an adopted assignment whose shift runs at `at`."""
    return set(running_shift_starts(session, team=team, at=at))


def counts_as_available(nurse: User, shift_start: datetime | None) -> bool:
    """Dispatch's rule for one nurse: her status says available, or she is on a running shift
    (starting `shift_start`), not busy, and has not set her status since it started."""
    if nurse.availability == "available":
        return True
    if shift_start is None or nurse.availability == "busy":
        return False
    return nurse.availability_set_at is None or nurse.availability_set_at < shift_start


def available_clause(*, team: str | None, at: datetime):
    """The same rule as a SQL condition on `users`, for dispatch's candidate query (one round trip)."""
    on_shift = (
        select(RosterAssignment.id)
        .where(RosterAssignment.user_id == User.id, RosterAssignment.starts_at <= at, RosterAssignment.ends_at > at,
               sa.or_(User.availability_set_at.is_(None), User.availability_set_at < RosterAssignment.starts_at))
    )
    if team is not None:
        on_shift = on_shift.where(RosterAssignment.team == team)
    return sa.or_(User.availability == "available",
                  sa.and_(User.availability != "busy", on_shift.exists()))


def available_nurse_ids(session: Session, *, team: str, at: datetime) -> set[int]:
    """Return the team's nurses dispatch may recommend at `at` (status or running shift, see above)."""
    return set(session.exec(select(User.id).where(
        User.team == team, User.role == "nurse", User.active, available_clause(team=team, at=at))).all())


def sync_shift_availability(session: Session, *, now: datetime, lookback: timedelta = timedelta(days=1)) -> dict:
    """Make the status follow the roster: 'available' when her shift starts, 'off_duty' when it ends.

    Only where she has not set her status herself since: at the start, if she went off duty after the
    shift began she stays off; at the end, if she said 'available' after the shift ended she stays on.
    Busy is never touched (she holds a call). Conditional updates: running it twice changes nothing.
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


# --- coverage alerts -----------------------------------------------------------------------------

def record_gap_alerts(session: Session, *, now: datetime, hours: int = 24) -> list[RosterGapAlert]:
    """Record each coverage gap of the coming hours once (a unique key claims it); return the new ones."""
    new = []
    horizon = now + timedelta(hours=hours)
    teams = session.exec(select(RosterShiftType.team).where(RosterShiftType.active).distinct()).all()
    for team in sorted(set(teams)):
        first = now.astimezone(AMSTERDAM).date() - timedelta(days=1)
        last = horizon.astimezone(AMSTERDAM).date()
        problem, adopted = load_problem(session, team=team, start_date=first, end_date=last)
        window = [s for s in problem.shifts if not s.context and s.start < horizon and s.end > now]
        for gap in COVERAGE.gaps(problem, [a for _row, a in adopted], window):
            plain = _plain_gap(gap)
            values = {"team": team, "shift_code": gap["shift"], "starts_at": gap["start"], "ends_at": gap["end"],
                      "missing": gap["missing"], "message": plain["message"][:1000], "created_at": now}
            insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
            result = session.execute(insert(RosterGapAlert).values(**values).on_conflict_do_nothing(
                index_elements=["team", "shift_code", "starts_at"]))
            if result.rowcount == 1:
                new.append(values)
    session.commit()
    if not new:
        return []
    keys = [(v["team"], v["shift_code"], v["starts_at"]) for v in new]
    rows = session.exec(select(RosterGapAlert).where(RosterGapAlert.created_at == now)).all()
    return [r for r in rows if (r.team, r.shift_code, r.starts_at) in keys]


def list_gap_alerts(session: Session, *, actor, team: str, now: datetime) -> list[RosterGapAlert]:
    """Return the team's gap alerts for shifts that have not ended yet, soonest first."""
    _check_team(actor, team)
    return list(session.exec(select(RosterGapAlert).where(
        RosterGapAlert.team == team, RosterGapAlert.ends_at > now).order_by(RosterGapAlert.starts_at)).all())


def mark_notified(session: Session, *, alert_ids, now: datetime) -> None:
    """Remember that the team lead was pushed about these alerts."""
    if alert_ids:
        session.execute(sa.update(RosterGapAlert).where(RosterGapAlert.id.in_(list(alert_ids)),
                                                        RosterGapAlert.notified_at.is_(None))
                        .values(notified_at=now).execution_options(synchronize_session=False))
        session.commit()

