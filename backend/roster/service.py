"""The roster's records: shift types and their needs, nurses' contracts, leave and wishes, the team's rules,
the adopted assignments and a nurse's calendar; and who may read or change them."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlmodel import Session, select

from backend import errors
from backend.db import reads_through
from backend.identity.models import User
from backend.roster import history
from backend.roster.access import check_team, get_row, nurse_filter, own_team, plannable_nurse, team_row
from backend.roster.ical import shifts_to_ical
from backend.roster.models import (
    RosterAssignment, RosterContract, RosterShiftType, RosterTeamRules, RosterUnavailability, RosterWish,
)
from backend.roster.planning import Shift, Wish, WorkingTimeRules, expand_shifts
from backend.roster.problem import (
    DEFAULT_CONTRACT_HOURS, adopted_rows, contract_hours, team_nurses, team_rules, team_shift_types, to_shift_type,
)
from backend.roster.rule_base import wish_met
from backend.timeutil import AMSTERDAM

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class TeamNurse:
    """A nurse as the planner sees her: her skills and contract hours per week."""

    id: int
    name: str
    skills: list[str]
    contract_hours: float


@dataclass(frozen=True)
class NamedAssignment:
    """An adopted assignment with the nurse's name, as the roster week lists it (reads through to the row)."""

    row: RosterAssignment
    nurse_name: str | None

    __getattr__ = reads_through("row")


# --- shift types, nurses and contracts ---------------------------------------------------------

def list_shift_types(session: Session, *, actor, team: str | None = None) -> list[RosterShiftType]:
    """Return the team's shift types, by start time."""
    return team_shift_types(session, team=own_team(actor, team, session))


def create_shift_type(session: Session, *, actor, data: dict) -> RosterShiftType:
    """Add a shift type with its needs to a team."""
    row = RosterShiftType(**{**data, "team": own_team(actor, data.get("team"), session)})
    session.add(row)
    session.commit()
    return row


def update_shift_type(session: Session, *, actor, shift_type_id: int, data: dict) -> RosterShiftType:
    """Change a shift type's times, days or needs (adopted assignments keep their times)."""
    row = team_row(session, RosterShiftType, shift_type_id, actor=actor,
                   missing=f"Diensttype {shift_type_id} bestaat niet.")
    for key, value in data.items():
        setattr(row, key, value)
    session.add(row)
    session.commit()
    return row


def list_nurses(session: Session, *, actor, team: str | None = None) -> list[TeamNurse]:
    """Return the team's nurses with their skills and contract hours."""
    users = team_nurses(session, team=own_team(actor, team, session))
    contracts = contract_hours(session, [u.id for u in users])
    return [TeamNurse(u.id, u.name, list(u.skills or []), contracts.get(u.id, DEFAULT_CONTRACT_HOURS))
            for u in users]


def set_contract(session: Session, *, actor, nurse_id: int, hours_per_week: float) -> RosterContract:
    """Set a nurse's contract hours per week."""
    plannable_nurse(session, actor=actor, nurse_id=nurse_id, self_allowed=False)
    row = session.get(RosterContract, nurse_id) or RosterContract(user_id=nurse_id)
    row.hours_per_week = hours_per_week
    session.add(row)
    session.commit()
    return row


# --- unavailability, wishes and the team's rules -----------------------------------------------

def add_unavailability(session: Session, *, actor, data: dict, now: datetime) -> RosterUnavailability:
    """Record that a nurse cannot work in a span (the nurse herself or her team lead)."""
    nurse_id = data.get("nurse_id") or actor.user_id
    plannable_nurse(session, actor=actor, nurse_id=nurse_id, self_allowed=True)
    if data["end"] <= data["start"]:
        raise errors.Unprocessable("Het einde ligt niet na het begin.", errors={"end": ["Moet na start liggen."]})
    row = RosterUnavailability(user_id=nurse_id, starts_at=data["start"], ends_at=data["end"],
                               reason=data.get("reason", ""), created_at=now)
    session.add(row)
    session.commit()
    return row


def _listed_nurses(*, actor, team_ids, nurse_id: int | None) -> list[int]:
    """The nurses a listing covers: the team's, or the one asked for (a nurse: herself)."""
    nurse_id = nurse_filter(actor, nurse_id)
    if actor.role == "nurse":
        return [nurse_id]
    return [i for i in team_ids if nurse_id in (None, i)]


def list_unavailability(session: Session, *, actor, team: str | None = None, start: datetime | None = None,
                        end: datetime | None = None, now: datetime,
                        nurse_id: int | None = None) -> list[RosterUnavailability]:
    """Return the unavailability of the team's nurses (or one of them; a nurse: her own) overlapping a window,
    from now, six weeks by default."""
    team = own_team(actor, team, session)
    start = start or now
    end = end or start + 6 * WEEK
    team_ids = [u.id for u in team_nurses(session, team=team)]
    ids = _listed_nurses(actor=actor, team_ids=team_ids, nurse_id=nurse_id)
    if not ids:
        return []
    return list(session.exec(select(RosterUnavailability).where(
        RosterUnavailability.user_id.in_(ids), RosterUnavailability.starts_at < end,
        RosterUnavailability.ends_at > start).order_by(RosterUnavailability.starts_at)).all())


