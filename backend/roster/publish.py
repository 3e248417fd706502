"""Publishing a period of the adopted roster: only a roster that breaks no working-time rule; every nurse of the
team hears of it, and from then on each change there is pushed and kept (history.py)."""
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from backend import errors
from backend.roster import history
from backend.roster.models import RosterEvent, RosterPublication
from backend.roster.planning import MONTHS_NL
from backend.roster.problem import load_problem, team_nurses
from backend.roster.rules import check_plan
from backend.roster.access import check_team, nurse_filter, own_team

MAX_PUBLISH_DAYS = 62


def _day_text(day: date) -> str:
    return f"{day.day} {MONTHS_NL[day.month - 1]}"


def publish_period(session: Session, *, actor, team: str, start_date: date, end_date: date,
                   now: datetime) -> RosterPublication:
    """Publish the adopted roster of a period; refuse (409, with the rules' Dutch text) while it breaks a rule."""
    check_team(actor, team, session)
    if end_date < start_date or (end_date - start_date).days + 1 > MAX_PUBLISH_DAYS:
        raise errors.Unprocessable(f"Publiceer een periode van 1 tot {MAX_PUBLISH_DAYS} dagen.",
                                   errors={"end_date": ["Periode ongeldig."]})
    problem, adopted = load_problem(session, team=team, start_date=start_date, end_date=end_date)
    inside = [row for row, _a in adopted if start_date <= row.day <= end_date]
    rostered = {row.user_id for row in inside}
    broken = [v for v in check_plan(problem, [a for _row, a in adopted], include_gaps=False)
              if not v.context_only and v.nurse_id in rostered]
    if broken:
        raise errors.Conflict(
            f"Dit rooster breekt nog {len(broken)} arbeidstijdregel(s); los die eerst op. " + broken[0].message,
            extra={"violations": [v.to_dict() for v in broken]})
    row = RosterPublication(team=team, start_date=start_date, end_date=end_date, published_at=now,
                            published_by_id=actor.user_id if actor else None)
    session.add(row)
    session.flush()
    period = f"{_day_text(start_date)} t/m {_day_text(end_date)}"
    count = {}
    for assignment in inside:
        count[assignment.user_id] = count.get(assignment.user_id, 0) + 1
    nurse_ids = [u.id for u in team_nurses(session, team=team)]
    history.record(session, team=team, kind="published", actor=actor, now=now, user_ids=nurse_ids,
                   message=f"Het rooster van {period} is gepubliceerd.",
                   detail={"publication_id": row.id, "start_date": start_date.isoformat(),
                           "end_date": end_date.isoformat()})
    for nurse_id in nurse_ids:  # each nurse hears how many shifts are hers
        shifts = count.get(nurse_id, 0)
        history.tell(session, user_ids=[nurse_id], kind="published", team=team, now=now,
                     title="Rooster gepubliceerd",
                     body=f"Het rooster van {period} staat klaar: je hebt {shifts} dienst(en).")
    session.commit()
    return row


def list_publications(session: Session, *, actor, team: str | None = None) -> list[RosterPublication]:
    """Return the team's published periods, newest first."""
    team = own_team(actor, team, session)
    return list(session.exec(select(RosterPublication).where(RosterPublication.team == team)
                             .order_by(RosterPublication.start_date.desc(), RosterPublication.id.desc())).all())


def list_events(session: Session, *, actor, team: str | None = None, start: datetime | None = None,
                end: datetime | None = None, now: datetime, nurse_id: int | None = None) -> list[RosterEvent]:
    """Return the roster's history in a window (the last 30 days by default): the team's for a team lead (or those
    touching one nurse), the events touching her for a nurse."""
    team = own_team(actor, team, session)
    nurse_id = nurse_filter(actor, nurse_id)
    end = end or now + timedelta(seconds=1)
    start = start or end - timedelta(days=30)
    rows = session.exec(select(RosterEvent).where(RosterEvent.team == team, RosterEvent.created_at >= start,
                                                  RosterEvent.created_at < end)
                        .order_by(RosterEvent.created_at, RosterEvent.id)).all()
    return [r for r in rows if nurse_id in (None, *(r.user_ids or []))]
