"""Durable escalation: calls.offer_next_at, when a call that went (back) to open is due to be offered on.

Revision ID: 0006_faults
Revises: 0005_roles
"""
from alembic import op
import sqlalchemy as sa

import backend.db

revision = "0006_faults"
down_revision = "0005_roles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("offer_next_at", backend.db.UTCDateTime(timezone=True), nullable=True))
        batch.create_index("ix_calls_offer_next_at", ["offer_next_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_index("ix_calls_offer_next_at")
        batch.drop_column("offer_next_at")
