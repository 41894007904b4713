"""enterprises: enterprises, status changes, construction sites, rosters, site rounds, problems, linked tickets

Revision ID: 20261129_0015
Revises: 20261129_0014
Create Date: 2026-11-29 12:31:42.347380
"""

from alembic import op
import sqlalchemy as sa


revision = "20261129_0015"
down_revision = "20261129_0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('enterprise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('industry', sa.String(length=50), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('park', sa.String(length=100), nullable=True),
    sa.Column('above_scale', sa.Boolean(), nullable=False),
    sa.Column('staff', sa.Integer(), nullable=False),
    sa.Column('contact_name', sa.String(length=50), nullable=False),
    sa.Column('contact_phone_enc', sa.LargeBinary(), nullable=True),
    sa.Column('closed_loop', sa.Boolean(), nullable=False),
    sa.Column('living', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_enterprise_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_enterprise_credit_code'))
    )
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_district_id'), ['district_id'], unique=False)

    op.create_table('enterprise_status',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('from_day', sa.Date(), nullable=False),
    sa.Column('until_day', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('staff_share', sa.Integer(), nullable=False),
    sa.Column('output_value', sa.Float(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('above_scale', sa.Boolean(), nullable=False),
    sa.Column('park', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_enterprise_status_enterprise_id_enterprise')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_status')),
    sa.UniqueConstraint('enterprise_id', 'from_day', name='uq_enterprise_status_day')
    )
    with op.batch_alter_table('enterprise_status', schema=None) as batch_op:
        batch_op.create_index('ix_enterprise_status_period', ['until_day', 'from_day', 'status', 'district_id', 'above_scale', 'park'], unique=False)

    op.create_table('enterprise_ticket',
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_enterprise_ticket_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['ticket_id'], ['hotline_ticket.id'], name=op.f('fk_enterprise_ticket_ticket_id_hotline_ticket')),
    sa.PrimaryKeyConstraint('enterprise_id', 'ticket_id', name=op.f('pk_enterprise_ticket'))
    )
    op.create_table('construction_site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project', sa.String(length=100), nullable=False),
    sa.Column('builder', sa.String(length=100), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('closure', sa.String(length=16), nullable=False),
    sa.Column('latest_round_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_construction_site_district_id_district')),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_construction_site_venue_id_venue')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_construction_site'))
    )
    with op.batch_alter_table('construction_site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_construction_site_district_id'), ['district_id'], unique=False)

    op.create_table('construction_site_round',
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['sampling_round.id'], name=op.f('fk_construction_site_round_round_id_sampling_round')),
    sa.ForeignKeyConstraint(['site_id'], ['construction_site.id'], name=op.f('fk_construction_site_round_site_id_construction_site')),
    sa.PrimaryKeyConstraint('site_id', 'round_id', name=op.f('pk_construction_site_round'))
    )
    op.create_table('enterprise_problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('urgency', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('task_force', sa.String(length=24), nullable=True),
    sa.Column('owner', sa.String(length=64), nullable=True),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handling', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by', sa.String(length=50), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_to', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_enterprise_problem_district_id_district')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_enterprise_problem_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['site_id'], ['construction_site.id'], name=op.f('fk_enterprise_problem_site_id_construction_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_problem'))
    )
    with op.batch_alter_table('enterprise_problem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_problem_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_problem_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_problem_site_id'), ['site_id'], unique=False)
        batch_op.create_index('ix_enterprise_problem_state_due', ['state', 'due_at'], unique=False)

    op.create_table('enterprise_roster',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('person_mac', sa.LargeBinary(length=16), nullable=False),
    sa.Column('living', sa.String(length=100), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_enterprise_roster_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_enterprise_roster_resident_id_resident')),
    sa.ForeignKeyConstraint(['site_id'], ['construction_site.id'], name=op.f('fk_enterprise_roster_site_id_construction_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_roster')),
    sa.UniqueConstraint('enterprise_id', 'resident_id', name='uq_enterprise_roster_enterprise'),
    sa.UniqueConstraint('site_id', 'resident_id', name='uq_enterprise_roster_site')
    )
    with op.batch_alter_table('enterprise_roster', schema=None) as batch_op:
        batch_op.create_index('ix_enterprise_roster_site', ['site_id', 'person_mac'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('enterprise_roster', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_roster_site')

    op.drop_table('enterprise_roster')
    with op.batch_alter_table('enterprise_problem', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_problem_state_due')
        batch_op.drop_index(batch_op.f('ix_enterprise_problem_site_id'))
        batch_op.drop_index(batch_op.f('ix_enterprise_problem_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_enterprise_problem_district_id'))

    op.drop_table('enterprise_problem')
    op.drop_table('construction_site_round')
    with op.batch_alter_table('construction_site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_construction_site_district_id'))

    op.drop_table('construction_site')
    op.drop_table('enterprise_ticket')
    with op.batch_alter_table('enterprise_status', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_status_period')

    op.drop_table('enterprise_status')
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_district_id'))

    op.drop_table('enterprise')
