"""Joins the heads of wave 2 (security, faults, region, geo, outcomes, roster) into one.

Revision ID: 0007_wave2
Revises: 0006_faults, 0006_geo, 0006_outcomes, 0006_region, 0006_roster, 0006_security
"""
revision = "0007_wave2"
down_revision = ("0006_faults", "0006_geo", "0006_outcomes", "0006_region", "0006_roster", "0006_security")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
