"""area codes for subdistricts and communities (jurisdiction), append-only audit log

Revision ID: 20261129_0003
Revises: 20261129_0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "20261129_0003"
down_revision = "20261129_0002"
branch_labels = None
depends_on = None

APPEND_ONLY_SQLITE = """
CREATE TRIGGER audit_event_no_{verb} BEFORE {VERB} ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END
"""
APPEND_ONLY_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_event is append-only'; END;
$$ LANGUAGE plpgsql
"""
APPEND_ONLY_POSTGRES_TRIGGER = """
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_event
FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()
"""


def _add_code(table: str, length: int) -> None:
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("code", sa.String(length=length), nullable=True))
    # existing rows get a code derived from their id; `fangkong demo` writes real ones
    parent = "district" if table == "subdistrict" else "subdistrict"
    op.execute(
        f"UPDATE {table} SET code = (SELECT p.code FROM {parent} p WHERE p.id = {table}.{parent}_id)"
        f" || substr('000' || (id % 1000), -3, 3)"
        if op.get_bind().dialect.name == "sqlite"
        else f"UPDATE {table} SET code = (SELECT p.code FROM {parent} p WHERE p.id = {table}.{parent}_id)"
        f" || lpad((id % 1000)::text, 3, '0')"
    )
    with op.batch_alter_table(table) as batch:
        batch.alter_column("code", existing_type=sa.String(length=length), nullable=False)
        batch.create_unique_constraint(f"uq_{table}_code", ["code"])


def upgrade() -> None:
    _add_code("subdistrict", 9)
    _add_code("community", 12)
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("actor_via", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("request_id", sa.String(length=40), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index(op.f("ix_audit_event_at"), "audit_event", ["at"])
    op.create_index(op.f("ix_audit_event_actor_user_id"), "audit_event", ["actor_user_id"])
    op.create_index(op.f("ix_audit_event_action"), "audit_event", ["action"])
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("update", "delete"):
            op.execute(APPEND_ONLY_SQLITE.format(verb=verb, VERB=verb.upper()))
    else:
        op.execute(APPEND_ONLY_POSTGRES_FUNCTION)
        op.execute(APPEND_ONLY_POSTGRES_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    op.drop_table("audit_event")
    for table in ("community", "subdistrict"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_code", type_="unique")
            batch.drop_column("code")
