"""plans stored once: managed_plan (phases, test days) shared by people; test results only where recorded

Each person held a copy of its plan (managed_phase rows, one test_appointment row per test day).
People with the same plan already carried the same plan_key (a fingerprint of the whole stored
plan), so each distinct key becomes one managed_plan row, built from the copy of one person who
has it; people point at it by plan_id. Recorded results move to test_result (their recording
time was not kept: NULL). Downgrade rebuilds the per-person copies from the shared plans.

Revision ID: 20261129_0006
Revises: 20261129_0005
Create Date: 2026-11-29
"""

from collections import defaultdict
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "20261129_0006"
down_revision = "20261129_0005"
branch_labels = None
depends_on = None

CHUNK = 1_000

person = sa.table(
    "managed_person",
    sa.column("id", sa.Integer), sa.column("plan_key", sa.String), sa.column("plan_id", sa.Integer),
    sa.column("pack", sa.String), sa.column("category", sa.String), sa.column("anchor", sa.Date),
    sa.column("identified_on", sa.Date), sa.column("starts_on", sa.Date), sa.column("release_on", sa.Date),
    sa.column("overrides", sa.JSON),
)
old_phase = sa.table(
    "managed_phase",
    sa.column("person_id", sa.Integer), sa.column("seq", sa.Integer), sa.column("kind", sa.String),
    sa.column("starts_on", sa.Date), sa.column("ends_on", sa.Date), sa.column("test_days", sa.JSON),
    sa.column("pack", sa.String),
)
plan = sa.table(
    "managed_plan",
    sa.column("id", sa.Integer), sa.column("plan_key", sa.String), sa.column("pack", sa.String),
    sa.column("category", sa.String), sa.column("anchor", sa.Date), sa.column("owed_from", sa.Date),
    sa.column("starts_on", sa.Date), sa.column("release_on", sa.Date), sa.column("overrides", sa.JSON),
)
phase = sa.table(
    "managed_plan_phase",
    sa.column("plan_id", sa.Integer), sa.column("seq", sa.Integer), sa.column("kind", sa.String),
    sa.column("starts_on", sa.Date), sa.column("ends_on", sa.Date), sa.column("pack", sa.String),
)
plan_test = sa.table(
    "managed_plan_test", sa.column("plan_id", sa.Integer), sa.column("day", sa.Date), sa.column("phase_seq", sa.Integer)
)


