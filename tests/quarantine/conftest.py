"""A live server for the quarantine tests that need real concurrency (uvicorn on a free port, in a thread)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from liveserver import serve

from fangkong.app import create_app


@contextmanager
def live_server(engine) -> Iterator[str]:
    with serve(create_app(engine=engine)) as base:
        yield base
