"""Outcomes (v1.1): the indexes the figures need (period per team, re-calls per client, offers per call).

Revision ID: 0006_outcomes
Revises: 0005_roles
"""
from alembic import op

revision = "0006_outcomes"
down_revision = "0005_roles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_calls_team_created_at", "calls", ["team", "created_at"])
    op.create_index("ix_calls_created_at", "calls", ["created_at"])
    op.create_index("ix_calls_client_created_at", "calls", ["client_id", "created_at"])
    op.create_index("ix_call_events_call_type", "call_events", ["call_id", "type"])


def downgrade() -> None:
    op.drop_index("ix_call_events_call_type", table_name="call_events")
    op.drop_index("ix_calls_client_created_at", table_name="calls")
    op.drop_index("ix_calls_created_at", table_name="calls")
    op.drop_index("ix_calls_team_created_at", table_name="calls")
