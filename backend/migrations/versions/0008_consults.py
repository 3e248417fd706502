"""The on-call physician (v1.1): role `physician` with a profession and a phone, physicians' on-call shift types,
consults and the steps of their escalation ladder.

Revision ID: 0008_consults
Revises: 0007_wave2
"""
import sqlalchemy as sa
from alembic import op

import backend.db

revision = "0008_consults"
down_revision = "0007_wave2"
branch_labels = None
depends_on = None

OLD_ROLES = ("nurse", "coordinator", "hap", "team_lead", "admin", "bed_manager", "regional_coordinator")
NEW_ROLES = OLD_ROLES + ("physician",)
PROFESSIONS = ("so", "vs", "pa")
ROSTER_ROLES = ("nurse", "physician")
CONSULT_STATUSES = ("requested", "acknowledged", "advised")


def _role_check(roles: tuple[str, ...]) -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("ck_users_role", type_="check")
        batch.create_check_constraint("ck_users_role", f"role IN {roles}")


def upgrade() -> None:
    _role_check(NEW_ROLES)
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("profession", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("phone", sa.String(length=30), nullable=True))
        batch.create_check_constraint("ck_users_profession", f"profession IS NULL OR profession IN {PROFESSIONS}")
    with op.batch_alter_table("roster_shift_types") as batch:
        batch.add_column(sa.Column("role", sa.String(length=16), nullable=False, server_default="nurse"))
        batch.create_check_constraint("ck_roster_shift_types_role", f"role IN {ROSTER_ROLES}")
    with op.batch_alter_table("roster_shift_types") as batch:
        batch.alter_column("role", server_default=None)

    op.create_table(
        "consults",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("visit_id", sa.String(length=36), sa.ForeignKey("visits.id"), nullable=False),
        sa.Column("call_id", sa.Integer(), sa.ForeignKey("calls.id"), nullable=False),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id"), nullable=False),
        sa.Column("team", sa.String(length=16), sa.ForeignKey("teams.code"), nullable=False),
        sa.Column("nurse_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("physician_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("advice", sa.Text(), nullable=True),
        sa.Column("escalate_at", backend.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lead_alerted_at", backend.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", backend.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("advised_at", backend.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("seconds_to_acknowledge", sa.Integer(), nullable=True),
        sa.Column("seconds_to_advice", sa.Integer(), nullable=True),
        sa.Column("created_at", backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"status IN {CONSULT_STATUSES}", name="ck_consults_status"),
    )
    for column in ("visit_id", "call_id", "client_id", "team", "nurse_id", "physician_id", "updated_at"):
        op.create_index(f"ix_consults_{column}", "consults", [column])
    op.create_index("ix_consults_escalate", "consults", ["status", "escalate_at"])
    op.create_table(
        "consult_asks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("consult_id", sa.Integer(), sa.ForeignKey("consults.id"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("asked_at", backend.db.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("consult_id", "user_id", name="uq_consult_asks_user"),
    )
    op.create_index("ix_consult_asks_consult_id", "consult_asks", ["consult_id"])
    op.create_index("ix_consult_asks_user_id", "consult_asks", ["user_id"])


def downgrade() -> None:
    op.drop_table("consult_asks")
    op.drop_table("consults")
    with op.batch_alter_table("roster_shift_types") as batch:
        batch.drop_constraint("ck_roster_shift_types_role", type_="check")
        batch.drop_column("role")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("ck_users_profession", type_="check")
        batch.drop_column("phone")
        batch.drop_column("profession")
    _role_check(OLD_ROLES)
