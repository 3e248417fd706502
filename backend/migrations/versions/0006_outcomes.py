"""Outcomes (v1.1): the indexes the figures need (covering period indexes, re-calls, offers, outcomes, handovers).

Revision ID: 0006_outcomes
Revises: 0005_roles
"""
from alembic import op

revision = "0006_outcomes"
down_revision = "0005_roles"
branch_labels = None
depends_on = None


PERIOD = ["urgency", "status", "target_at", "on_site_at", "closed_at", "client_id"]


def upgrade() -> None:
    op.create_index("ix_calls_team_period", "calls", ["team", "created_at", *PERIOD])
    op.create_index("ix_calls_period", "calls", ["created_at", "team", *PERIOD])
    op.create_index("ix_calls_client_created_at", "calls", ["client_id", "created_at"])
    op.create_index("ix_call_events_call_type", "call_events", ["call_id", "type"])
    op.create_index("ix_visits_call_outcome", "visits", ["call_id", "outcome"])
    op.create_index("ix_handovers_call_ack", "handovers", ["call_id", "created_at", "acknowledged_at"])


def downgrade() -> None:
    for name, table in (("ix_handovers_call_ack", "handovers"), ("ix_visits_call_outcome", "visits"),
                        ("ix_call_events_call_type", "call_events"), ("ix_calls_client_created_at", "calls"),
                        ("ix_calls_period", "calls"), ("ix_calls_team_period", "calls")):
        op.drop_index(name, table_name=table)
