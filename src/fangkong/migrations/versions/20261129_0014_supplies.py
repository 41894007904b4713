"""supplies: supply points and areas, point days, packs, price changes and alerts, orders, special-needs residents

Revision ID: 20261129_0014
Revises: 20261129_0013
Create Date: 2026-11-29 12:32:03.783244
"""

from alembic import op
import sqlalchemy as sa


revision = "20261129_0014"
down_revision = "20261129_0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('supply_package',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('contents', sa.String(length=500), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('reference_fen', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_package')),
    sa.UniqueConstraint('code', name=op.f('uq_supply_package_code'))
    )
    op.create_table('supply_price_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('old_price_fen', sa.Integer(), nullable=True),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('reference_fen', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['supply_package.id'], name=op.f('fk_supply_price_change_package_id_supply_package')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_price_change'))
    )
    with op.batch_alter_table('supply_price_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_price_change_package_id'), ['package_id'], unique=False)

    op.create_table('supply_price_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('change_id', sa.Integer(), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('reference_fen', sa.Integer(), nullable=False),
    sa.Column('margin_pct', sa.Integer(), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['change_id'], ['supply_price_change.id'], name=op.f('fk_supply_price_alert_change_id_supply_price_change')),
    sa.ForeignKeyConstraint(['package_id'], ['supply_package.id'], name=op.f('fk_supply_price_alert_package_id_supply_package')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_price_alert'))
    )
    with op.batch_alter_table('supply_price_alert', schema=None) as batch_op:
        batch_op.create_index('uq_supply_price_alert_open_package', ['package_id'], unique=True, sqlite_where=sa.text('is_open'), postgresql_where=sa.text('is_open'))

    op.create_table('supply_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('contact_name', sa.String(length=50), nullable=False),
    sa.Column('contact_phone_enc', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('daily_capacity', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_supply_point_community_id_community')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_supply_point_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_point')),
    sa.UniqueConstraint('name', name=op.f('uq_supply_point_name'))
    )
    with op.batch_alter_table('supply_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_point_district_id'), ['district_id'], unique=False)

    op.create_table('supply_point_area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_supply_point_area_community_id_community')),
    sa.ForeignKeyConstraint(['compound_id'], ['compound.id'], name=op.f('fk_supply_point_area_compound_id_compound')),
    sa.ForeignKeyConstraint(['point_id'], ['supply_point.id'], name=op.f('fk_supply_point_area_point_id_supply_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_point_area')),
    sa.UniqueConstraint('point_id', 'community_id', 'compound_id', name=op.f('uq_supply_point_area_point_id'))
    )
    with op.batch_alter_table('supply_point_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_point_area_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_point_area_compound_id'), ['compound_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_point_area_point_id'), ['point_id'], unique=False)

    op.create_table('supply_point_day',
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.CheckConstraint('used >= 0 AND used <= capacity', name=op.f('ck_supply_point_day_used')),
    sa.ForeignKeyConstraint(['point_id'], ['supply_point.id'], name=op.f('fk_supply_point_day_point_id_supply_point')),
    sa.PrimaryKeyConstraint('point_id', 'day', name=op.f('pk_supply_point_day'))
    )
    op.create_table('supply_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('compound_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.SmallInteger(), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('delivery_day', sa.Date(), nullable=False),
    sa.Column('round', sa.SmallInteger(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('priority', sa.Boolean(), nullable=False),
    sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('state', sa.String(length=18), nullable=False),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('placed_by', sa.String(length=64), nullable=False),
    sa.Column('prepared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_reason', sa.String(length=200), nullable=True),
    sa.Column('courier', sa.String(length=50), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_supply_order_household_id_household')),
    sa.ForeignKeyConstraint(['package_id'], ['supply_package.id'], name=op.f('fk_supply_order_package_id_supply_package')),
    sa.ForeignKeyConstraint(['point_id'], ['supply_point.id'], name=op.f('fk_supply_order_point_id_supply_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_order')),
    sa.UniqueConstraint('household_id', 'package_id', 'delivery_day', 'round', name='uq_supply_order_household')
    )
    with op.batch_alter_table('supply_order', schema=None) as batch_op:
        batch_op.create_index('ix_supply_order_building_day', ['building_id', 'delivery_day', 'round'], unique=False)
        batch_op.create_index('ix_supply_order_community_day', ['community_id', 'delivery_day'], unique=False)
        batch_op.create_index('ix_supply_order_day_state', ['delivery_day', 'state', 'district_id'], unique=False)
        batch_op.create_index('ix_supply_order_point_day', ['point_id', 'delivery_day'], unique=False)
        batch_op.create_index('ix_supply_order_priority_due', ['priority', 'state', 'deadline_at'], unique=False)

    op.create_table('supply_special_needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('kinds', sa.JSON(), nullable=False),
    sa.Column('needs', sa.String(length=500), nullable=False),
    sa.Column('medicine', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registered_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_supply_special_needs_community_id_community')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_supply_special_needs_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_special_needs')),
    sa.UniqueConstraint('resident_id', name=op.f('uq_supply_special_needs_resident_id'))
    )
    with op.batch_alter_table('supply_special_needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_special_needs_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_special_needs_household_id'), ['household_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('supply_special_needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_special_needs_household_id'))
        batch_op.drop_index(batch_op.f('ix_supply_special_needs_community_id'))

    op.drop_table('supply_special_needs')
    with op.batch_alter_table('supply_order', schema=None) as batch_op:
        batch_op.drop_index('ix_supply_order_priority_due')
        batch_op.drop_index('ix_supply_order_point_day')
        batch_op.drop_index('ix_supply_order_day_state')
        batch_op.drop_index('ix_supply_order_community_day')
        batch_op.drop_index('ix_supply_order_building_day')

    op.drop_table('supply_order')
    op.drop_table('supply_point_day')
    with op.batch_alter_table('supply_point_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_point_area_point_id'))
        batch_op.drop_index(batch_op.f('ix_supply_point_area_compound_id'))
        batch_op.drop_index(batch_op.f('ix_supply_point_area_community_id'))

    op.drop_table('supply_point_area')
    with op.batch_alter_table('supply_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_point_district_id'))

    op.drop_table('supply_point')
    with op.batch_alter_table('supply_price_alert', schema=None) as batch_op:
        batch_op.drop_index('uq_supply_price_alert_open_package', sqlite_where=sa.text('is_open'), postgresql_where=sa.text('is_open'))

    op.drop_table('supply_price_alert')
    with op.batch_alter_table('supply_price_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_price_change_package_id'))

    op.drop_table('supply_price_change')
    op.drop_table('supply_package')
