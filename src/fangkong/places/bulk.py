"""High-volume inserts into the places tables: raw executemany on SQLite, COPY on PostgreSQL.

Rows are plain tuples in the column order given by each function's COLUMNS constant; ids are
chosen by the caller. Every function writes inside the caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Table, text
from sqlalchemy.engine import Connection

from fangkong.places.models import Building, Community, Compound, District, Subdistrict, Unit, Venue

DISTRICT_COLUMNS = ("id", "code", "name", "name_en", "kind", "lat", "lon")
SUBDISTRICT_COLUMNS = ("id", "code", "district_id", "name")
COMMUNITY_COLUMNS = ("id", "code", "subdistrict_id", "district_id", "name")
COMPOUND_COLUMNS = ("id", "community_id", "district_id", "name", "lat", "lon")
BUILDING_COLUMNS = ("id", "compound_id", "number", "lat", "lon")
UNIT_COLUMNS = ("id", "building_id", "number")
VENUE_COLUMNS = ("id", "code", "kind", "name", "address", "district_id", "community_id", "lat", "lon")


def insert_rows(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert tuples into `table` through the driver: COPY on PostgreSQL, executemany elsewhere.

    Shared by the domains' bulk modules (a candidate for core once a third domain needs it).
    """
    preparer = conn.dialect.identifier_preparer
    target = preparer.format_table(table)
    names = ", ".join(preparer.quote(column) for column in columns)
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    cursor = driver.cursor()
    try:
        cursor.executemany(f"INSERT INTO {target} ({names}) VALUES ({marks})", rows)
    finally:
        cursor.close()


def insert_districts(conn: Connection, rows: Iterable[Sequence]) -> None:
    insert_rows(conn, District.__table__, DISTRICT_COLUMNS, rows)


def insert_subdistricts(conn: Connection, rows: Iterable[Sequence]) -> None:
    insert_rows(conn, Subdistrict.__table__, SUBDISTRICT_COLUMNS, rows)


def insert_communities(conn: Connection, rows: Iterable[Sequence]) -> None:
    insert_rows(conn, Community.__table__, COMMUNITY_COLUMNS, rows)


def insert_compounds(conn: Connection, rows: Iterable[Sequence]) -> None:
    insert_rows(conn, Compound.__table__, COMPOUND_COLUMNS, rows)


def insert_buildings(conn: Connection, rows: Iterable[Sequence]) -> None:
    insert_rows(conn, Building.__table__, BUILDING_COLUMNS, rows)


def insert_units(conn: Connection, rows: Iterable[Sequence]) -> None:
    insert_rows(conn, Unit.__table__, UNIT_COLUMNS, rows)


def insert_venues(conn: Connection, rows: Iterable[Sequence]) -> None:
    insert_rows(conn, Venue.__table__, VENUE_COLUMNS, rows)


def reset_id_sequences(conn: Connection) -> None:
    """After inserting explicit ids on PostgreSQL, move each id sequence past the highest id."""
    if conn.dialect.name != "postgresql":
        return
    for model in (District, Subdistrict, Community, Compound, Building, Unit, Venue):
        reset_id_sequence(conn, model.__table__)


def reset_id_sequence(conn: Connection, table: Table) -> None:
    name = table.name
    conn.execute(text(
        f"SELECT setval(pg_get_serial_sequence(:table, 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {name}"
    ), {"table": name})
