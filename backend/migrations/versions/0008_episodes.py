"""Continuity (issue 17, parts 1–3): planned calls, the team's lead time, episodes and EDIZ scores.

Revision ID: 0008_episodes
Revises: 0007_wave2
"""
import sqlalchemy as sa
from alembic import op

import backend.db

revision = "0008_episodes"
down_revision = "0007_wave2"
branch_labels = None
depends_on = None

OLD_STATUSES = ("open", "offered", "accepted", "en_route", "on_site", "completed", "cancelled")
NEW_STATUSES = ("planned",) + OLD_STATUSES
PERIOD = ["urgency", "status", "target_at", "on_site_at", "closed_at", "client_id"]


def _status_check(statuses: tuple[str, ...]) -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_constraint("ck_calls_status", type_="check")
        batch.create_check_constraint("ck_calls_status", f"status IN {statuses}")


def _outcome_indexes(extra: list[str]) -> None:
    """(Re)build the outcomes' covering indexes, with `planned_for` after this revision."""
    for name in ("ix_calls_team_period", "ix_calls_period", "ix_calls_client_created_at"):
        op.drop_index(name, table_name="calls")
    op.create_index("ix_calls_team_period", "calls", ["team", "created_at", *PERIOD, *extra])
    op.create_index("ix_calls_period", "calls", ["created_at", "team", *PERIOD, *extra])
    op.create_index("ix_calls_client_created_at", "calls", ["client_id", "created_at", *extra])


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("planned_for", backend.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("previous_visit_id", sa.String(length=36), nullable=True))
    op.create_index("ix_calls_planned_for", "calls", ["planned_for"])
    op.create_index("ix_calls_previous_visit_id", "calls", ["previous_visit_id"])
    _status_check(NEW_STATUSES)
    _outcome_indexes(["planned_for"])
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("planned_lead_minutes", sa.Integer(), nullable=False, server_default="30"))

    op.create_table(
        "episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=16), nullable=False),
        sa.Column("case_manager_id", sa.Integer(), nullable=False),
        sa.Column("goals", sa.JSON(), nullable=False),
        sa.Column("network", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("first_call_id", sa.Integer(), nullable=True),
        sa.Column("started_at", backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", backend.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("handover_id", sa.String(length=36), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('active', 'closed')", name="ck_episodes_status"),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"]),
        sa.ForeignKeyConstraint(["team"], ["teams.code"]),
        sa.ForeignKeyConstraint(["case_manager_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["first_call_id"], ["calls.id"]),
        sa.ForeignKeyConstraint(["closed_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["handover_id"], ["handovers.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_episodes_client_id", "episodes", ["client_id"])
    op.create_index("ix_episodes_case_manager_id", "episodes", ["case_manager_id"])
    op.create_index("ix_episodes_updated_at", "episodes", ["updated_at"])
    op.create_index("uq_episodes_active", "episodes", ["client_id", "team"], unique=True,
                    sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    op.create_table(
        "ediz_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("high", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score BETWEEN 0 AND 9", name="ck_ediz_scores_score"),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"]),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["client_contacts.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("visit_id", "client_id", "contact_id", "created_at"):
        op.create_index(f"ix_ediz_scores_{column}", "ediz_scores", [column])


def downgrade() -> None:
    op.drop_table("ediz_scores")
    op.drop_table("episodes")
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("planned_lead_minutes")
    op.execute("DELETE FROM call_events WHERE call_id IN (SELECT id FROM calls WHERE status = 'planned')")
    op.execute("DELETE FROM calls WHERE status = 'planned'")
    _outcome_indexes([])
    _status_check(OLD_STATUSES)
    op.drop_index("ix_calls_previous_visit_id", table_name="calls")
    op.drop_index("ix_calls_planned_for", table_name="calls")
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("previous_visit_id")
        batch.drop_column("planned_for")
