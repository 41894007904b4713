"""The app's start (its lifespan, app.prepared): the objects of start-up are frozen out of the
garbage collector's reach, so the first full collection does not scan them during a request."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from fangkong.app import create_app


def test_starting_freezes_the_start_up_objects(engine):
    gc.unfreeze()  # whatever an earlier app of this test process froze
    assert gc.get_freeze_count() == 0
    with TestClient(create_app(engine=engine)) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_freeze_count() > 0
