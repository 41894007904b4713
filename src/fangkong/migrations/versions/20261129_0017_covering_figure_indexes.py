"""dashboard: indexes that answer the figures' grouped counts on their own

People under management are counted per (plan, district, stored status) and tube results per (lab,
day, round, turnaround): both indexes already existed without their last columns, so they are
widened, not added (the policy switch and the results import keep one index each to write).

Revision ID: 20261129_0017
Revises: 20261129_0016
Create Date: 2026-11-29
"""

from alembic import op


revision = "20261129_0017"
down_revision = "20261129_0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_managed_person_plan_district_status", "managed_person", ["plan_id", "district_id", "status"])
    op.drop_index("ix_managed_person_plan_district", table_name="managed_person")
    op.drop_index("ix_tube_result_lab_day", table_name="tube_result")
    op.create_index("ix_tube_result_lab_day", "tube_result", ["lab_id", "tested_on", "round_id", "turnaround_minutes"])


def downgrade() -> None:
    op.drop_index("ix_tube_result_lab_day", table_name="tube_result")
    op.create_index("ix_tube_result_lab_day", "tube_result", ["lab_id", "tested_on"])
    op.create_index("ix_managed_person_plan_district", "managed_person", ["plan_id", "district_id"])
    op.drop_index("ix_managed_person_plan_district_status", table_name="managed_person")
