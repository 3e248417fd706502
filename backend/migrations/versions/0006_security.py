"""Security: who issued a token and when it was last used, the client's own request id in the audit trail,
usernames stored lower-case (so the unique constraint is case-insensitive).

Revision ID: 0006_security
Revises: 0005_roles
"""
import sqlalchemy as sa
from alembic import op

from backend.db import UTCDateTime

revision = "0006_security"
down_revision = "0005_roles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("last_used_at", UTCDateTime(), nullable=True))
        batch.create_foreign_key("fk_api_tokens_created_by_id_users", "users", ["created_by_id"], ["id"])
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("client_request_id", sa.String(length=64), nullable=True))
    # Fails loudly if two accounts differ only in case: an admin must rename one first.
    op.execute("UPDATE users SET username = lower(username) WHERE username <> lower(username)")
    with op.batch_alter_table("users") as batch:
        batch.create_check_constraint("ck_users_username_lower", "username = lower(username)")


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("ck_users_username_lower", type_="check")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("client_request_id")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint("fk_api_tokens_created_by_id_users", type_="foreignkey")
        batch.drop_column("last_used_at")
        batch.drop_column("created_by_id")
