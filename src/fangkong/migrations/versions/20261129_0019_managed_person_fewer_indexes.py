"""people under management: no index of their own on category or release day (filtered through the plan)

A policy switch rewrites every moved person's plan columns, and each index on managed_person costs it
one more entry per person; lists filter category and release days through the person's stored plan
(managed_queries.plans_with), which the (plan, district, status) index serves.

Revision ID: 20261129_0019
Revises: 20261129_0018
Create Date: 2026-11-29
"""

from alembic import op


revision = "20261129_0019"
down_revision = "20261129_0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_managed_person_category", table_name="managed_person")
    op.drop_index("ix_managed_person_release_on", table_name="managed_person")


def downgrade() -> None:
    op.create_index("ix_managed_person_release_on", "managed_person", ["release_on"])
    op.create_index("ix_managed_person_category", "managed_person", ["category"])
