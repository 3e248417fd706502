"""Planning a period: a proposal from the solver, adopting it as the team's roster, and checking that roster."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from backend import errors
from backend.db import reads_through
from backend.roster import history
from backend.roster.gaps import unfilled_entry
from backend.roster.models import RosterAssignment, RosterProposal
from backend.roster.problem import load_problem, on_call_codes
from backend.roster.rules import Violation, check_plan
from backend.roster.access import check_team, team_row
from backend.roster.solver import PlanningError, solve
from backend.timeutil import AMSTERDAM

MAX_PERIOD_DAYS = 42
MAX_CHECK_DAYS = 62


@dataclass(frozen=True)
class Proposal:
    """A stored proposal with the hard rules the checker finds broken in it (none, unless the solver erred);
    reads through to the row."""

    row: RosterProposal
    violations: list[Violation] = field(default_factory=list)

    __getattr__ = reads_through("row")


def _check_period(start_date: date, end_date: date) -> None:
    if end_date < start_date:
        raise errors.Unprocessable("De einddatum ligt voor de begindatum.",
                                   errors={"end_date": ["Moet op of na start_date liggen."]})
    if (end_date - start_date).days + 1 > MAX_PERIOD_DAYS:
        raise errors.Unprocessable(f"Plan hoogstens {MAX_PERIOD_DAYS} dagen tegelijk.",
                                   errors={"end_date": [f"Periode langer dan {MAX_PERIOD_DAYS} dagen."]})


def generate_roster(session: Session, *, actor, team: str, start_date: date, end_date: date, now: datetime,
                    time_limit: float) -> Proposal:
    """Propose a roster for the period around the pinned adopted assignments; store it as a proposal."""
    check_team(actor, team, session)
    _check_period(start_date, end_date)
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
            "solver_status": exc.status, "violations": [v.to_dict() for v in exc.violations]}) from exc
    planned = [a for a in result.assignments if not a.shift.context]
    proposal = RosterProposal(
        team=team, start_date=start_date, end_date=end_date, solver_status=result.status,
        objective=result.objective, solve_seconds=round(result.seconds, 3),
        assignments=[{"nurse_id": a.nurse_id, "shift": a.shift.code, "day": a.shift.day.isoformat(),
                      "start": a.shift.start.isoformat(), "end": a.shift.end.isoformat(), "pinned": a.pinned}
                     for a in planned],
        unfilled=[unfilled_entry(g) for g in result.unfilled],
        unmet_wishes=result.unmet_wishes,
        created_by_id=actor.user_id if actor else None, created_at=now,
    )
    session.add(proposal)
    session.commit()
    return Proposal(proposal, result.violations)


def _proposal(session: Session, *, actor, proposal_id: int) -> RosterProposal:
    return team_row(session, RosterProposal, proposal_id, actor=actor,
                    missing=f"Roostervoorstel {proposal_id} bestaat niet.")


def get_proposal(session: Session, *, actor, proposal_id: int) -> Proposal:
    """Return a stored proposal of the actor's team."""
    return Proposal(_proposal(session, actor=actor, proposal_id=proposal_id))


def adopt_proposal(session: Session, *, actor, proposal_id: int, now: datetime) -> list[RosterAssignment]:
    """Adopt a proposal: it replaces the adopted roster of its team in its period, in one transaction."""
    proposal = _proposal(session, actor=actor, proposal_id=proposal_id)
    claimed = session.execute(
        sa.update(RosterProposal).where(RosterProposal.id == proposal_id, RosterProposal.status == "proposal")
        .values(status="adopted", adopted_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.rollback()
        raise errors.Conflict(f"Roostervoorstel {proposal_id} is al {proposal.status}.")
    # The physicians' on-call shifts are a roster of their own: a nurses' plan neither sees nor replaces them.
    nurses_only = RosterAssignment.shift_code.not_in(on_call_codes(session, team=proposal.team))
    old = session.exec(select(RosterAssignment).where(
        RosterAssignment.team == proposal.team, RosterAssignment.day >= proposal.start_date,
        RosterAssignment.day <= proposal.end_date, nurses_only)).all()
    old_keys = {(r.user_id, r.shift_code, r.day) for r in old}
    new_keys = {(a["nurse_id"], a["shift"], date.fromisoformat(a["day"])) for a in proposal.assignments}
    for r in old:  # a published shift that goes away is news for its nurse
        if (r.user_id, r.shift_code, r.day) not in new_keys:
            history.shift_changed(session, row=r, change="removed", actor=actor, now=now)
    session.execute(sa.delete(RosterAssignment).where(
        RosterAssignment.team == proposal.team, RosterAssignment.day >= proposal.start_date,
        RosterAssignment.day <= proposal.end_date, nurses_only))
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
    session.flush()
    for r in rows:
        if (r.user_id, r.shift_code, r.day) not in old_keys:
            history.shift_changed(session, row=r, change="added", actor=actor, now=now)
    session.commit()
    return rows


def check_roster(session: Session, *, actor, team: str, start: datetime, end: datetime) -> list[Violation]:
    """List every broken rule and every gap of the adopted roster in a window, in Dutch."""
    check_team(actor, team, session)
    if end <= start:
        raise errors.Unprocessable("'to' moet na 'from' liggen.", errors={"to": ["Moet na from liggen."]})
    if end - start > timedelta(days=MAX_CHECK_DAYS):
        raise errors.Unprocessable(f"Controleer hoogstens {MAX_CHECK_DAYS} dagen tegelijk.",
                                   errors={"to": ["Venster te lang."]})
    first = start.astimezone(AMSTERDAM).date() - timedelta(days=1)  # a night starting the evening before
    last = end.astimezone(AMSTERDAM).date()
    problem, adopted = load_problem(session, team=team, start_date=first, end_date=last)
    found = check_plan(problem, [a for _row, a in adopted], start=start, end=end)
    # Gaps only for shifts inside the window; a rule broken across its edge still shows.
    return [v for v in found if v.hard or start <= v.start < end]
