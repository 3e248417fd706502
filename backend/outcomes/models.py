"""Outcomes' figures are aggregates over calls, visits and handovers; what this domain adds are the indexes
those aggregates need (migration 0006_outcomes) and a rollup of past days (0009_outcome_days, `rollup.py`),
declared here so the models and the migrations describe the same schema.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from backend.db import UTCDateTime

from backend.dispatch.models import Call, CallEvent
from backend.visits.models import Handover, Visit

# The period's calls come from covering indexes: a year of a region is read from the index alone, without a
# random lookup in the table per call (which costs SQLite more than the aggregate itself).
# `planned_for` (0008_episodes): a planned follow-up visit has no NTS response and is no re-call.
_PERIOD_COLUMNS = (Call.urgency, Call.status, Call.target_at, Call.on_site_at, Call.closed_at, Call.client_id,
                   Call.planned_for)
IX_CALLS_TEAM_PERIOD = sa.Index("ix_calls_team_period", Call.team, Call.created_at, *_PERIOD_COLUMNS)
IX_CALLS_PERIOD = sa.Index("ix_calls_period", Call.created_at, Call.team, *_PERIOD_COLUMNS)
# Re-calls: the next call of the same client after a completed one.
IX_CALLS_CLIENT_CREATED = sa.Index("ix_calls_client_created_at", Call.client_id, Call.created_at, Call.planned_for)
# Offers and escalations of the calls of a period, one type of event at a time.
IX_CALL_EVENTS_CALL_TYPE = sa.Index("ix_call_events_call_type", CallEvent.call_id, CallEvent.type)
# A call's visit outcome and its handovers' acknowledgement, read from the index.
IX_VISITS_CALL_OUTCOME = sa.Index("ix_visits_call_outcome", Visit.call_id, Visit.outcome)
IX_HANDOVERS_CALL_ACK = sa.Index("ix_handovers_call_ack", Handover.call_id, Handover.created_at,
                                 Handover.acknowledged_at)


class OutcomeCounts(SQLModel):
    """The counts of a bucket of one team's calls of one urgency: what a stored day (`OutcomeDay`) and a cell
    in memory (`cells.Cell`, a plain dataclass of these same fields) share, so both add up the same way."""

    calls: int = 0  # every call created in the bucket
    cancelled: int = 0  # of those, cancelled
    completed: int = 0  # of those, completed
    on_site: int = 0  # reached: a nurse reported on site (a planned follow-up visit is left out)
    within_target: int = 0  # reached no later than the urgency's target time
    handovers: int = 0  # SBAR handovers written for the bucket's calls
    acknowledged: int = 0  # of those, acknowledged by their recipient
    offered: int = 0  # calls offered to a nurse at least once
    first_offer_accepted: int = 0  # calls accepted on their one and only offer, nobody declined or let it lapse
    escalations: int = 0  # calls with an offer that lapsed or a team lead alerted
    recalls_72h: int = 0  # completed calls followed by another (unplanned) call for the client within 72 h
    recalls_30d: int = 0  # the same within 30 days


class OutcomeDay(OutcomeCounts, table=True):
    """The cell (`cells.Cell`) of one team's calls of one urgency created on one day (Amsterdam time).

    Written only by the clock job `outcomes.rollup`; a day's rows are replaced whole. The lists are the exact
    minutes the live queries compute, sorted, so percentiles over stored days equal those over the calls.
    """

    __tablename__ = "outcome_days"

    day: date = Field(primary_key=True)
    team: str = Field(primary_key=True, max_length=16)
    urgency: str = Field(primary_key=True, max_length=2)
    outcomes: dict = Field(default_factory=dict, sa_type=JSON)
    distribution: list = Field(default_factory=list, sa_type=JSON)
    # Sorted durations in minutes, packed as little-endian doubles (cells.pack): exact, and read in microseconds.
    response_minutes: bytes = Field(default=b"", sa_type=sa.LargeBinary)
    target_minutes: bytes = Field(default=b"", sa_type=sa.LargeBinary)
    ack_minutes: bytes = Field(default=b"", sa_type=sa.LargeBinary)


class OutcomeRollup(SQLModel, table=True):
    """The one row saying what `outcome_days` holds: every day in [first_day, covered_until), as the data
    stood at `refreshed_at` (what changed since then is read live; `rollup.py`)."""

    __tablename__ = "outcome_rollup"

    id: int = Field(default=1, primary_key=True)
    first_day: date
    covered_until: date
    refreshed_at: datetime = Field(sa_type=UTCDateTime)
