"""The SQL behind the figures: aggregates that run the same on SQLite and PostgreSQL.

Every figure reads the calls of one period (`period_calls`), each tagged with a `bucket` (0 for a whole
period, the week's index for weekly figures, the day's index for the rollup), so one query answers a period,
a year of weeks and a month of days alike. Every answer is grouped by (bucket, team, urgency): a cell
(`cells.py`) that a period, a week or a stored day sums.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import FunctionElement

from backend.dispatch.models import Call, CallEvent
from backend.visits.models import Handover, Visit

OFFER_EVENTS = ("offered", "accepted", "declined", "offer_expired", "lead_alerted")
REFUSALS = ("declined", "offer_expired")
ESCALATIONS = ("offer_expired", "lead_alerted")
# Floating-point slack of SQLite's julianday (well under a second) when a bound is compared in minutes.
SLACK_MINUTES = 1 / 600


class minutes_between(FunctionElement):
    """`later − earlier` in minutes, as a float (SQLite: julianday; PostgreSQL: epoch of the interval)."""

    type = sa.Float()
    inherit_cache = True
    name = "minutes_between"


@compiles(minutes_between, "sqlite")
def _minutes_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 1440.0)"


@compiles(minutes_between, "postgresql")
def _minutes_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS DOUBLE PRECISION) / 60.0)"


def _count_if(condition) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def period_calls(*, start: datetime, end: datetime, team: str | None, bounds: list[datetime] | None = None,
                 ranges: list[tuple[datetime, datetime]] | None = None):
    """Return the subquery of calls created in [start, end) (of `team`, or all), each with its bucket.

    `bounds` are the ends of the buckets (ascending, the last one `end`): a call's bucket is the index of the
    first end after its creation; without bounds every call is in bucket 0. `ranges`, if given, keep only the
    calls created in one of these [from, to) ranges (the days the rollup does not answer).
    """
    if bounds and len(bounds) > 1:
        bucket = sa.case(*[(Call.created_at < b, i) for i, b in enumerate(bounds[:-1])], else_=len(bounds) - 1)
    else:
        bucket = sa.literal(0)
    # A planned follow-up visit has no NTS response: it waits for an agreed time, not after a triage, so its
    # `on_site_at` does not enter the response figures (dispatch/planned.py).
    on_site_at = sa.case((Call.planned_for.is_(None), Call.on_site_at), else_=sa.null())
    query = sa.select(
        Call.id, Call.client_id, Call.team, Call.urgency, Call.status, Call.created_at, Call.target_at,
        on_site_at.label("on_site_at"), Call.closed_at, bucket.label("bucket"),
    ).where(Call.created_at >= start, Call.created_at < end)
    if ranges is not None:
        query = query.where(sa.or_(*[sa.and_(Call.created_at >= a, Call.created_at < b) for a, b in ranges]))
    if team is not None:
        query = query.where(Call.team == team)
    return query.subquery("pc")


def call_counts(session, pc) -> list:
    """Per cell: calls, cancelled, completed, reached (on site) and on site within target."""
    return session.execute(
        sa.select(pc.c.bucket, pc.c.team, pc.c.urgency, sa.func.count(), _count_if(pc.c.status == "cancelled"),
                  _count_if(pc.c.status == "completed"), sa.func.count(pc.c.on_site_at),
                  _count_if(pc.c.on_site_at <= pc.c.target_at))
        .group_by(pc.c.bucket, pc.c.team, pc.c.urgency)
    ).all()


def response_minutes(session, pc) -> list:
    """Per call on site: its cell, response minutes and the minutes its target allowed."""
    return session.execute(
        sa.select(pc.c.bucket, pc.c.team, pc.c.urgency, minutes_between(pc.c.on_site_at, pc.c.created_at),
                  minutes_between(pc.c.target_at, pc.c.created_at))
        .where(pc.c.on_site_at.is_not(None))
    ).all()


def outcome_counts(session, pc) -> list:
    """Per cell and outcome: completed calls whose visit ended with that outcome."""
    return session.execute(
        sa.select(pc.c.bucket, pc.c.team, pc.c.urgency, Visit.outcome, sa.func.count())
        .join(Visit, Visit.call_id == pc.c.id)
        .where(pc.c.status == "completed", Visit.outcome.is_not(None))
        .group_by(pc.c.bucket, pc.c.team, pc.c.urgency, Visit.outcome)
    ).all()


def handover_counts(session, pc) -> list:
    """Per cell: handovers of the period's calls, and how many were acknowledged."""
    return session.execute(
        sa.select(pc.c.bucket, pc.c.team, pc.c.urgency, sa.func.count(Handover.id),
                  sa.func.count(Handover.acknowledged_at))
        .join(Handover, Handover.call_id == pc.c.id)
        .group_by(pc.c.bucket, pc.c.team, pc.c.urgency)
    ).all()


def acknowledgement_minutes(session, pc) -> list:
    """Per acknowledged handover: its call's cell and minutes from writing to acknowledgement."""
    return session.execute(
        sa.select(pc.c.bucket, pc.c.team, pc.c.urgency, minutes_between(Handover.acknowledged_at, Handover.created_at))
        .join(Handover, Handover.call_id == pc.c.id)
        .where(Handover.acknowledged_at.is_not(None))
    ).all()


def offer_counts(session, pc) -> list:
    """Per cell: calls offered at least once, accepted on their one and only offer, and escalated."""
    per_call = (
        sa.select(pc.c.bucket.label("bucket"), pc.c.team.label("team"), pc.c.urgency.label("urgency"),
                  _count_if(CallEvent.type == "offered").label("offers"),
                  _count_if(CallEvent.type.in_(REFUSALS)).label("refusals"),
                  _count_if(CallEvent.type == "accepted").label("accepts"),
                  _count_if(CallEvent.type.in_(ESCALATIONS)).label("escalations"))
        .join(CallEvent, CallEvent.call_id == pc.c.id)
        .where(CallEvent.type.in_(OFFER_EVENTS))
        .group_by(pc.c.id, pc.c.bucket, pc.c.team, pc.c.urgency)
        .subquery("per_call")
    )
    return session.execute(
        sa.select(per_call.c.bucket, per_call.c.team, per_call.c.urgency, _count_if(per_call.c.offers > 0),
                  _count_if(sa.and_(per_call.c.offers == 1, per_call.c.refusals == 0, per_call.c.accepts > 0)),
                  _count_if(per_call.c.escalations > 0))
        .group_by(per_call.c.bucket, per_call.c.team, per_call.c.urgency)
    ).all()


def recalled_within(pc, hours: int):
    """Whether another call for the same client was created after this call's completion, within `hours`
    (a planned follow-up visit is no re-call: the team planned it)."""
    later = aliased(Call)
    return sa.exists().where(
        later.client_id == pc.c.client_id, later.created_at > pc.c.closed_at, later.planned_for.is_(None),
        minutes_between(later.created_at, pc.c.closed_at) <= hours * 60 + SLACK_MINUTES,
    )


def recall_counts(session, pc) -> list:
    """Per cell: completed calls followed by another call for the client within 72 h and within 30 days."""
    return session.execute(
        sa.select(pc.c.bucket, pc.c.team, pc.c.urgency, _count_if(recalled_within(pc, 72)),
                  _count_if(recalled_within(pc, 30 * 24)))
        .where(pc.c.status == "completed", pc.c.closed_at.is_not(None))
        .group_by(pc.c.bucket, pc.c.team, pc.c.urgency)
    ).all()
