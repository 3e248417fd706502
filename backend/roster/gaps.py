"""Coverage gaps: the plain form a proposal stores, and the alerts the clock records for the coming hours."""
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from backend.identity.models import User
from backend.roster.models import RosterGapAlert, RosterShiftType
from backend.roster.problem import load_problem
from backend.roster.rules import COVERAGE
from backend.roster.access import own_team
from backend.timeutil import AMSTERDAM

ALERT_HOURS = 24


def unfilled_entry(gap: dict) -> dict:
    """Turn a gap of `Coverage.gaps` into the JSON a proposal stores, with one Dutch sentence about it."""
    shift = gap["shift_obj"]
    parts = [f"{m['count']} × {m['label']}" for m in gap["missing"]]
    return {"shift": gap["shift"], "day": shift.day.isoformat(), "start": gap["start"].isoformat(),
            "end": gap["end"].isoformat(), "missing": gap["missing"],
            "message": f"{shift.label()}: tekort aan {', '.join(parts)}. "
                       + " ".join(dict.fromkeys(m["reason"] for m in gap["missing"]))}


def record_gap_alerts(session: Session, *, now: datetime, hours: int = ALERT_HOURS) -> list[RosterGapAlert]:
    """Record each coverage gap of the coming hours once (a unique key claims it); return the new ones."""
    new = []
    horizon = now + timedelta(hours=hours)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    teams = session.exec(select(RosterShiftType.team).where(RosterShiftType.active).distinct()).all()
    for team in sorted(set(teams)):
        first = now.astimezone(AMSTERDAM).date() - timedelta(days=1)
        last = horizon.astimezone(AMSTERDAM).date()
        problem, adopted = load_problem(session, team=team, start_date=first, end_date=last)
        window = [s for s in problem.shifts if not s.context and s.start < horizon and s.end > now]
        for gap in COVERAGE.gaps(problem, [a for _row, a in adopted], window):
            values = {"team": team, "shift_code": gap["shift"], "starts_at": gap["start"], "ends_at": gap["end"],
                      "missing": gap["missing"], "message": unfilled_entry(gap)["message"][:1000], "created_at": now}
            result = session.execute(insert(RosterGapAlert).values(**values).on_conflict_do_nothing(
                index_elements=["team", "shift_code", "starts_at"]))
            if result.rowcount == 1:
                new.append((team, gap["shift"], gap["start"]))
    session.commit()
    if not new:
        return []
    rows = session.exec(select(RosterGapAlert).where(RosterGapAlert.created_at == now)).all()
    return [r for r in rows if (r.team, r.shift_code, r.starts_at) in new]


def list_gap_alerts(session: Session, *, actor, team: str | None = None, now: datetime) -> list[RosterGapAlert]:
    """Return the team's gap alerts for shifts that have not ended yet, soonest first."""
    team = own_team(actor, team, session)
    return list(session.exec(select(RosterGapAlert).where(
        RosterGapAlert.team == team, RosterGapAlert.ends_at > now).order_by(RosterGapAlert.starts_at)).all())


def team_lead_ids(session: Session, *, team: str) -> list[int]:
    """Return the ids of the team's active team leads (who hear about its gaps)."""
    return list(session.exec(select(User.id).where(User.team == team, User.role == "team_lead", User.active)).all())


def mark_notified(session: Session, *, alert_ids, now: datetime) -> None:
    """Remember that the team lead was pushed about these alerts."""
    if alert_ids:
        session.execute(sa.update(RosterGapAlert).where(RosterGapAlert.id.in_(list(alert_ids)),
                                                        RosterGapAlert.notified_at.is_(None))
                        .values(notified_at=now).execution_options(synchronize_session=False))
        session.commit()
