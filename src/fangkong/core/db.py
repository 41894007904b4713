"""Engine, sessions and the declarative Base shared by every domain."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field
from sqlalchemy import MetaData, create_engine, event, text
from sqlalchemy.engine import Connection, Engine, URL, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from fangkong.config import get_settings
from fangkong.core.errors import InvalidInput

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MAX_ROW_ID = 2**31 - 1  # primary keys are INTEGER: larger ids cannot exist and PostgreSQL refuses to compare them
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]  # an id in a path or payload: out of range is a 422, not a 500


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def normalize_url(database_url: str) -> URL:
    """Use psycopg 3 for PostgreSQL whatever driver the URL names."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def make_engine(database_url: str, **kwargs) -> Engine:
    url = normalize_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _begin_before_first_savepoint)
    else:
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
    event.listen(engine, "before_cursor_execute", _refuse_nul_characters)
    return engine


def _refuse_nul_characters(_connection, _cursor, _statement, parameters, _context, executemany: bool) -> None:
    """Text with a NUL character is bad input on both backends (PostgreSQL would fail the statement: a 500).

    Checked for every single statement, so every form, payload and query parameter is covered; bulk
    executemany loads (bulk.py) are skipped, they write rows generated or validated on their own.
    """
    if executemany or not parameters:
        return
    values = parameters.values() if isinstance(parameters, Mapping) else parameters
    if any(isinstance(value, str) and "\x00" in value for value in values):
        raise InvalidInput("nul_character", "text must not contain NUL characters")


# Page cache per connection, allocated as used. The default 2 MB is far below the indexes of a round's
# 3.1 M samples: a bulk import re-read their pages for every random insert (measured: raw inserts of a
# round 30 s → 25 s with 64 MB; 256 MB gave no more).
SQLITE_CACHE_KIB = 65_536


# Page size of a new database (an existing one keeps its own). A round's swabs go at random into the
# (person, round) index, and every page a commit touched is written again: with fewer, larger pages
# 3.1 M sample rows by plain executemany took 16.4 s instead of 19.5 s (4 KiB, SQLite's default).
SQLITE_PAGE_BYTES = 16_384


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_BYTES}")  # before WAL: a WAL database cannot change it
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


def _begin_before_first_savepoint(conn: Connection, _name) -> None:
    """Open the transaction a savepoint is meant to nest in.

    Python's sqlite3 begins a transaction only before its first INSERT, UPDATE or DELETE. A SAVEPOINT
    sent first (the unit of work had only read) opens a transaction of its own, and its RELEASE then
    commits: the rows written inside stayed stored even when the unit of work rolled back after.
    """
    driver = conn.connection.driver_connection
    if not driver.in_transaction:
        driver.execute("BEGIN")


def refresh_statistics(conn: Connection, tables: Iterable[str] = (), *, sample_rows: int = 0) -> None:
    """Gather the query planner's statistics for `tables` (all tables when none are named), in the
    caller's transaction: to be called at the end of bulk loads.

    SQLite never gathers them by itself, and without them it may plan a join over a big table
    the wrong way round (measured: minutes instead of milliseconds); PostgreSQL's autovacuum
    would, but only some time after the load. `sample_rows` (SQLite only) bounds the rows ANALYZE
    reads per index, for a cheap refresh of a whole database; PostgreSQL always samples.
    """
    preparer = conn.dialect.identifier_preparer
    names = [preparer.quote(table) for table in tables]
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ANALYZE {', '.join(names)}" if names else "ANALYZE")
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA analysis_limit={int(sample_rows)}")
        try:
            for statement in [f"ANALYZE {name}" for name in names] or ["ANALYZE"]:
                conn.exec_driver_sql(statement)
        finally:
            conn.exec_driver_sql("PRAGMA analysis_limit=0")


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False)


@contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: commit at the end, roll back on any error. Services never commit."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def database_status(engine: Engine) -> dict[str, str]:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - health check reports any failure
        return {"status": "unavailable", "backend": engine.dialect.name, "reason": type(exc).__name__}
    return {"status": "ok", "backend": engine.dialect.name}