def delete_unavailability(session: Session, *, actor, unavailability_id: int) -> None:
    """Remove an unavailability."""
    _delete_nurse_row(session, RosterUnavailability, unavailability_id, actor=actor,
                      missing=f"Afwezigheid {unavailability_id} bestaat niet.")


def _delete_nurse_row(session: Session, model, row_id: int, *, actor, missing: str) -> None:
    """Delete a nurse's own record (leave, a wish): as herself or as her team lead."""
    row = get_row(session, model, row_id)
    if row is None:
        raise errors.NotFound(missing)
    plannable_nurse(session, actor=actor, nurse_id=row.user_id, self_allowed=True)
    session.delete(row)
    session.commit()


def add_wish(session: Session, *, actor, data: dict, now: datetime) -> RosterWish:
    """Record a nurse's wish (the nurse herself or her team lead): a day off, no nights in a week, a shift."""
    nurse_id = data.get("nurse_id") or actor.user_id
    plannable_nurse(session, actor=actor, nurse_id=nurse_id, self_allowed=True)
    kind = data.get("kind") or ("preferred_shift" if data.get("want") else "day_off")
    day = data["day"]
    if kind == "no_nights":
        day -= timedelta(days=day.weekday())  # the week it is about, from its Monday
    row = RosterWish(user_id=nurse_id, kind=kind, day=day, shift_code=data.get("shift"),
                     want=kind == "preferred_shift", weight=data.get("weight", 1), created_at=now)
    session.add(row)
    session.commit()
    return row


@dataclass(frozen=True)
class WishStatus:
    """A wish with whether the adopted roster honours it (None while nothing is rostered on its days)."""

    row: RosterWish
    nurse_name: str | None
    met: bool | None

    __getattr__ = reads_through("row")


def to_wish(row: RosterWish) -> Wish:
    return Wish(row.user_id, row.day, want=row.want, shift_code=row.shift_code, weight=row.weight, kind=row.kind,
                id=row.id)


def list_wishes(session: Session, *, actor, team: str | None = None, start: datetime | None = None,
                end: datetime | None = None, now: datetime, nurse_id: int | None = None) -> list[WishStatus]:
    """Return the wishes in a window (from now, six weeks by default) with whether the roster meets them: the
    team's (or one nurse's) for a team lead, her own for a nurse."""
    team = own_team(actor, team, session)
    start = start or now
    end = end or start + 6 * WEEK
    nurses = {u.id: u.name for u in team_nurses(session, team=team)}
    ids = _listed_nurses(actor=actor, team_ids=nurses, nurse_id=nurse_id)
    if not ids:
        return []
    first = start.astimezone(AMSTERDAM).date() - timedelta(days=6)
    last = end.astimezone(AMSTERDAM).date()
    rows = session.exec(select(RosterWish).where(RosterWish.user_id.in_(ids), RosterWish.day >= first,
                                                 RosterWish.day <= last)
                        .order_by(RosterWish.day, RosterWish.user_id, RosterWish.id)).all()
    if not rows:
        return []
    lo = datetime.combine(first, time(0), tzinfo=AMSTERDAM)
    hi = datetime.combine(last + timedelta(days=8), time(0), tzinfo=AMSTERDAM)
    assigned = adopted_rows(session, team=team, start=lo, end=hi)
    out = []
    for row in rows:
        wish = to_wish(row)
        days = [wish.day + timedelta(days=d) for d in range(7 if wish.kind == "no_nights" else 1)]
        if not any(a.day in days for a in assigned):
            met = None  # nothing rostered there yet
        else:
            worked = [Shift(a.shift_code, a.shift_code, a.day, a.starts_at, a.ends_at, 0, 0)
                      for a in assigned if a.user_id == row.user_id and a.day in days]
            met = wish_met(wish, worked)
        out.append(WishStatus(row, nurses.get(row.user_id), met))
    return [w for w in out if w.row.day <= last and (w.row.day >= start.astimezone(AMSTERDAM).date()
                                                      or w.row.kind == "no_nights")]


def delete_wish(session: Session, *, actor, wish_id: int) -> None:
    """Withdraw a wish."""
    _delete_nurse_row(session, RosterWish, wish_id, actor=actor, missing=f"Wens {wish_id} bestaat niet.")


def get_rules(session: Session, *, actor, team: str) -> WorkingTimeRules:
    """Return the team's working-time rules."""
    check_team(actor, team, session)
    return team_rules(session, team=team)


def set_rules(session: Session, *, actor, team: str, data: dict) -> WorkingTimeRules:
    """Override some of the team's working-time rules."""
    check_team(actor, team, session)
    row = session.get(RosterTeamRules, team) or RosterTeamRules(team=team, rules={})
    row.rules = {**row.rules, **data}
    session.add(row)
    session.commit()
    return WorkingTimeRules.from_dict(row.rules)


