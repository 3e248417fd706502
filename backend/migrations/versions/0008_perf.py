"""Index call events by time: the board's `GET /api/calls?updated_since=…&include=events` finds the calls
that gained an event (a delivery receipt) since its last poll.

Revision ID: 0008_perf
Revises: 0007_wave2
"""
from alembic import op

revision = "0008_perf"
down_revision = "0007_wave2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_call_events_at", "call_events", ["at"])


def downgrade() -> None:
    op.drop_index("ix_call_events_at", table_name="call_events")
