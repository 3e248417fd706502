"""Roles of the region (v1.1): bed_manager and regional_coordinator; joins the domain heads into one.

Revision ID: 0005_roles
Revises: 0002_dispatch, 0003_visits, 0004_roster
"""
from alembic import op

revision = "0005_roles"
down_revision = ("0002_dispatch", "0003_visits", "0004_roster")
branch_labels = None
depends_on = None

OLD = ("nurse", "coordinator", "hap", "team_lead", "admin")
NEW = OLD + ("bed_manager", "regional_coordinator")


def _role_check(roles: tuple[str, ...]) -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("ck_users_role", type_="check")
        batch.create_check_constraint("ck_users_role", f"role IN {roles}")


def upgrade() -> None:
    _role_check(NEW)


def downgrade() -> None:
    _role_check(OLD)
