"""The rollup: past days' cells, stored by a clock job, so a year of figures reads ~3,000 rows, not 100,000 calls.

`outcome_days` holds one cell (`cells.Cell`) per day (Amsterdam time), team and urgency, computed by the same
queries as the live figures; `outcome_rollup` says which days it covers ([first_day, covered_until): every
past day, never today) and as of when (`refreshed_at`, the job's now). Writes pay nothing: the clock job
`outcomes.rollup` (`refresh`, every few minutes) recomputes what changed since its last run.

A stored day is used only while it is still exactly what the live queries would say. A call's figures can
change long after its day (a handover acknowledged hours later, a re-call up to 30 days after completion, a
late completion), so a request asks which days were touched since the rollup's `refreshed_at` − `LAG`
(`touched_days`: calls, visits and handovers by `updated_at`, call events by `at`, and for every touched call
the days of the same client's calls it may be a re-call of) and reads those days live, with today and any
part of a day the period cuts. Every change to a call, its visit or its handovers sets `updated_at = now`
(db.advance, dispatch, visits; `GET /api/calls?updated_since` relies on it too); `LAG` covers a transaction
that commits up to that long after its `now`. A writer that bypasses `updated_at` (the demo history's bulk
insert) calls `reset`, and the next run rebuilds.
"""
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from backend.dispatch.models import Call, CallEvent
from backend.outcomes import cells as cellmod
from backend.outcomes.models import OutcomeDay, OutcomeRollup
from backend.visits.models import Handover, Visit

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A change is seen by a request if its `updated_at` is at most this long before the job's run.
LAG = timedelta(minutes=10)
# A later call is a re-call of a completed one within 30 days (queries.recalled_within); a day wider is safe.
RECALL_WINDOW = timedelta(days=31)
CHUNK_DAYS = 31
IN_CHUNK = 500
DAYS = OutcomeDay.__table__


def local_midnight(day: date) -> datetime:
    """Return the start of `day` in Amsterdam, in UTC."""
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM).astimezone(timezone.utc)


def local_day(moment: datetime) -> date:
    """Return the Amsterdam date of a moment."""
    return moment.astimezone(AMSTERDAM).date()


@dataclass
class Plan:
    """How to answer [start, end): stored days (with their bucket) and the ranges read live."""

    days: dict[date, int]
    live: list[tuple[datetime, datetime]]


def touched_days(session: Session, *, since: datetime) -> set[date]:
    """Return the days (Amsterdam) whose calls' figures may have changed since `since`."""
    touched = session.execute(
        sa.select(Call.created_at, Call.client_id, Call.planned_for).where(Call.updated_at >= since)).all()
    days = {local_day(created) for created, _, _ in touched}
    for model in (Visit, Handover):
        days |= {local_day(created) for created in session.scalars(
            sa.select(Call.created_at).join(model, model.call_id == Call.id).where(model.updated_at >= since))}
    days |= {local_day(created) for created in session.scalars(
        sa.select(Call.created_at).join(CallEvent, CallEvent.call_id == Call.id).where(CallEvent.at >= since))}
    # A new (or changed) call may be a re-call of the same client's earlier calls: their days change too.
    later: dict[int, list[datetime]] = defaultdict(list)
    for created, client_id, planned_for in touched:
        if planned_for is None:
            later[client_id].append(created)
    clients = sorted(later)
    for i in range(0, len(clients), IN_CHUNK):
        for client_id, created, closed in session.execute(
                sa.select(Call.client_id, Call.created_at, Call.closed_at)
                .where(Call.client_id.in_(clients[i:i + IN_CHUNK]), Call.closed_at.is_not(None))):
            if any(closed - timedelta(minutes=1) <= t <= closed + RECALL_WINDOW for t in later[client_id]):
                days.add(local_day(created))
    return days


def plan(session: Session, *, start: datetime, end: datetime, bounds: list[datetime] | None) -> Plan:
    """Return which days of [start, end) the rollup answers (whole days it covers, untouched since) and the
    ranges the live queries must read. `bounds` are the buckets' ends (as for `queries.period_calls`)."""
    state = session.get(OutcomeRollup, 1)
    if state is None:
        return Plan(days={}, live=[(start, end)])
    dirty = touched_days(session, since=state.refreshed_at - LAG)
    days: dict[date, int] = {}
    day = max(local_day(start), state.first_day)
    while day < state.covered_until:
        day_start, day_end = local_midnight(day), local_midnight(day + timedelta(days=1))
        if day_end > end:
            break
        if day_start >= start and day not in dirty:
            days[day] = min(bisect_right(bounds, day_start), len(bounds) - 1) if bounds else 0
        day += timedelta(days=1)
    live, cursor = [], start
    for day in sorted(days):
        day_start = local_midnight(day)
        if day_start > cursor:
            live.append((cursor, day_start))
        cursor = local_midnight(day + timedelta(days=1))
    if cursor < end:
        live.append((cursor, end))
    return Plan(days=days, live=live)


