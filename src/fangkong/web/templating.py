"""Jinja2 templates shared by every page: language, navigation, the logged-in user, error pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from fangkong import __version__
from fangkong.core import i18n
from fangkong.core.auth import SESSION_USER_KEY

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Module:
    """One entry of the navigation. ``built`` modules have their own router; the rest a placeholder."""

    key: str  # catalog keys nav.<key> and modules.<key>.summary
    path: str
    built: bool = False


MODULES: tuple[Module, ...] = (
    Module("places", "/places", built=True),
    Module("residents", "/people/residents", built=True),
    Module("managed", "/people/managed"),
    Module("policy", "/policy"),
    Module("zones", "/zones"),
    Module("lab", "/lab"),
    Module("tracing", "/tracing"),
    Module("quarantine", "/quarantine"),
    Module("supplies", "/supplies"),
    Module("enterprises", "/enterprises"),
    Module("hotline", "/hotline"),
    Module("inspection", "/inspection"),
    Module("dashboard", "/dashboard"),
)
PLACEHOLDER_MODULES = tuple(m for m in MODULES if not m.built)


def csrf_field() -> Markup:
    """Hidden CSRF input for every POST form. Empty until the access issue adds tokens."""
    return Markup("")


def _shell_context(request: Request) -> dict[str, Any]:
    language = i18n.request_language(request)
    return {
        "lang": language,
        "html_lang": i18n.HTML_LANG[language],
        "other_lang": "en" if language == "zh" else "zh",
        "t": i18n.translator(language),
        "modules": MODULES,
        "csrf_field": csrf_field,
        "asset_version": __version__,
        "current_path": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    }


templates = Jinja2Templates(directory=TEMPLATE_DIR, context_processors=[_shell_context])


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    user: Any = None,
    active: str | None = None,
) -> Response:
    """Render a page; ``user`` shows the user bar and navigation, ``active`` marks a nav entry."""
    page_context = {"user": user, "active": active}
    page_context.update(context or {})
    return templates.TemplateResponse(request, name, page_context, status_code=status)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render_error_page(request: Request, *, status: int, code: str, message: str) -> Response:
    """An HTML error page in the request's language (the app's error handlers call this)."""
    language = i18n.request_language(request)
    t = i18n.translator(language)
    title_key = f"errors.status.{status}"
    title = t(title_key) if i18n.has_key(i18n.DEFAULT_LANGUAGE, title_key) else t("errors.status.other")
    explanation = t(f"errors.code.{code}", default="")
    logged_in = "session" in request.scope and request.session.get(SESSION_USER_KEY) is not None
    context = {
        "status": status,
        "code": code,
        "title": title,
        "explanation": explanation,
        "message": message,
        "logged_in": logged_in,
    }
    return render(request, "error.html", context, status=status)


@dataclass(frozen=True)
class Pager:
    """Page numbers of a list, for templates/_pager.html."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
