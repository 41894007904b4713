"""core.gcpause: bulk routes run with the cyclic collector paused, and leave it as they found it."""

from __future__ import annotations

import gc

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from fangkong.app import create_app
from fangkong.core.gcpause import CollectorPausedRoute, collector_paused


def test_a_bulk_route_runs_with_the_collector_paused_and_turns_it_back_on():
    router, bulk = APIRouter(), APIRouter(route_class=CollectorPausedRoute)

    @bulk.post("/bulk")
    def bulk_endpoint(body: dict) -> dict:
        return {"collecting": gc.isenabled(), "records": len(body["records"])}

    @router.post("/one")
    def one_endpoint(body: dict) -> dict:
        return {"collecting": gc.isenabled()}

    router.include_router(bulk)  # as lab.api includes its batch routes
    app = FastAPI()
    app.include_router(router)
    assert gc.isenabled()
    with TestClient(app) as client:
        assert client.post("/bulk", json={"records": [1, 2]}).json() == {"collecting": False, "records": 2}
        assert gc.isenabled()
        assert client.post("/one", json={}).json() == {"collecting": True}


def test_overlapping_pauses_end_with_the_collector_on():
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_lab_batch_routes_are_the_paused_ones(engine):
    try:
        from fastapi.routing import iter_route_contexts  # recent FastAPI keeps included routers nested
    except ImportError:
        routes = create_app(engine=engine).routes
    else:
        routes = iter_route_contexts(create_app(engine=engine).routes)
    paused = sorted(route.path for route in routes
                    if isinstance(getattr(route, "original_route", route), CollectorPausedRoute))
    assert paused == ["/api/v1/lab/results:batch", "/api/v1/lab/samples:batch"]
