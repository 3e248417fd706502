"""visits: visits, vitals, notes, handovers, client wishes and contacts, portal links, idempotency keys

Revision ID: 0003_visits
Revises: 0001_foundation
Create Date: 2026-11-25 02:05:21.856390
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import backend.db


revision = "0003_visits"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response_body', sa.JSON(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'key', name='uq_idempotency_keys_user_key')
    )
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_keys_created_at'), ['created_at'], unique=False)

    op.create_table('client_contacts',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('relation', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('is_mantelzorger', sa.Boolean(), nullable=False),
    sa.Column('involvement', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('removed_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("involvement IN ('representative', 'first_contact', 'keep_informed', 'emergencies_only', 'do_not_contact')", name='ck_client_contacts_involvement'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('client_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_contacts_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_contacts_updated_at'), ['updated_at'], unique=False)

    op.create_table('client_wishes',
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('resuscitation', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('hospital_admission', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('preferred_place_of_care', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('preferred_place_of_death', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('other_agreements', sa.Text(), nullable=True),
    sa.Column('agreed_with', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('agreed_on', sa.Date(), nullable=True),
    sa.Column('gp_phone', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('home_care_provider', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('home_care_phone', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("hospital_admission IN ('yes', 'no', 'after_consultation', 'unknown')", name='ck_client_wishes_hospital_admission'),
    sa.CheckConstraint("resuscitation IN ('yes', 'no', 'unknown')", name='ck_client_wishes_resuscitation'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('client_id')
    )
    with op.batch_alter_table('client_wishes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_wishes_updated_at'), ['updated_at'], unique=False)

    op.create_table('portal_links',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('recipient_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('portal_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_links_client_id'), ['client_id'], unique=False)

    op.create_table('visits',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('nurse_id', sa.Integer(), nullable=False),
    sa.Column('team', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('previous_visit_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('arrived_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('departed_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('actions_note', sa.Text(), nullable=True),
    sa.Column('medication', sa.JSON(), nullable=False),
    sa.Column('client_informed', sa.Boolean(), nullable=True),
    sa.Column('mantelzorger_informed', sa.Boolean(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
    sa.Column('outcome_detail', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('referral_question', sa.Text(), nullable=True),
    sa.Column('follow_up_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('home_resolved', 'follow_up_visit', 'own_gp', 'temporary_stay', 'seh', 'hospital_admission', 'regular_home_care', 'deceased')", name='ck_visits_outcome'),
    sa.CheckConstraint("status IN ('open', 'completed')", name='ck_visits_status'),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], ),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ),
    sa.ForeignKeyConstraint(['nurse_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['previous_visit_id'], ['visits.id'], ),
    sa.ForeignKeyConstraint(['team'], ['teams.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('call_id')
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_nurse_id'), ['nurse_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_updated_at'), ['updated_at'], unique=False)

    op.create_table('handovers',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('visit_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('team', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('recipient_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('recipient_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('situation', sa.Text(), nullable=False),
    sa.Column('background', sa.Text(), nullable=False),
    sa.Column('assessment', sa.Text(), nullable=False),
    sa.Column('recommendation', sa.Text(), nullable=False),
    sa.Column('medication_changes', sa.JSON(), nullable=False),
    sa.Column('wishes', sa.JSON(), nullable=False),
    sa.Column('contacts', sa.JSON(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('expires_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('ack_alerted_at', backend.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("recipient_type IN ('home_care', 'gp', 'temporary_stay', 'seh', 'team')", name='ck_handovers_recipient_type'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], ),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ),
    sa.ForeignKeyConstraint(['team'], ['teams.code'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handovers_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handovers_client_id'), ['client_id'], unique=False)
        batch_op.create_index('ix_handovers_unacknowledged', ['acknowledged_at', 'ack_alerted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_handovers_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_handovers_visit_id'), ['visit_id'], unique=False)

    op.create_table('visit_notes',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('visit_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('recorded_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('visit_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_notes_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_notes_visit_id'), ['visit_id'], unique=False)

    op.create_table('vital_signs',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('visit_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('measured_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resp_rate', sa.Integer(), nullable=False),
    sa.Column('spo2', sa.Integer(), nullable=False),
    sa.Column('spo2_scale', sa.Integer(), nullable=False),
    sa.Column('on_oxygen', sa.Boolean(), nullable=False),
    sa.Column('systolic_bp', sa.Integer(), nullable=False),
    sa.Column('heart_rate', sa.Integer(), nullable=False),
    sa.Column('consciousness', sqlmodel.sql.sqltypes.AutoString(length=1), nullable=False),
    sa.Column('temperature', sa.Float(), nullable=False),
    sa.Column('glucose', sa.Float(), nullable=True),
    sa.Column('pain', sa.Integer(), nullable=True),
    sa.Column('news2_score', sa.Integer(), nullable=False),
    sa.Column('news2_band', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('created_at', backend.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('vital_signs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vital_signs_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_vital_signs_visit_id'), ['visit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('vital_signs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vital_signs_visit_id'))
        batch_op.drop_index(batch_op.f('ix_vital_signs_created_at'))

    op.drop_table('vital_signs')
    with op.batch_alter_table('visit_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_notes_visit_id'))
        batch_op.drop_index(batch_op.f('ix_visit_notes_created_at'))

    op.drop_table('visit_notes')
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handovers_visit_id'))
        batch_op.drop_index(batch_op.f('ix_handovers_updated_at'))
        batch_op.drop_index('ix_handovers_unacknowledged')
        batch_op.drop_index(batch_op.f('ix_handovers_client_id'))
        batch_op.drop_index(batch_op.f('ix_handovers_call_id'))

    op.drop_table('handovers')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_updated_at'))
        batch_op.drop_index(batch_op.f('ix_visits_nurse_id'))
        batch_op.drop_index(batch_op.f('ix_visits_client_id'))

    op.drop_table('visits')
    with op.batch_alter_table('portal_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_links_client_id'))

    op.drop_table('portal_links')
    with op.batch_alter_table('client_wishes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_wishes_updated_at'))

    op.drop_table('client_wishes')
    with op.batch_alter_table('client_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_contacts_updated_at'))
        batch_op.drop_index(batch_op.f('ix_client_contacts_client_id'))

    op.drop_table('client_contacts')
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_created_at'))

    op.drop_table('idempotency_keys')
