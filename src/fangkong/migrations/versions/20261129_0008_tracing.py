"""tracing: venue scans, entry checks, fever alerts, contact candidates

Revision ID: 20261129_0008
Revises: 20261129_0007
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "20261129_0008"
down_revision = "20261129_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('venue_scan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_key', sa.String(length=40), nullable=False),
        sa.Column('resident_id', sa.Integer(), nullable=True),
        sa.Column('document_kind', sa.String(length=10), nullable=True),
        sa.Column('document_enc', sa.LargeBinary(), nullable=True),
        sa.Column('venue_id', sa.Integer(), nullable=False),
        sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('at_minute', sa.Integer(), nullable=False),
        sa.Column('until_minute', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_venue_scan')),
        sa.UniqueConstraint('person_key', 'venue_id', 'at_minute', name='uq_venue_scan_person_venue_minute')
    )
    op.create_index('ix_venue_scan_person_minute', 'venue_scan', ['person_key', 'at_minute'], unique=False)
    op.create_index('ix_venue_scan_venue_minute', 'venue_scan', ['venue_id', 'at_minute'], unique=False)
    op.create_table('entry_check',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_key', sa.String(length=40), nullable=False),
        sa.Column('resident_id', sa.Integer(), nullable=True),
        sa.Column('document_kind', sa.String(length=10), nullable=True),
        sa.Column('document_enc', sa.LargeBinary(), nullable=True),
        sa.Column('venue_id', sa.Integer(), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('temperature', sa.Float(), nullable=False),
        sa.Column('registered', sa.Boolean(), nullable=False),
        sa.Column('recorded_by', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_entry_check_resident_id_resident')),
        sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_entry_check_venue_id_venue')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_entry_check'))
    )
    op.create_index(op.f('ix_entry_check_person_key'), 'entry_check', ['person_key'], unique=False)
    op.create_index(op.f('ix_entry_check_venue_id'), 'entry_check', ['venue_id'], unique=False)
    op.create_table('fever_alert',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_check_id', sa.Integer(), nullable=False),
        sa.Column('venue_id', sa.Integer(), nullable=False),
        sa.Column('district_id', sa.Integer(), nullable=False),
        sa.Column('task_force', sa.String(length=24), nullable=False),
        sa.Column('temperature', sa.Float(), nullable=False),
        sa.Column('threshold', sa.Float(), nullable=False),
        sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_fever_alert_district_id_district')),
        sa.ForeignKeyConstraint(['entry_check_id'], ['entry_check.id'], name=op.f('fk_fever_alert_entry_check_id_entry_check')),
        sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_fever_alert_venue_id_venue')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fever_alert')),
        sa.UniqueConstraint('entry_check_id', name=op.f('uq_fever_alert_entry_check_id'))
    )
    op.create_index(op.f('ix_fever_alert_district_id'), 'fever_alert', ['district_id'], unique=False)
    op.create_table('contact_candidate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=20), nullable=False),
        sa.Column('via_candidate_id', sa.Integer(), nullable=True),
        sa.Column('person_key', sa.String(length=40), nullable=False),
        sa.Column('resident_id', sa.Integer(), nullable=True),
        sa.Column('document_kind', sa.String(length=10), nullable=True),
        sa.Column('document_enc', sa.LargeBinary(), nullable=True),
        sa.Column('household', sa.Boolean(), nullable=False),
        sa.Column('venue_id', sa.Integer(), nullable=True),
        sa.Column('first_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('overlap_minutes', sa.Integer(), nullable=False),
        sa.Column('gap_minutes', sa.Integer(), nullable=True),
        sa.Column('evidence', sa.JSON(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=True),
        sa.Column('managed_person_id', sa.Integer(), nullable=True),
        sa.Column('pack', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_contact_candidate_case_id_case_record')),
        sa.ForeignKeyConstraint(['managed_person_id'], ['managed_person.id'], name=op.f('fk_contact_candidate_managed_person_id_managed_person')),
        sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_contact_candidate_resident_id_resident')),
        sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_contact_candidate_venue_id_venue')),
        sa.ForeignKeyConstraint(['via_candidate_id'], ['contact_candidate.id'], name=op.f('fk_contact_candidate_via_candidate_id_contact_candidate')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_candidate')),
        sa.UniqueConstraint('case_id', 'person_key', 'category', name='uq_contact_candidate')
    )
    op.create_index(op.f('ix_contact_candidate_case_id'), 'contact_candidate', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_table("contact_candidate")
    op.drop_table("fever_alert")
    op.drop_table("entry_check")
    op.drop_table("venue_scan")