def upgrade() -> None:
    _create_plan_tables()
    with op.batch_alter_table("managed_person") as batch:
        batch.add_column(sa.Column("plan_id", sa.Integer(), nullable=True))
    _store_plans_once()
    op.execute(
        "INSERT INTO test_result (person_id, day, result, recorded_at) "
        "SELECT person_id, day, result, NULL FROM test_appointment WHERE result IS NOT NULL"
    )
    op.drop_index("ix_managed_person_plan_key_district", table_name="managed_person")
    with op.batch_alter_table("managed_person") as batch:
        batch.alter_column("plan_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(op.f("fk_managed_person_plan_id_managed_plan"), "managed_plan", ["plan_id"], ["id"])
        batch.drop_column("plan_key")
        batch.drop_column("overrides")
    op.create_index("ix_managed_person_plan_district", "managed_person", ["plan_id", "district_id"])
    _document_mac_index(partial=True)
    op.drop_index("ix_test_appointment_day", table_name="test_appointment")
    op.drop_table("test_appointment")
    op.drop_index("ix_managed_phase_kind_dates", table_name="managed_phase")
    op.drop_table("managed_phase")


def _document_mac_index(*, partial: bool) -> None:
    """Only non-residents have a document number: a partial index skips every resident (also on updates)."""
    op.drop_index("ix_managed_person_document_mac", table_name="managed_person")
    where = {f"{dialect}_where": sa.text("document_mac IS NOT NULL") for dialect in ("sqlite", "postgresql")}
    op.create_index("ix_managed_person_document_mac", "managed_person", ["document_mac"], **(where if partial else {}))


def _create_plan_tables() -> None:
    op.create_table(
        "managed_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_key", sa.String(length=32), nullable=False),
        sa.Column("pack", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("anchor", sa.Date(), nullable=False),
        sa.Column("owed_from", sa.Date(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("release_on", sa.Date(), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_managed_plan")),
        sa.UniqueConstraint("plan_key", name=op.f("uq_managed_plan_plan_key")),
    )
    op.create_table(
        "managed_plan_phase",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("pack", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["managed_plan.id"], name=op.f("fk_managed_plan_phase_plan_id_managed_plan")
        ),
        sa.PrimaryKeyConstraint("plan_id", "seq", name=op.f("pk_managed_plan_phase")),
    )
    op.create_index("ix_managed_plan_phase_kind_dates", "managed_plan_phase", ["kind", "starts_on", "ends_on"])
    op.create_table(
        "managed_plan_test",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("phase_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["managed_plan.id"], name=op.f("fk_managed_plan_test_plan_id_managed_plan")
        ),
        sa.PrimaryKeyConstraint("plan_id", "day", name=op.f("pk_managed_plan_test")),
    )
    op.create_index("ix_managed_plan_test_day", "managed_plan_test", ["day"])
    op.create_table(
        "test_result",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["managed_person.id"], name=op.f("fk_test_result_person_id_managed_person")
        ),
        sa.PrimaryKeyConstraint("person_id", "day", name=op.f("pk_test_result")),
    )


def _store_plans_once() -> None:
    """One managed_plan per distinct plan_key, from the stored copy of the first person who has it."""
    bind = op.get_bind()
    firsts = bind.execute(sa.select(sa.func.min(person.c.id)).group_by(person.c.plan_key)).scalars().all()
    next_id = 1
    for start in range(0, len(firsts), CHUNK):
        chunk = firsts[start:start + CHUNK]
        phases = defaultdict(list)
        query = sa.select(old_phase).where(old_phase.c.person_id.in_(chunk))
        for row in bind.execute(query.order_by(old_phase.c.person_id, old_phase.c.seq)):
            phases[row.person_id].append(row)
        plans, plan_phases, tests = [], [], []
        for row in bind.execute(sa.select(person).where(person.c.id.in_(chunk))):
            plans.append({
                "id": next_id, "plan_key": row.plan_key, "pack": row.pack, "category": row.category,
                "anchor": row.anchor, "owed_from": row.identified_on, "starts_on": row.starts_on,
                "release_on": row.release_on, "overrides": row.overrides or [],
            })
            days = set()
            for p in phases[row.id]:
                plan_phases.append({"plan_id": next_id, "seq": p.seq, "kind": p.kind, "starts_on": p.starts_on,
                                    "ends_on": p.ends_on, "pack": p.pack})
                for n in p.test_days:
                    day = p.starts_on + timedelta(days=n - 1)
                    if day not in days:
                        days.add(day)
                        tests.append({"plan_id": next_id, "day": day, "phase_seq": p.seq})
            next_id += 1
        for table, rows in ((plan, plans), (phase, plan_phases), (plan_test, tests)):
            if rows:
                bind.execute(table.insert(), rows)
    if bind.dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('managed_plan', 'id'), COALESCE(MAX(id), 0) + 1, false) "
                   "FROM managed_plan")
    op.execute(
        "UPDATE managed_person SET plan_id = "
        "(SELECT managed_plan.id FROM managed_plan WHERE managed_plan.plan_key = managed_person.plan_key)"
    )


def downgrade() -> None:
    op.create_table(
        "managed_phase",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("test_days", sa.JSON(), nullable=False),
        sa.Column("pack", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["managed_person.id"], name=op.f("fk_managed_phase_person_id_managed_person")
        ),
        sa.PrimaryKeyConstraint("person_id", "seq", name=op.f("pk_managed_phase")),
    )
    op.create_index("ix_managed_phase_kind_dates", "managed_phase", ["kind", "starts_on", "ends_on"])
    op.create_table(
        "test_appointment",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("phase_seq", sa.Integer(), nullable=False),
        sa.Column("owed", sa.Boolean(), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["managed_person.id"], name=op.f("fk_test_appointment_person_id_managed_person")
        ),
        sa.PrimaryKeyConstraint("person_id", "day", name=op.f("pk_test_appointment")),
    )
    op.create_index("ix_test_appointment_day", "test_appointment", ["day"])
    with op.batch_alter_table("managed_person") as batch:
        batch.add_column(sa.Column("plan_key", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("overrides", sa.JSON(), nullable=True))
    op.execute(
        "UPDATE managed_person SET "
        "plan_key = (SELECT p.plan_key FROM managed_plan p WHERE p.id = managed_person.plan_id), "
        "overrides = (SELECT p.overrides FROM managed_plan p WHERE p.id = managed_person.plan_id)"
    )
    _copy_plans_to_people()
    op.drop_index("ix_managed_person_plan_district", table_name="managed_person")
    with op.batch_alter_table("managed_person") as batch:
        batch.alter_column("plan_key", existing_type=sa.String(length=32), nullable=False)
        batch.alter_column("overrides", existing_type=sa.JSON(), nullable=False)
        batch.drop_constraint(op.f("fk_managed_person_plan_id_managed_plan"), type_="foreignkey")
        batch.drop_column("plan_id")
    op.create_index("ix_managed_person_plan_key_district", "managed_person", ["plan_key", "district_id"])
    _document_mac_index(partial=False)
    op.drop_table("test_result")
    op.drop_index("ix_managed_plan_test_day", table_name="managed_plan_test")
    op.drop_table("managed_plan_test")
    op.drop_index("ix_managed_plan_phase_kind_dates", table_name="managed_plan_phase")
    op.drop_table("managed_plan_phase")
    op.drop_table("managed_plan")


def _copy_plans_to_people() -> None:
    """Each person's copy of its plan: phases (test days numbered within the phase) and one appointment per
    test day, with the recorded result; results of days the plan no longer tests keep an appointment too."""
    bind = op.get_bind()
    numbered = defaultdict(list)
    for row in bind.execute(sa.select(plan_test, phase.c.starts_on).join(
        phase, sa.and_(phase.c.plan_id == plan_test.c.plan_id, phase.c.seq == plan_test.c.phase_seq)
    ).order_by(plan_test.c.plan_id, plan_test.c.day)):
        numbered[(row.plan_id, row.phase_seq)].append((row.day - row.starts_on).days + 1)
    for row in bind.execute(sa.select(phase).order_by(phase.c.plan_id, phase.c.seq)).all():
        bind.execute(
            old_phase.insert().from_select(
                ["person_id", "seq", "kind", "starts_on", "ends_on", "test_days", "pack"],
                sa.select(
                    person.c.id, sa.literal(row.seq), sa.literal(row.kind), sa.literal(row.starts_on, sa.Date),
                    sa.literal(row.ends_on, sa.Date), sa.literal(numbered[(row.plan_id, row.seq)], sa.JSON),
                    sa.literal(row.pack),
                ).where(person.c.plan_id == row.plan_id),
            )
        )
    op.execute(
        "INSERT INTO test_appointment (person_id, day, phase_seq, owed, result) "
        "SELECT p.id, t.day, t.phase_seq, t.day >= pl.owed_from, r.result FROM managed_person p "
        "JOIN managed_plan_test t ON t.plan_id = p.plan_id JOIN managed_plan pl ON pl.id = p.plan_id "
        "LEFT JOIN test_result r ON r.person_id = p.id AND r.day = t.day"
    )
    op.execute(
        "INSERT INTO test_appointment (person_id, day, phase_seq, owed, result) "
        "SELECT r.person_id, r.day, COALESCE((SELECT ph.seq FROM managed_plan_phase ph WHERE ph.plan_id = p.plan_id "
        "AND ph.starts_on <= r.day AND ph.ends_on >= r.day), 0), r.day >= pl.owed_from, r.result "
        "FROM test_result r JOIN managed_person p ON p.id = r.person_id JOIN managed_plan pl ON pl.id = p.plan_id "
        "WHERE NOT EXISTS (SELECT 1 FROM managed_plan_test t WHERE t.plan_id = p.plan_id AND t.day = r.day)"
    )
