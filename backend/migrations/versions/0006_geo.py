"""A client's coordinates may be empty: an address the geocoder did not find never blocks an intake.

Revision ID: 0006_geo
Revises: 0005_roles
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_geo"
down_revision = "0005_roles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.alter_column("lat", existing_type=sa.Float(), nullable=True)
        batch.alter_column("lon", existing_type=sa.Float(), nullable=True)


def downgrade() -> None:
    # Clients placed later by a nurse's phone keep theirs; the rest get the centre of the Netherlands back.
    op.execute("UPDATE clients SET lat = 52.1, lon = 5.1 WHERE lat IS NULL OR lon IS NULL")
    with op.batch_alter_table("clients") as batch:
        batch.alter_column("lat", existing_type=sa.Float(), nullable=False)
        batch.alter_column("lon", existing_type=sa.Float(), nullable=False)
