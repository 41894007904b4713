"""The app's start (its lifespan, app.prepared): the garbage collector tuned for bulk requests while it
serves, as it was once it stops."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from fangkong.app import GC_YOUNG_THRESHOLD, create_app


def test_serving_looks_at_young_objects_less_often_and_stopping_restores_it(engine):
    before = gc.get_threshold()
    assert before[0] != GC_YOUNG_THRESHOLD
    with TestClient(create_app(engine=engine)) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
