"""lab: labs, sampling points, rounds, tubes, samples, receipts, results, lab days, re-sampling tasks

Revision ID: 20261129_0013
Revises: 20261129_0012
Create Date: 2026-11-29 09:00:29.067075
"""

from alembic import op
import sqlalchemy as sa


revision = "20261129_0013"
down_revision = "20261129_0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sample',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('barcode', sa.String(length=32), nullable=False),
    sa.Column('person_mac', sa.LargeBinary(length=16), nullable=False),
    sa.Column('document_kind', sa.String(length=10), nullable=False),
    sa.Column('document_enc', sa.LargeBinary(), nullable=False),
    sa.Column('sampled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempt', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sample')),
    sa.UniqueConstraint('round_id', 'person_mac', 'attempt', name='uq_sample_round_person_attempt')
    )
    with op.batch_alter_table('sample', schema=None) as batch_op:
        batch_op.create_index('ix_sample_person_mac', ['person_mac'], unique=False)
        batch_op.create_index('ix_sample_round_barcode', ['round_id', 'barcode'], unique=False)

    op.create_table('sampling_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('scope_kind', sa.String(length=10), nullable=False),
    sa.Column('scope_ids', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('override_reason', sa.String(length=500), nullable=True),
    sa.Column('override_approver', sa.String(length=64), nullable=True),
    sa.Column('priority', sa.String(length=20), nullable=False),
    sa.Column('pack', sa.String(length=20), nullable=False),
    sa.Column('point_ids', sa.JSON(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('target_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sampling_round'))
    )
    op.create_table('tube',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('barcode', sa.String(length=32), nullable=False),
    sa.Column('pool_size', sa.SmallInteger(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('sampled_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tube')),
    sa.UniqueConstraint('round_id', 'barcode', name='uq_tube_round_barcode')
    )
    op.create_table('tube_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('barcode', sa.String(length=32), nullable=False),
    sa.Column('lab_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tube_receipt')),
    sa.UniqueConstraint('round_id', 'barcode', name='uq_tube_receipt_round_barcode')
    )
    op.create_table('tube_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('barcode', sa.String(length=32), nullable=False),
    sa.Column('lab_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('ct_orf', sa.Float(), nullable=True),
    sa.Column('ct_n', sa.Float(), nullable=True),
    sa.Column('tested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tested_on', sa.Date(), nullable=False),
    sa.Column('turnaround_minutes', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tube_result')),
    sa.UniqueConstraint('round_id', 'barcode', name='uq_tube_result_round_barcode')
    )
    with op.batch_alter_table('tube_result', schema=None) as batch_op:
        batch_op.create_index('ix_tube_result_lab_day', ['lab_id', 'tested_on'], unique=False)

    op.create_table('lab',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('daily_capacity', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_lab_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lab')),
    sa.UniqueConstraint('code', name=op.f('uq_lab_code'))
    )
    op.create_table('lab_day',
    sa.Column('lab_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('tested', sa.Integer(), nullable=False),
    sa.Column('positive', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lab_id'], ['lab.id'], name=op.f('fk_lab_day_lab_id_lab')),
    sa.PrimaryKeyConstraint('lab_id', 'day', name=op.f('pk_lab_day'))
    )
    op.create_table('sampling_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_sampling_point_community_id_community')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_sampling_point_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sampling_point')),
    sa.UniqueConstraint('code', name=op.f('uq_sampling_point_code'))
    )
    with op.batch_alter_table('sampling_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sampling_point_district_id'), ['district_id'], unique=False)

    op.create_table('resample_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('source_barcode', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('person_mac', sa.LargeBinary(length=16), nullable=False),
    sa.Column('document_kind', sa.String(length=10), nullable=False),
    sa.Column('document_enc', sa.LargeBinary(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resampled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resample_barcode', sa.String(length=32), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_resample_task_case_id_case_record')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_resample_task_community_id_community')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_resample_task_district_id_district')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_resample_task_resident_id_resident')),
    sa.ForeignKeyConstraint(['round_id'], ['sampling_round.id'], name=op.f('fk_resample_task_round_id_sampling_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resample_task')),
    sa.UniqueConstraint('round_id', 'person_mac', 'source_barcode', name='uq_resample_task_person_source')
    )
    with op.batch_alter_table('resample_task', schema=None) as batch_op:
        batch_op.create_index('ix_resample_task_round_person', ['round_id', 'person_mac'], unique=False)
        batch_op.create_index('ix_resample_task_state', ['state', 'community_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('resample_task', schema=None) as batch_op:
        batch_op.drop_index('ix_resample_task_state')
        batch_op.drop_index('ix_resample_task_round_person')

    op.drop_table('resample_task')
    with op.batch_alter_table('sampling_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sampling_point_district_id'))

    op.drop_table('sampling_point')
    op.drop_table('lab_day')
    op.drop_table('lab')
    with op.batch_alter_table('tube_result', schema=None) as batch_op:
        batch_op.drop_index('ix_tube_result_lab_day')

    op.drop_table('tube_result')
    op.drop_table('tube_receipt')
    op.drop_table('tube')
    op.drop_table('sampling_round')
    with op.batch_alter_table('sample', schema=None) as batch_op:
        batch_op.drop_index('ix_sample_round_barcode')
        batch_op.drop_index('ix_sample_person_mac')

    op.drop_table('sample')
