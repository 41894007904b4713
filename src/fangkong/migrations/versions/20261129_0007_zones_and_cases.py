"""zones and cases: the case register (case_record, case_place) and risk zones with their history

Revision ID: 20261129_0007
Revises: 20261129_0006
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "20261129_0007"
down_revision = "20261129_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "zone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("pack", sa.String(length=20), nullable=False),
        sa.Column("granularity", sa.String(length=10), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("designated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("designated_on", sa.Date(), nullable=True),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("approved_by_user_id", sa.Integer(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["district_id"], ["district.id"], name=op.f("fk_zone_district_id_district")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone")),
    )
    op.create_index("ix_zone_state_district", "zone", ["state", "district_id"])

    op.create_table(
        "zone_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_zone_event_zone_id_zone")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_event")),
    )
    op.create_index(op.f("ix_zone_event_zone_id"), "zone_event", ["zone_id"])

    op.create_table(
        "zone_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("pack", sa.String(length=20), nullable=False),
        sa.Column("approver_name", sa.String(length=64), nullable=False),
        sa.Column("approver_user_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["approver_user_id"], ["user_account.id"], name=op.f("fk_zone_override_approver_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_zone_override_zone_id_zone")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_override")),
    )
    op.create_index(op.f("ix_zone_override_zone_id"), "zone_override", ["zone_id"])

    op.create_table(
        "zone_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("from_tier", sa.String(length=8), nullable=False),
        sa.Column("to_tier", sa.String(length=8), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("last_infection_on", sa.Date(), nullable=True),
        sa.Column("pack", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decision_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_zone_proposal_zone_id_zone")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_proposal")),
    )
    op.create_index("ix_zone_proposal_state_zone", "zone_proposal", ["state", "zone_id"])

    op.create_table(
        "zone_span",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=8), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("reached_by", sa.String(length=12), nullable=False),
        sa.Column("previous_tier", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_zone_span_zone_id_zone")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_span")),
    )
    op.create_index("ix_zone_span_dates", "zone_span", ["starts_on", "ends_on"])
    op.create_index("ix_zone_span_zone_starts", "zone_span", ["zone_id", "starts_on"])

    op.create_table(
        "zone_test_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("sampled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sampled_on", sa.Date(), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_zone_test_round_zone_id_zone")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_test_round")),
        sa.UniqueConstraint("zone_id", "sampled_at", name=op.f("uq_zone_test_round_zone_id")),
    )
    op.create_index("ix_zone_test_round_zone_day", "zone_test_round", ["zone_id", "sampled_on"])

    op.create_table(
        "zone_place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("building_id", sa.Integer(), nullable=True),
        sa.Column("compound_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=True),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["building_id"], ["building.id"], name=op.f("fk_zone_place_building_id_building")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_zone_place_community_id_community")
        ),
        sa.ForeignKeyConstraint(["compound_id"], ["compound.id"], name=op.f("fk_zone_place_compound_id_compound")),
        sa.ForeignKeyConstraint(["district_id"], ["district.id"], name=op.f("fk_zone_place_district_id_district")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_zone_place_unit_id_unit")),
        sa.ForeignKeyConstraint(["venue_id"], ["venue.id"], name=op.f("fk_zone_place_venue_id_venue")),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_zone_place_zone_id_zone")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_place")),
    )
    op.create_index(op.f("ix_zone_place_building_id"), "zone_place", ["building_id"])
    op.create_index(op.f("ix_zone_place_community_id"), "zone_place", ["community_id"])
    op.create_index(op.f("ix_zone_place_compound_id"), "zone_place", ["compound_id"])
    op.create_index(op.f("ix_zone_place_unit_id"), "zone_place", ["unit_id"])
    op.create_index(op.f("ix_zone_place_venue_id"), "zone_place", ["venue_id"])
    op.create_index(op.f("ix_zone_place_zone_id"), "zone_place", ["zone_id"])

    op.create_table(
        "case_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("document_kind", sa.String(length=10), nullable=True),
        sa.Column("document_enc", sa.LargeBinary(), nullable=True),
        sa.Column("document_mac", sa.LargeBinary(length=16), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("home_unit_id", sa.Integer(), nullable=True),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("managed_person_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_case_record_community_id_community")
        ),
        sa.ForeignKeyConstraint(["district_id"], ["district.id"], name=op.f("fk_case_record_district_id_district")),
        sa.ForeignKeyConstraint(["home_unit_id"], ["unit.id"], name=op.f("fk_case_record_home_unit_id_unit")),
        sa.ForeignKeyConstraint(
            ["managed_person_id"], ["managed_person.id"], name=op.f("fk_case_record_managed_person_id_managed_person")
        ),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"], name=op.f("fk_case_record_resident_id_resident")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_record")),
    )
    op.create_index(op.f("ix_case_record_community_id"), "case_record", ["community_id"])
    op.create_index(op.f("ix_case_record_district_id"), "case_record", ["district_id"])
    op.create_index(op.f("ix_case_record_document_mac"), "case_record", ["document_mac"])
    op.create_index(op.f("ix_case_record_reported_on"), "case_record", ["reported_on"])
    op.create_index(op.f("ix_case_record_resident_id"), "case_record", ["resident_id"])

    op.create_table(
        "case_place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("venue_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"], name=op.f("fk_case_place_case_id_case_record")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_case_place_unit_id_unit")),
        sa.ForeignKeyConstraint(["venue_id"], ["venue.id"], name=op.f("fk_case_place_venue_id_venue")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_place")),
    )
    op.create_index(op.f("ix_case_place_case_id"), "case_place", ["case_id"])

    op.create_table(
        "zone_infection",
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"], name=op.f("fk_zone_infection_case_id_case_record")),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_zone_infection_zone_id_zone")),
        sa.PrimaryKeyConstraint("zone_id", "case_id", name=op.f("pk_zone_infection")),
    )
    op.create_index("ix_zone_infection_zone_reported", "zone_infection", ["zone_id", "reported_on"])


def downgrade() -> None:
    op.drop_table("zone_infection")
    op.drop_table("case_place")
    op.drop_table("case_record")
    op.drop_table("zone_place")
    op.drop_table("zone_test_round")
    op.drop_table("zone_span")
    op.drop_table("zone_proposal")
    op.drop_table("zone_override")
    op.drop_table("zone_event")
    op.drop_table("zone")
