"""retention_stat: de-identified counts of what retention purges deleted

Revision ID: 20261129_0005
Revises: 20261129_0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "20261129_0005"
down_revision = "20261129_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_stat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purged_on", sa.Date(), nullable=False),
        sa.Column("release_on", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"], ["district.id"], name=op.f("fk_retention_stat_district_id_district")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_stat")),
    )
    op.create_index(op.f("ix_retention_stat_purged_on"), "retention_stat", ["purged_on"])


def downgrade() -> None:
    op.drop_index(op.f("ix_retention_stat_purged_on"), table_name="retention_stat")
    op.drop_table("retention_stat")
