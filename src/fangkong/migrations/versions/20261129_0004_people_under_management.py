"""people under management: persons, stored plans (phases, test appointments), history, local overrides

Revision ID: 20261129_0004
Revises: 20261129_0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "20261129_0004"
down_revision = "20261129_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "managed_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("document_kind", sa.String(length=10), nullable=True),
        sa.Column("document_enc", sa.LargeBinary(), nullable=True),
        sa.Column("document_mac", sa.LargeBinary(length=16), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("anchor", sa.Date(), nullable=False),
        sa.Column("identified_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("pack", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("phase_kind", sa.String(length=32), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("release_on", sa.Date(), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("plan_key", sa.String(length=32), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_managed_person_community_id_community")
        ),
        sa.ForeignKeyConstraint(["district_id"], ["district.id"], name=op.f("fk_managed_person_district_id_district")),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"], name=op.f("fk_managed_person_resident_id_resident")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_managed_person")),
    )
    op.create_index(op.f("ix_managed_person_category"), "managed_person", ["category"])
    op.create_index(op.f("ix_managed_person_community_id"), "managed_person", ["community_id"])
    op.create_index(
        "ix_managed_person_district_status_release", "managed_person", ["district_id", "status", "release_on"]
    )
    op.create_index(op.f("ix_managed_person_document_mac"), "managed_person", ["document_mac"])
    op.create_index(op.f("ix_managed_person_release_on"), "managed_person", ["release_on"])
    op.create_index(
        "ix_managed_person_resident_category_anchor", "managed_person", ["resident_id", "category", "anchor"]
    )
    op.create_index("ix_managed_person_plan_key_district", "managed_person", ["plan_key", "district_id"])

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

    op.create_table(
        "managed_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["managed_person.id"], name=op.f("fk_managed_event_person_id_managed_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_managed_event")),
    )
    op.create_index(op.f("ix_managed_event_person_id"), "managed_event", ["person_id"])

    op.create_table(
        "local_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope_kind", sa.String(length=10), nullable=False),
        sa.Column("scope_code", sa.String(length=32), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("phase_kind", sa.String(length=32), nullable=False),
        sa.Column("extra_days", sa.Integer(), nullable=False),
        sa.Column("extra_test_days", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("pack", sa.String(length=20), nullable=False),
        sa.Column("approver_user_id", sa.Integer(), nullable=True),
        sa.Column("approver_name", sa.String(length=64), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["approver_user_id"], ["user_account.id"], name=op.f("fk_local_override_approver_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(["district_id"], ["district.id"], name=op.f("fk_local_override_district_id_district")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_override")),
    )
    op.create_index("ix_local_override_scope_dates", "local_override", ["district_id", "starts_on", "ends_on"])


def downgrade() -> None:
    op.drop_table("local_override")
    op.drop_table("managed_event")
    op.drop_table("test_appointment")
    op.drop_table("managed_phase")
    op.drop_table("managed_person")