def add_stored(session: Session, *, days: dict[date, int], team: str | None, into: dict) -> None:
    """Add the stored cells of `days` (of `team`, or every team) to `into`, per (bucket, urgency)."""
    if not days:
        return
    columns = [DAYS.c.day, DAYS.c.urgency, DAYS.c.outcomes, DAYS.c.distribution,
               *(DAYS.c[name] for name in cellmod.LISTS), *(DAYS.c[name] for name in cellmod.COUNTS)]
    query = sa.select(*columns).where(DAYS.c.day >= min(days), DAYS.c.day <= max(days))
    if team is not None:
        query = query.where(DAYS.c.team == team)
    sums: dict[tuple[int, str], list] = {}
    for day, urgency, outcomes, distribution, response, target, ack, *counts in session.execute(query).all():
        bucket = days.get(day)
        if bucket is None:
            continue
        acc = sums.get((bucket, urgency))
        if acc is None:
            acc = sums[bucket, urgency] = [[0] * len(counts), {}, [0] * len(distribution), [], [], []]
        acc[0] = [a + b for a, b in zip(acc[0], counts)]
        for outcome, count in outcomes.items():
            acc[1][outcome] = acc[1].get(outcome, 0) + count
        acc[2] = [a + b for a, b in zip(acc[2], distribution)]
        acc[3].append(cellmod.unpack(response))
        acc[4].append(cellmod.unpack(target))
        acc[5].append(cellmod.unpack(ack))
    for key, (counts, outcomes, distribution, response, target, ack) in sums.items():
        cell = cellmod.Cell(**dict(zip(cellmod.COUNTS, counts)), outcomes=outcomes, distribution=distribution,
                            response_minutes=response, target_minutes=target, ack_minutes=ack)
        if key in into:
            into[key].add(cell)
        else:
            into[key] = cell


def _store(session: Session, days: list[date]) -> None:
    """Replace the stored cells of `days` (consecutive, ascending) by what the live queries say now."""
    bounds = [local_midnight(day + timedelta(days=1)) for day in days]
    found = cellmod.live_cells(session, start=local_midnight(days[0]), end=bounds[-1], team=None, bounds=bounds)
    session.execute(sa.delete(DAYS).where(DAYS.c.day >= days[0], DAYS.c.day <= days[-1]))
    rows = [{"day": days[bucket], "team": team, "urgency": urgency,
             **{name: getattr(cell, name) for name in cellmod.COUNTS}, "outcomes": cell.outcomes,
             "distribution": cell.distribution, **{name: cellmod.pack(cell.ordered(name)) for name in cellmod.LISTS}}
            for (bucket, team, urgency), cell in sorted(found.items())]
    if rows:
        session.execute(DAYS.insert(), rows)


def _runs(days: set[date]) -> list[list[date]]:
    """Split days into runs of consecutive days, at most CHUNK_DAYS long."""
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - timedelta(days=1) and len(runs[-1]) < CHUNK_DAYS:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def refresh(session: Session, *, now: datetime) -> int:
    """Clock job `outcomes.rollup`: store the days before today not stored yet and those touched since the last
    run; then mark the rollup current as of `now`. Return the number of days written.

    Each run of days commits on its own (short write transactions, SQLite's writers wait less); the state
    moves last, so until then a request still sees those days as touched and reads them live.
    """
    today = local_day(now)
    state = session.get(OutcomeRollup, 1)
    if state is None:
        oldest = session.scalar(sa.select(sa.func.min(Call.created_at)))
        first = min(local_day(oldest), today) if oldest is not None else today
        days = {first + timedelta(days=i) for i in range((today - first).days)}
        covered_until = today
    else:
        first = state.first_day
        days = {day for day in touched_days(session, since=state.refreshed_at - LAG)
                if first <= day < state.covered_until}
        days |= {state.covered_until + timedelta(days=i) for i in range((today - state.covered_until).days)}
        covered_until = max(state.covered_until, today)
    session.commit()
    for run in _runs(days):
        _store(session, run)
        session.commit()
    state = session.get(OutcomeRollup, 1, populate_existing=True)
    if state is None:
        session.add(OutcomeRollup(id=1, first_day=first, covered_until=covered_until, refreshed_at=now))
    else:
        state.covered_until, state.refreshed_at = max(state.covered_until, covered_until), now
    session.commit()
    return len(days)


def reset(session: Session) -> None:
    """Forget the rollup (after a bulk write that bypasses `updated_at`); the next run rebuilds. No commit."""
    session.execute(sa.delete(DAYS))
    session.execute(sa.delete(OutcomeRollup.__table__))
