"""dashboard: index the hotline's over-enforcement complaints

Revision ID: 20261129_0016
Revises: 20261129_0015
Create Date: 2026-11-29
"""

from alembic import op


revision = "20261129_0016"
down_revision = '20261129_0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_hotline_ticket_over_enforcement', 'hotline_ticket', ['over_enforcement'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_hotline_ticket_over_enforcement', table_name='hotline_ticket')
