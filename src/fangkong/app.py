"""FastAPI app factory: mounts each domain's API and page routers."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.middleware.sessions import SessionMiddleware

from fangkong import __version__
from fangkong.config import Settings, get_settings
from fangkong.core.auth import LoginRequired
from fangkong.core.db import database_status, make_engine, session_factory
from fangkong.core.errors import DomainError
from fangkong.core.http_errors import install_error_handlers
from fangkong.people import api as people_api
from fangkong.people import web as people_web
from fangkong.places import api as places_api
from fangkong.places import web as places_web
from fangkong.web import routes as shell_routes
from fangkong.web.templating import render_error_page

STATIC_DIR = Path(__file__).resolve().parent / "web" / "static"


def login_redirect(request: Request) -> Response:
    """Back to the login page, then to where the user was; HTMX requests redirect the whole page."""
    if request.headers.get("HX-Request") == "true":
        current = urlsplit(request.headers.get("HX-Current-URL", "/"))
        target = current.path + ("?" + current.query if current.query else "")
        return Response(status_code=204, headers={"HX-Redirect": f"/login?next={quote(target)}"})
    target = request.url.path + ("?" + request.url.query if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    if not settings.secret_key:
        raise DomainError("missing_secret_key", "FANGKONG_SECRET_KEY is not set; run `fangkong init`")
    engine = engine or make_engine(settings.database_url)

    app = FastAPI(
        title="Fangkong 防控",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI would load its assets from the internet
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.sessionmaker = session_factory(engine)
    app.state.render_error_page = render_error_page
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="fangkong_session",
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=False,
    )
    install_error_handlers(app)

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, _exc: LoginRequired):
        return login_redirect(request)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict:
        db = database_status(engine)
        return {"status": "ok" if db["status"] == "ok" else "degraded", "version": __version__, "database": db}

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in (places_api.router, people_api.router):
        app.include_router(router, prefix="/api/v1")
    for router in (shell_routes.router, places_web.router, people_web.router):
        app.include_router(router)
    return app
