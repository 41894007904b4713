"""FastAPI app factory: mounts each domain's API and page routers."""

from __future__ import annotations

import gc
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from sqlalchemy.orm import configure_mappers
from starlette.concurrency import run_in_threadpool
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fangkong import __version__
from fangkong.config import Settings, get_settings
from fangkong.core import audit
from fangkong.core.auth import LoginRequired
from fangkong.core.csrf import csrf_protect
from fangkong.core.db import database_status, make_engine, session_factory
from fangkong.core.deps import unit_of_work
from fangkong.core.errors import DomainError
from fangkong.core.hardening import SecurityMiddleware
from fangkong.core.admission import DatabaseAdmission, pool_slots
from fangkong.core.one_trip import GroupWriter, writer_threads
from fangkong.core.http_errors import api_error_responses, install_error_handlers
from fangkong.core.permissions import public
from fangkong.core.routes import AllowedMethods, route_contexts
from fangkong.people import api as people_api
from fangkong.people import cases_api as people_cases_api
from fangkong.people import managed_api as people_managed_api
from fangkong.people import managed_web as people_managed_web
from fangkong.people import switch_web as people_switch_web
from fangkong.people import web as people_web
from fangkong.places import api as places_api
from fangkong.places import web as places_web
from fangkong.lab import api as lab_api
from fangkong.lab import web as lab_web
from fangkong.quarantine import api as quarantine_api
from fangkong.quarantine import web as quarantine_web
from fangkong.enterprises import api as enterprises_api
from fangkong.enterprises import web as enterprises_web
from fangkong.hotline import api as hotline_api
from fangkong.hotline import open311 as hotline_open311
from fangkong.hotline import web as hotline_web
from fangkong.dashboard import api as dashboard_api
from fangkong.dashboard import web as dashboard_web
from fangkong.inspection import api as inspection_api
from fangkong.inspection import web as inspection_web
from fangkong.supplies import api as supplies_api
from fangkong.supplies import web as supplies_web
from fangkong.tracing import api as tracing_api
from fangkong.tracing import web as tracing_web
from fangkong.web import audit as audit_web
from fangkong.web import routes as shell_routes
from fangkong.web.assets import STATIC_DIR, asset_version
from fangkong.web.templating import render_error_page
from fangkong.zones import api as zones_api
from fangkong.zones import web as zones_web
from fangkong.zones import web_public as zones_web_public

API_PREFIX = "/api/v1"
BEARER_SCHEME = "apiToken"
BEARER_SECURITY = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "fk_<prefix>_<secret>",
    "description": "An API token from `fangkong token create`: it acts as its owner (role and jurisdiction), "
    "limited to the actions in its scopes.",
}


