"""Outcomes keep no tables of their own: their figures are aggregates over calls, visits and handovers.

What they add are the indexes those aggregates need (migration 0006_outcomes), declared here so the models
and the migration describe the same schema.
"""
import sqlalchemy as sa

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
