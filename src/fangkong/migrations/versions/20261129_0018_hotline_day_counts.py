"""hotline: per-day counts of the tickets, kept by every write (the dashboard reads them, not the tickets)

Filled at upgrade from the tickets already there, with the same definitions as hotline.day_counts.
The one count that moves with the clock (open tickets past their deadline, by day of receipt) is read from
the tickets: their (state, deadline) index is widened to cover it.

Revision ID: 20261129_0018
Revises: 20261129_0017
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op


revision = "20261129_0018"
down_revision = "20261129_0017"
branch_labels = None
depends_on = None

COUNTERS = ("received", "responded", "replied", "on_time", "resolved", "visited", "satisfied")


def upgrade() -> None:
    op.create_table(
        "hotline_day_count",
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTERS),
        sa.PrimaryKeyConstraint("received_on", "district_id", "department_id", name=op.f("pk_hotline_day_count")),
    )
    op.execute("""
        INSERT INTO hotline_day_count (received_on, district_id, department_id, received, responded, replied,
                                       on_time, resolved, visited, satisfied)
        SELECT received_on, COALESCE(district_id, 0), COALESCE(department_id, 0), COUNT(*),
               SUM(CASE WHEN state NOT IN ('received', 'dispatched') THEN 1 ELSE 0 END),
               SUM(CASE WHEN state IN ('replied', 'closed', 'visited') THEN 1 ELSE 0 END),
               SUM(CASE WHEN state IN ('replied', 'closed', 'visited') AND replied_at <= reply_due_at
                        THEN 1 ELSE 0 END),
               SUM(CASE WHEN state IN ('closed', 'visited') THEN 1 ELSE 0 END),
               SUM(CASE WHEN satisfaction IS NOT NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN satisfaction IN ('satisfied', 'basically') THEN 1 ELSE 0 END)
        FROM hotline_ticket WHERE state != 'refused'
        GROUP BY received_on, COALESCE(district_id, 0), COALESCE(department_id, 0)
    """)
    op.drop_index("ix_hotline_ticket_state_due", table_name="hotline_ticket")
    op.create_index("ix_hotline_ticket_state_due", "hotline_ticket",
                    ["state", "reply_due_at", "received_on", "district_id", "department_id"])


def downgrade() -> None:
    op.drop_index("ix_hotline_ticket_state_due", table_name="hotline_ticket")
    op.create_index("ix_hotline_ticket_state_due", "hotline_ticket", ["state", "reply_due_at"])
    op.drop_table("hotline_day_count")
