"""lab samples: one index led by the person serves both the round's uniqueness and a person's history

(round, person, attempt) unique plus (person) became (person, round, attempt) unique: a round's
sampling records arrive with their people's MACs in random order, and each index led by them cost
an import one random insert per record.

Revision ID: 20261129_0021
Revises: 20261129_0020
Create Date: 2026-11-29
"""

from alembic import op


revision = "20261129_0021"
down_revision = "20261129_0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sample") as batch_op:
        batch_op.drop_index("ix_sample_person_mac")
        batch_op.drop_constraint("uq_sample_round_person_attempt", type_="unique")
        batch_op.create_unique_constraint("uq_sample_person_round_attempt", ["person_mac", "round_id", "attempt"])


def downgrade() -> None:
    with op.batch_alter_table("sample") as batch_op:
        batch_op.drop_constraint("uq_sample_person_round_attempt", type_="unique")
        batch_op.create_unique_constraint("uq_sample_round_person_attempt", ["round_id", "person_mac", "attempt"])
        batch_op.create_index("ix_sample_person_mac", ["person_mac"])
