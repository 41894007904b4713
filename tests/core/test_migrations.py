"""The schema comes from Alembic migrations, and they agree with the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from fangkong.schema import metadata


def test_migrations_match_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_migrated_database_has_every_table(engine):
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables
    assert "alembic_version" in tables


def test_id_number_lookup_uses_a_unique_index(engine):
    indexes = inspect(engine).get_indexes("resident") + [
        {"column_names": u["column_names"], "unique": True} for u in inspect(engine).get_unique_constraints("resident")
    ]
    assert any(ix["column_names"] == ["id_number_mac"] and ix["unique"] for ix in indexes)