# --- the adopted roster ------------------------------------------------------------------------

def list_assignments(session: Session, *, actor, team: str | None = None, start: datetime | None = None,
                     end: datetime | None = None, now: datetime, nurse_id: int | None = None) -> list[NamedAssignment]:
    """Return adopted assignments in a window (from now, a week by default): the team's (or one nurse's) for a
    team lead or coordinator, her own for a nurse."""
    team = own_team(actor, team, session)
    nurse_id = nurse_filter(actor, nurse_id)
    start = start or now
    rows = adopted_rows(session, team=team, start=start, end=end or start + WEEK, user_id=nurse_id)
    names = {u.id: u.name for u in team_nurses(session, team=team)}
    return [NamedAssignment(r, names.get(r.user_id)) for r in rows]


def _editable(session: Session, *, actor, assignment_id: int) -> RosterAssignment:
    return team_row(session, RosterAssignment, assignment_id, actor=actor,
                    missing=f"Dienst {assignment_id} staat niet in het rooster.")


def add_assignment(session: Session, *, actor, data: dict, now: datetime) -> RosterAssignment:
    """Put a nurse on a shift by hand (the checker reports any rule this breaks)."""
    team = own_team(actor, data.get("team"), session)
    shift_type = session.exec(select(RosterShiftType).where(
        RosterShiftType.team == team, RosterShiftType.code == data["shift"])).first()
    if shift_type is None:
        raise errors.Unprocessable(f"Diensttype '{data['shift']}' bestaat niet voor team {team}.",
                                   errors={"shift": ["Onbekend diensttype."]})
    nurse = get_row(session, User, data["nurse_id"])
    # A physicians' on-call shift takes a physician of the team, every other shift a nurse.
    if nurse is None or nurse.role != shift_type.role or nurse.team != team:
        who = "arts" if shift_type.role == "physician" else "verpleegkundige"
        raise errors.Unprocessable(f"Deze {who} hoort niet bij het team.",
                                   errors={"nurse_id": [f"Geen {who} van dit team."]})
    planner_type = to_shift_type(shift_type)
    if not planner_type.occurs_on(data["day"]):
        raise errors.Unprocessable(f"{shift_type.name} valt niet op {data['day']:%A %d-%m-%Y}.",
                                   errors={"day": ["Dit diensttype komt op deze dag niet voor."]})
    shift = expand_shifts([planner_type], data["day"], data["day"])[0]
    row = RosterAssignment(team=team, user_id=nurse.id, shift_code=shift.code, day=shift.day,
                           starts_at=shift.start, ends_at=shift.end, pinned=data.get("pinned", False),
                           created_at=now)
    session.add(row)
    session.flush()
    history.shift_changed(session, row=row, change="added", actor=actor, now=now)
    session.commit()
    return row


def update_assignment(session: Session, *, actor, assignment_id: int, data: dict) -> RosterAssignment:
    """Pin or unpin an adopted assignment."""
    row = _editable(session, actor=actor, assignment_id=assignment_id)
    if "pinned" in data:
        row.pinned = data["pinned"]
    session.add(row)
    session.commit()
    return row


def delete_assignment(session: Session, *, actor, assignment_id: int, now: datetime) -> None:
    """Take a nurse off a shift."""
    row = _editable(session, actor=actor, assignment_id=assignment_id)
    history.shift_changed(session, row=row, change="removed", actor=actor, now=now)
    session.delete(row)
    session.commit()


def nurse_calendar(session: Session, *, actor, nurse_id: int, now: datetime) -> bytes:
    """Return the nurse's adopted shifts (30 days back, 120 ahead) as iCalendar."""
    nurse = get_row(session, User, nurse_id)
    if nurse is None or nurse.role != "nurse":
        raise errors.NotFound(f"Verpleegkundige {nurse_id} bestaat niet.")
    if actor.role == "nurse":
        if actor.user_id != nurse_id:
            raise errors.Forbidden("Je kunt alleen je eigen diensten exporteren.")
    elif actor.role != "team_lead" or actor.team != nurse.team:
        raise errors.Forbidden("Alleen de teamleider van haar team of de verpleegkundige zelf.")
    rows = session.exec(select(RosterAssignment).where(
        RosterAssignment.user_id == nurse_id, RosterAssignment.ends_at > now - timedelta(days=30),
        RosterAssignment.starts_at < now + timedelta(days=120)).order_by(RosterAssignment.starts_at)).all()
    names = {(t.team, t.code): t.name for t in session.exec(select(RosterShiftType)).all()}
    return shifts_to_ical(
        nurse_id=nurse_id, nurse_name=nurse.name, team=nurse.team or "", now=now,
        shifts=[(r.shift_code, names.get((r.team, r.shift_code), r.shift_code), r.starts_at, r.ends_at,
                 history.is_published(session, team=r.team, day=r.day)) for r in rows],
    )
