"""Alembic driven from code: `fangkong db upgrade` and the tests use the same path."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from fangkong.core.db import refresh_statistics

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    if engine is not None:
        # configparser interpolates "%": a URL-encoded password or option must be escaped
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


UPGRADE_SAMPLE_ROWS = 1_000  # rows per index read by the SQLite ANALYZE after an upgrade: milliseconds at any size


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to `revision`; on SQLite, then refresh the planner statistics cheaply (sampled).

    SQLite never gathers statistics by itself: a database loaded before bulk paths refreshed them
    gets some here. PostgreSQL's autovacuum keeps its own.
    """
    with _migrating(engine) as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        if connection.dialect.name == "sqlite":
            refresh_statistics(connection, sample_rows=UPGRADE_SAMPLE_ROWS)


def downgrade(engine: Engine, revision: str) -> None:
    with _migrating(engine) as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """One transaction for the migrations; on SQLite with foreign-key enforcement off meanwhile.

    SQLite changes a table's columns by copying it into a new table and dropping the old one, and
    with enforcement on that drop fails for a table other rows refer to (SQLite cannot switch it
    inside a transaction). Every reference is checked before commit instead: a dangling one fails
    the migration and rolls it back.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if dangling:
                        raise RuntimeError(f"migration left rows with dangling references: {dangling[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def new_revision(engine: Engine, message: str) -> None:
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