def login_redirect(request: Request) -> Response:
    """Back to the login page, then to where the user was; HTMX requests redirect the whole page."""
    if request.headers.get("HX-Request") == "true":
        current = urlsplit(request.headers.get("HX-Current-URL", "/"))
        target = current.path + ("?" + current.query if current.query else "")
        return Response(status_code=204, headers={"HX-Redirect": f"/login?next={quote(target)}"})
    target = request.url.path + ("?" + request.url.query if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


class RequestIdMiddleware:
    """Gives every request an id (X-Request-ID) and binds it, with the client address, for audit rows."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = "".join(ch for ch in sent if ch.isalnum() or ch in "-_")[:40] or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        client = scope.get("client")
        audit.bind_request(request_id, client[0] if client else None)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)


class FangkongApp(FastAPI):
    """FastAPI with the security wrapper outside every other middleware (500 answers get its headers too)."""

    def build_middleware_stack(self) -> ASGIApp:
        settings: Settings = self.state.settings
        return SecurityMiddleware(
            super().build_middleware_stack(), max_body_bytes=settings.max_body_bytes, hsts=settings.cookie_secure,
            static_version=asset_version(),
        )

    def openapi(self) -> dict[str, Any]:
        """The contract, declaring API tokens as HTTP bearer auth on every /api/v1 operation (docs only:
        authentication itself is `core.auth.resolve_principal`)."""
        if self.openapi_schema is None:
            schema = super().openapi()
            schema.setdefault("components", {}).setdefault("securitySchemes", {})[BEARER_SCHEME] = BEARER_SECURITY
            for path, operations in schema["paths"].items():
                if path.startswith(API_PREFIX + "/"):
                    for operation in operations.values():
                        operation["security"] = [{BEARER_SCHEME: []}]
        return self.openapi_schema


@asynccontextmanager
async def prepared(app: FastAPI) -> AsyncIterator[None]:
    """What every new process would otherwise do on its first requests, done before it accepts any:
    FastAPI prepares each route's request and response models on the first request that reaches it
    (about a second for this app: building the OpenAPI schema prepares them all); SQLAlchemy configures
    its mappers on the first query (~50 ms); the pool opens its first database connection (through the
    health check: a database not answering yet does not stop the start, /healthz reports it). Last,
    the ~200,000 objects of start-up (modules, models, routes) are moved out of the garbage
    collector's reach: they live as long as the process, and its first full collection — during the
    first requests — scanned them all (~110 ms, measured on the dashboard's first request)."""
    app.openapi()
    configure_mappers()
    await run_in_threadpool(database_status, app.state.engine)
    gc.collect()
    gc.freeze()
    yield


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    if not settings.secret_key:
        raise DomainError("missing_secret_key", "FANGKONG_SECRET_KEY is not set; run `fangkong init`")
    engine = engine or make_engine(settings.database_url)

    app = FangkongApp(
        title="Fangkong 防控",
        debug=settings.debug,  # only FANGKONG_DEBUG shows tracebacks to the client
        dependencies=[Depends(csrf_protect)],
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI would load its assets from the internet
        redoc_url=None,
        lifespan=prepared,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = session_factory(engine)
    app.state.unit_of_work = unit_of_work
    app.state.group_writer = GroupWriter(app.state, threads=writer_threads(engine))
    app.state.render_error_page = render_error_page
    install_error_handlers(app)

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, _exc: LoginRequired):
        return login_redirect(request)

    @app.get("/healthz", tags=["health"], dependencies=[Depends(public())])
    def healthz() -> dict:
        db = database_status(engine)
        return {"status": "ok" if db["status"] == "ok" else "degraded", "version": __version__, "database": db}

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in (places_api.router, people_api.router, people_managed_api.router, people_cases_api.router,
                   zones_api.router, tracing_api.router, lab_api.router, quarantine_api.router,
                   hotline_api.router, inspection_api.router, supplies_api.router, enterprises_api.router,
                   dashboard_api.router):
        app.include_router(router, prefix=API_PREFIX, responses=api_error_responses())
    for router in (
        shell_routes.router, audit_web.router, places_web.router, people_web.router, people_managed_web.router,
        people_switch_web.router, zones_web_public.router, zones_web.router,  # static /zones/… paths first
        tracing_web.router, lab_web.router, quarantine_web.router, hotline_open311.router, hotline_web.router,
        inspection_web.router, supplies_web.router, enterprises_web.router, dashboard_web.router,
    ):
        app.include_router(router)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(DatabaseAdmission, slots=pool_slots(engine), serialize_writes=engine.dialect.name == "sqlite",
                       queued_writes=_queued_write_routes(app))
    app.add_middleware(AllowedMethods, routes_of=app)  # outermost: a wrong method waits for no database slot
    return app


def _queued_write_routes(app: FastAPI) -> list[re.Pattern]:
    """The path patterns of routes whose writes go to the app's writer thread (core.one_trip)."""
    patterns = []
    for route in route_contexts(app):
        dependant = getattr(getattr(route, "original_route", route), "dependant", None)
        if dependant and any(getattr(d.call, "fangkong_in_trip", False) for d in dependant.dependencies):
            patterns.append(compile_path(route.path)[0])
    return patterns
