"""Outcomes' rollup: one row per day, team and urgency of past calls (`outcome_days`), and the one row that
says which days it covers and as of when (`outcome_rollup`); written by the clock job `outcomes.rollup`.

Revision ID: 0009_outcome_days
Revises: 0008_episodes, 0008_consults, 0008_perf
"""
import sqlalchemy as sa
from alembic import op

import backend.db

revision = "0009_outcome_days"
down_revision = ("0008_episodes", "0008_consults", "0008_perf")
branch_labels = None
depends_on = None

COUNTS = ("calls", "cancelled", "completed", "on_site", "within_target", "handovers", "acknowledged", "offered",
          "first_offer_accepted", "escalations", "recalls_72h", "recalls_30d")
JSONS = ("outcomes", "distribution")
DURATIONS = ("response_minutes", "target_minutes", "ack_minutes")


def upgrade() -> None:
    op.create_table(
        "outcome_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("team", sa.String(length=16), nullable=False),
        sa.Column("urgency", sa.String(length=2), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS],
        *[sa.Column(name, sa.JSON(), nullable=False) for name in JSONS],
        *[sa.Column(name, sa.LargeBinary(), nullable=False) for name in DURATIONS],
        sa.PrimaryKeyConstraint("day", "team", "urgency"),
    )
    op.create_table(
        "outcome_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("covered_until", sa.Date(), nullable=False),
        sa.Column("refreshed_at", backend.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("outcome_rollup")
    op.drop_table("outcome_days")
