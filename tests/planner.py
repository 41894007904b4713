"""What the query planner believes about a table, on SQLite and PostgreSQL (for statistics tests)."""

from sqlalchemy import text


def planner_rows(conn, table: str) -> float | None:
    """The row count the planner's statistics give `table` (None: never analyzed)."""
    if conn.dialect.name == "sqlite":
        stats = conn.execute(text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t"), {"t": table}).scalars().all()
        return float(stats[0].split()[0]) if stats else None
    believed = conn.execute(text(
        "SELECT reltuples FROM pg_class WHERE relname = :t AND relnamespace = current_schema()::regnamespace"
    ), {"t": table}).scalar_one()
    return None if believed < 0 else believed
