"""Swaps: a nurse offers a shift, a colleague takes it, the team lead approves (or the team lets a rule-clean swap
through at once). Taking and approving are checked against every hard rule for both nurses; each step is an
event (history.py)."""
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from backend import errors
from backend.identity.models import User
from backend.roster import history
from backend.roster.gaps import team_lead_ids
from backend.roster.models import RosterAssignment, RosterSwap
from backend.roster.planning import Assignment
from backend.roster.problem import load_problem, team_rules
from backend.roster.rules import Violation, check_plan
from backend.roster.access import get_row, own_team

OPEN = ("offered", "taken")


def _swap(session: Session, swap_id: int) -> RosterSwap:
    swap = get_row(session, RosterSwap, swap_id)
    if swap is None:
        raise errors.NotFound(f"Ruil {swap_id} bestaat niet.")
    return swap


def _claim(session: Session, *, swap: RosterSwap, from_statuses, values: dict) -> None:
    """Move a swap on with a conditional update: of two at once, one wins and the other gets 409."""
    moved = session.execute(
        sa.update(RosterSwap).where(RosterSwap.id == swap.id, RosterSwap.status.in_(from_statuses))
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        session.rollback()
        current = session.get(RosterSwap, swap.id, populate_existing=True)
        raise errors.Conflict(f"Deze ruil is al {current.status}.", extra={"current_status": current.status})
    session.refresh(swap)


def swap_violations(session: Session, *, swap: RosterSwap, taker_id: int) -> list[Violation]:
    """The hard rules the swap would newly break for the nurse who gives the shift or the one who takes it."""
    problem, adopted = load_problem(session, team=swap.team, start_date=swap.day - timedelta(days=1),
                                    end_date=swap.day + timedelta(days=1))
    both = {swap.from_user_id, taker_id}
    before = [a for row, a in adopted if row.user_id in both]
    after = [Assignment(taker_id, a.shift, a.pinned) if row.id == swap.assignment_id else a
             for row, a in adopted if row.user_id in both]
    known = {(v.rule, v.nurse_id, v.message) for v in check_plan(problem, before, include_gaps=False)}
    return [v for v in check_plan(problem, after, include_gaps=False)
            if (v.rule, v.nurse_id, v.message) not in known]


def _refuse_if_broken(session: Session, *, swap: RosterSwap, taker_id: int) -> None:
    broken = swap_violations(session, swap=swap, taker_id=taker_id)
    if broken:
        session.rollback()
        raise errors.Conflict("Deze ruil kan niet: " + " ".join(v.message for v in broken),
                              extra={"violations": [v.to_dict() for v in broken]})


def offer_swap(session: Session, *, actor, assignment_id: int, now: datetime) -> RosterSwap:
    """Offer one of her own coming shifts to a colleague."""
    if actor.role != "nurse":
        raise errors.Forbidden("Alleen een verpleegkundige kan een dienst ter ruil aanbieden.")
    row = get_row(session, RosterAssignment, assignment_id)
    if row is None or row.user_id != actor.user_id:
        raise errors.NotFound(f"Dienst {assignment_id} staat niet op jouw rooster.")
    if row.starts_at <= now:
        raise errors.Unprocessable("Deze dienst is al begonnen.", errors={"assignment_id": ["Al begonnen."]})
    if session.exec(select(RosterSwap.id).where(RosterSwap.assignment_id == row.id,
                                                RosterSwap.status.in_(OPEN))).first():
        raise errors.Conflict("Deze dienst staat al ter ruil aangeboden.")
    swap = RosterSwap(team=row.team, assignment_id=row.id, shift_code=row.shift_code, day=row.day,
                      starts_at=row.starts_at, ends_at=row.ends_at, from_user_id=row.user_id, created_at=now)
    session.add(swap)
    session.flush()
    history.record(session, team=row.team, kind="swap_offered", actor=actor, now=now, swap_id=swap.id,
                   assignment_id=row.id, user_ids=[row.user_id],
                   message=f"{_name(session, row.user_id)} biedt {history.shift_text(row)} ter ruil aan.")
    session.commit()
    return swap


def take_swap(session: Session, *, actor, swap_id: int, now: datetime) -> RosterSwap:
    """A colleague takes an offered shift: checked against every rule for both; then the team lead approves, or
    the team's setting approves a rule-clean swap at once."""
    if actor.role != "nurse":
        raise errors.Forbidden("Alleen een verpleegkundige kan een dienst overnemen.")
    swap = _swap(session, swap_id)
    if actor.team != swap.team:
        raise errors.Forbidden("Deze ruil hoort bij een ander team.")
    if actor.user_id == swap.from_user_id:
        raise errors.Unprocessable("Je kunt je eigen dienst niet overnemen.", errors={"swap_id": ["Eigen dienst."]})
    if swap.status != "offered":
        raise errors.Conflict(f"Deze ruil is al {swap.status}.", extra={"current_status": swap.status})
    _refuse_if_broken(session, swap=swap, taker_id=actor.user_id)
    _claim(session, swap=swap, from_statuses=("offered",),
           values={"status": "taken", "to_user_id": actor.user_id, "taken_at": now})
    history.record(session, team=swap.team, kind="swap_taken", actor=actor, now=now, swap_id=swap.id,
                   assignment_id=swap.assignment_id, user_ids=[swap.from_user_id, actor.user_id],
                   message=f"{_name(session, actor.user_id)} neemt {history.shift_text(swap)} over van "
                           f"{_name(session, swap.from_user_id)}.")
    if team_rules(session, team=swap.team).auto_approve_swaps:
        _apply(session, swap=swap, actor=None, now=now)
    else:
        history.tell(session, user_ids=team_lead_ids(session, team=swap.team), kind="swap", team=swap.team,
                     now=now, title="Ruil wacht op je akkoord",
                     body=f"{_name(session, actor.user_id)} wil {history.shift_text(swap)} overnemen van "
                          f"{_name(session, swap.from_user_id)}.")
    session.commit()
    return swap


def _apply(session: Session, *, swap: RosterSwap, actor, now: datetime) -> None:
    """Move the shift to the taker (in the caller's transaction), after checking the rules once more."""
    row = session.get(RosterAssignment, swap.assignment_id)
    if row is None or row.user_id != swap.from_user_id or row.starts_at != swap.starts_at:
        session.rollback()
        raise errors.Conflict("Deze dienst staat niet meer zo in het rooster; de ruil kan niet door.")
    _refuse_if_broken(session, swap=swap, taker_id=swap.to_user_id)
    _claim(session, swap=swap, from_statuses=("taken",), values={
        "status": "approved", "decided_at": now, "decided_by_id": actor.user_id if actor else None})
    row.user_id = swap.to_user_id
    row.pinned = True  # a re-plan keeps what was swapped
    session.add(row)
    session.flush()
    how = "goedgekeurd" if actor else "automatisch goedgekeurd (geen regel gebroken)"
    history.record(session, team=swap.team, kind="swap_approved", actor=actor, now=now, swap_id=swap.id,
                   assignment_id=row.id, user_ids=[swap.from_user_id, swap.to_user_id],
                   message=f"Ruil van {history.shift_text(swap)} {how}.")
    text = (f"{history.shift_text(swap)} is geruild: {_name(session, swap.to_user_id)} werkt hem in plaats van "
            f"{_name(session, swap.from_user_id)}.")
    if not history.shift_changed(session, row=row, change="swapped", actor=actor, now=now, swap_id=swap.id,
                                 user_ids=[swap.from_user_id, swap.to_user_id], message=text):
        history.record(session, team=swap.team, kind="changed", actor=actor, now=now, swap_id=swap.id,
                       assignment_id=row.id, user_ids=[swap.from_user_id, swap.to_user_id], message=text,
                       push_title="Je rooster is gewijzigd")


def _lead_swap(session: Session, *, actor, swap_id: int) -> RosterSwap:
    swap = _swap(session, swap_id)
    if actor.role != "team_lead" or actor.team != swap.team:
        raise errors.Forbidden("Alleen de teamleider van dit team beslist over een ruil.")
    return swap


def approve_swap(session: Session, *, actor, swap_id: int, now: datetime) -> RosterSwap:
    """The team lead approves a taken swap (checked against every rule once more)."""
    swap = _lead_swap(session, actor=actor, swap_id=swap_id)
    if swap.status != "taken":
        raise errors.Conflict(f"Alleen een overgenomen ruil kun je goedkeuren; deze is {swap.status}.",
                              extra={"current_status": swap.status})
    _apply(session, swap=swap, actor=actor, now=now)
    session.commit()
    return swap


def refuse_swap(session: Session, *, actor, swap_id: int, now: datetime) -> RosterSwap:
    """The team lead refuses an open swap; the shift stays with the nurse who offered it."""
    swap = _lead_swap(session, actor=actor, swap_id=swap_id)
    _claim(session, swap=swap, from_statuses=OPEN, values={"status": "refused", "decided_at": now,
                                                           "decided_by_id": actor.user_id})
    history.record(session, team=swap.team, kind="swap_refused", actor=actor, now=now, swap_id=swap.id,
                   assignment_id=swap.assignment_id, user_ids=[swap.from_user_id, swap.to_user_id],
                   message=f"De ruil van {history.shift_text(swap)} is afgewezen; de dienst blijft bij "
                           f"{_name(session, swap.from_user_id)}.", push_title="Ruil afgewezen")
    session.commit()
    return swap


def cancel_swap(session: Session, *, actor, swap_id: int, now: datetime) -> RosterSwap:
    """The nurse who offered the shift withdraws it while it is open."""
    swap = _swap(session, swap_id)
    if actor.user_id != swap.from_user_id:
        raise errors.Forbidden("Alleen wie de dienst aanbood, kan de ruil intrekken.")
    _claim(session, swap=swap, from_statuses=OPEN, values={"status": "cancelled", "decided_at": now})
    history.record(session, team=swap.team, kind="swap_cancelled", actor=actor, now=now, swap_id=swap.id,
                   assignment_id=swap.assignment_id, user_ids=[swap.from_user_id, swap.to_user_id],
                   message=f"{_name(session, swap.from_user_id)} trekt de ruil van {history.shift_text(swap)} in.")
    session.commit()
    return swap


def list_swaps(session: Session, *, actor, team: str | None = None, status: str | None = None,
               now: datetime) -> list[RosterSwap]:
    """Return the team's swaps of shifts not yet over (one status, if given), soonest first."""
    team = own_team(actor, team, session)
    query = (select(RosterSwap).where(RosterSwap.team == team, RosterSwap.ends_at > now)
             .order_by(RosterSwap.starts_at, RosterSwap.id))
    if status:
        query = query.where(RosterSwap.status == status)
    return list(session.exec(query).all())


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.name if user else "iemand"
