"""The region as data (organisations, teams with kind and area), capacity board and placements.

Existing teams keep their codes: `acute` becomes the acute team of Deventer (7400-7439), `fact` the FACT-VVT
team (7200-7439). A HAP user's free-text organisation becomes an organisation row (kind `hap`) and the user
points at it; calls and clients raised under that name stay visible, as the row carries the same name.

Revision ID: 0006_region
Revises: 0005_roles
Create Date: 2026-11-29 18:31:44.206271
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import backend.db


revision = "0006_region"
down_revision = "0005_roles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.CheckConstraint("kind IN ('hap', 'care_provider', 'hospital')", name='ck_organisations_kind'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('locations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('postcode', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_locations_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('capacity',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('bed_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('free', sa.Integer(), nullable=False),
    sa.Column('criteria', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('reminded_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("bed_type IN ('elv_low', 'elv_high', 'elv_palliative', 'grz', 'wlz_crisis', 'wijkkliniek')", name='ck_capacity_bed_type'),
    sa.CheckConstraint('free >= 0', name='ck_capacity_free'),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('location_id', 'bed_type')
    )
    with op.batch_alter_table('capacity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capacity_updated_at'), ['updated_at'], unique=False)

    op.create_table('capacity_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('bed_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('free_before', sa.Integer(), nullable=False),
    sa.Column('free_after', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('capacity_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capacity_changes_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_capacity_changes_location_id'), ['location_id'], unique=False)

    op.create_table('placements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('bed_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('question', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('visit_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('handover_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('team', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('waiting_since', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('waiting_alerted_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("bed_type IN ('elv_low', 'elv_high', 'elv_palliative', 'grz', 'wlz_crisis', 'wijkkliniek')", name='ck_placements_bed_type'),
    sa.CheckConstraint("status IN ('requested', 'offered', 'accepted', 'admitted', 'cancelled')", name='ck_placements_status'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ),
    sa.ForeignKeyConstraint(['handover_id'], ['handovers.id'], ),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], ),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['team'], ['teams.code'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placements_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_team'), ['team'], unique=False)

    op.create_table('placement_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], ),
    sa.ForeignKeyConstraint(['placement_id'], ['placements.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('placement_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_events_placement_id'), ['placement_id'], unique=False)

    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column('postcodes', sa.JSON(), nullable=True))
    teams = sa.table("teams", sa.column("code"), sa.column("kind"), sa.column("postcodes", sa.JSON()))
    for code, kind, postcodes in (("acute", "acute", ["7400-7439"]), ("fact", "fact", ["7200-7439"])):
        op.execute(teams.update().where(teams.c.code == code).values(kind=kind, postcodes=postcodes))
    op.execute(teams.update().where(teams.c.kind.is_(None)).values(kind="acute", postcodes=[]))
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False)
        batch_op.alter_column('postcodes', existing_type=sa.JSON(), nullable=False)
        batch_op.create_check_constraint("ck_teams_kind", "kind IN ('acute', 'fact')")

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key('fk_users_organisation_id', 'organisations', ['organisation_id'], ['id'])
    # every free-text organisation becomes a row (HAP users are the ones that had one)
    conn = op.get_bind()
    names = conn.execute(sa.text(
        "SELECT DISTINCT organisation FROM users WHERE organisation IS NOT NULL AND organisation <> ''")).scalars().all()
    for name in names:
        conn.execute(sa.text("INSERT INTO organisations (name, kind) VALUES (:name, 'hap')"), {"name": name[:120]})
    conn.execute(sa.text(
        "UPDATE users SET organisation_id = (SELECT o.id FROM organisations o WHERE o.name = users.organisation) "
        "WHERE organisation IS NOT NULL"))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('organisation')


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation', sa.VARCHAR(length=120), nullable=True))
    op.execute("UPDATE users SET organisation = (SELECT o.name FROM organisations o "
               "WHERE o.id = users.organisation_id) WHERE organisation_id IS NOT NULL")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('fk_users_organisation_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_organisation_id'))
        batch_op.drop_column('organisation_id')

    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_constraint('ck_teams_kind', type_='check')
        batch_op.drop_column('postcodes')
        batch_op.drop_column('kind')

    with op.batch_alter_table('placement_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_events_placement_id'))

    op.drop_table('placement_events')
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placements_team'))
        batch_op.drop_index(batch_op.f('ix_placements_status'))
        batch_op.drop_index(batch_op.f('ix_placements_location_id'))
        batch_op.drop_index(batch_op.f('ix_placements_client_id'))

    op.drop_table('placements')
    with op.batch_alter_table('capacity_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_capacity_changes_location_id'))
        batch_op.drop_index(batch_op.f('ix_capacity_changes_at'))

    op.drop_table('capacity_changes')
    with op.batch_alter_table('capacity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_capacity_updated_at'))

    op.drop_table('capacity')
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_locations_organisation_id'))

    op.drop_table('locations')
    op.drop_table('organisations')
