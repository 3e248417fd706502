"""Outcomes keep no tables of their own: their figures are aggregates over calls, visits and handovers.

What they add are the indexes those aggregates need (migration 0006_outcomes), declared here so the models
and the migration describe the same schema.
"""
import sqlalchemy as sa

from backend.dispatch.models import Call, CallEvent

# A period of one team (or of the region): calls created in [from, to).
IX_CALLS_TEAM_CREATED = sa.Index("ix_calls_team_created_at", Call.team, Call.created_at)
IX_CALLS_CREATED = sa.Index("ix_calls_created_at", Call.created_at)
# Re-calls: the next call of the same client after a completed one.
IX_CALLS_CLIENT_CREATED = sa.Index("ix_calls_client_created_at", Call.client_id, Call.created_at)
# Offers and escalations of the calls of a period, one type of event at a time.
IX_CALL_EVENTS_CALL_TYPE = sa.Index("ix_call_events_call_type", CallEvent.call_id, CallEvent.type)
