"""roster v1.1: wish kinds, unmet wishes of a proposal, publications, swaps and the roster's events.

Revision ID: 0006_roster
Revises: 0005_roles
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import backend.db

revision = "0006_roster"
down_revision = "0005_roles"
branch_labels = None
depends_on = None

WISH_KINDS = ("day_off", "no_nights", "preferred_shift")
SWAP_STATUSES = ("offered", "taken", "approved", "refused", "cancelled")
EVENT_KINDS = ("published", "changed", "swap_offered", "swap_taken", "swap_approved", "swap_refused",
               "swap_cancelled")


def upgrade() -> None:
    with op.batch_alter_table("roster_wishes") as batch:
        batch.add_column(sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                   server_default="day_off"))
    # Existing wishes to work become preferred shifts; then the default is the model's, not the database's.
    op.execute("UPDATE roster_wishes SET kind = 'preferred_shift' WHERE want")
    with op.batch_alter_table("roster_wishes") as batch:
        batch.alter_column("kind", server_default=None)
        batch.drop_constraint("uq_roster_wishes_day", type_="unique")
        batch.create_unique_constraint("uq_roster_wishes_day", ["user_id", "kind", "day", "shift_code"])
        batch.create_check_constraint("ck_roster_wishes_kind", f"kind IN {WISH_KINDS}")
    with op.batch_alter_table("roster_proposals") as batch:
        batch.add_column(sa.Column("unmet_wishes", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("roster_proposals") as batch:
        batch.alter_column("unmet_wishes", server_default=None)

    op.create_table(
        "roster_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("end_date >= start_date", name="ck_roster_publications_span"),
        sa.ForeignKeyConstraint(["published_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["team"], ["teams.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_roster_publications_team", "roster_publications", ["team"])

    op.create_table(
        "roster_swaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("shift_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("from_user_id", sa.Integer(), nullable=False),
        sa.Column("to_user_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("taken_at", backend.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", backend.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(f"status IN {SWAP_STATUSES}", name="ck_roster_swaps_status"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["from_user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["team"], ["teams.code"]),
        sa.ForeignKeyConstraint(["to_user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_roster_swaps_team", "roster_swaps", ["team"])
    op.create_index("ix_roster_swaps_assignment_id", "roster_swaps", ["assignment_id"])

    op.create_table(
        "roster_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("swap_id", sa.Integer(), nullable=True),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("user_ids", sa.JSON(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("created_at", backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"kind IN {EVENT_KINDS}", name="ck_roster_events_kind"),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["swap_id"], ["roster_swaps.id"]),
        sa.ForeignKeyConstraint(["team"], ["teams.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_roster_events_team_at", "roster_events", ["team", "created_at"])


def downgrade() -> None:
    op.drop_table("roster_events")
    op.drop_table("roster_swaps")
    op.drop_table("roster_publications")
    with op.batch_alter_table("roster_proposals") as batch:
        batch.drop_column("unmet_wishes")
    with op.batch_alter_table("roster_wishes") as batch:
        batch.drop_constraint("ck_roster_wishes_kind", type_="check")
        batch.drop_constraint("uq_roster_wishes_day", type_="unique")
        batch.create_unique_constraint("uq_roster_wishes_day", ["user_id", "day", "shift_code"])
        batch.drop_column("kind")
