"""Throwaway databases for the test suite and the benchmarks (never imported by the app itself).

A `ScratchDatabase` is an empty database migrated to a revision: a SQLite file, or a PostgreSQL
schema of its own inside an existing database (the schema travels in the URL's search_path, so
a command run with FANGKONG_DATABASE_URL=url lands in it too). `drop()` removes it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from fangkong.core import migrate
from fangkong.core.db import make_engine


class ScratchDatabase:
    def __init__(
        self, backend: str, directory: Path, *, postgres_url: str, prefix: str = "fk", revision: str = "head"
    ) -> None:
        self.backend = backend
        if backend == "sqlite":
            self.path = Path(directory) / f"{prefix}-{uuid.uuid4().hex[:8]}.db"
            self.url = f"sqlite:///{self.path}"
        else:
            self.postgres_url = postgres_url
            self.schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
            admin = make_engine(postgres_url)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            admin.dispose()
            self.url = str(make_url(postgres_url).update_query_dict({"options": f"-csearch_path={self.schema}"}))
        self.engine = make_engine(self.url)
        migrate.upgrade(self.engine, revision)

    def drop(self) -> None:
        self.engine.dispose()
        if self.backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
            return
        admin = make_engine(self.postgres_url)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
        admin.dispose()
