"""Jinja2 templates shared by every page: language, navigation, the logged-in user, error pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from fangkong.core import csrf, i18n
from fangkong.core.permissions import (
    AUDIT_READ, DASHBOARD_VIEW, ENTERPRISES_VIEW, HOTLINE_READ, INSPECTION_READ, LAB_VIEW, QUARANTINE_VIEW, SHELL,
    SUPPLIES_VIEW, role_allows,
)
from fangkong.core.sessions import SESSION_COOKIE
from fangkong.web.assets import asset_version

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Module:
    """One entry of the navigation, shown only to roles allowed its action."""

    key: str  # catalog keys nav.<key> and modules.<key>.summary
    path: str
    action: str = SHELL  # shown only to roles allowed this action


MODULES: tuple[Module, ...] = (
    Module("places", "/places"),
    Module("residents", "/people/residents"),
    Module("managed", "/people/managed"),
    Module("policy", "/policy"),
    Module("zones", "/zones"),
    Module("lab", "/lab", action=LAB_VIEW),
    Module("tracing", "/tracing"),
    Module("quarantine", "/quarantine", action=QUARANTINE_VIEW),
    Module("supplies", "/supplies", action=SUPPLIES_VIEW),
    Module("enterprises", "/enterprises", action=ENTERPRISES_VIEW),
    Module("hotline", "/hotline", action=HOTLINE_READ),
    Module("inspection", "/inspection", action=INSPECTION_READ),
    Module("dashboard", "/dashboard", action=DASHBOARD_VIEW),
    Module("audit", "/audit", action=AUDIT_READ),
)


def csrf_field(request: Request) -> Markup:
    """The hidden CSRF input every POST form carries (templates call ``csrf_field()``)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(csrf.CSRF_FIELD, csrf.csrf_token(request))


def _shell_context(request: Request) -> dict[str, Any]:
    language = i18n.request_language(request)
    return {
        "lang": language,
        "html_lang": i18n.HTML_LANG[language],
        "other_lang": "en" if language == "zh" else "zh",
        "t": i18n.translator(language),
        "csrf_field": lambda: csrf_field(request),
        "csrf_token": lambda: csrf.csrf_token(request),
        "asset_version": asset_version(),
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
    page_context = {"user": user, "active": active, "modules": visible_modules(user)}
    page_context.update(context or {})
    response = templates.TemplateResponse(request, name, page_context, status_code=status)
    csrf.set_pending_cookie(request, response)  # the pre-session cookie the page's token is bound to
    return response


def visible_modules(user: Any) -> tuple[Module, ...]:
    if user is None:
        return ()
    return tuple(m for m in MODULES if role_allows(user.role, m.action))


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render_error_page(request: Request, *, status: int, code: str, message: str) -> Response:
    """An HTML error page in the request's language (the app's error handlers call this)."""
    language = i18n.request_language(request)
    t = i18n.translator(language)
    title_key = f"errors.status.{status}"
    title = t(title_key) if i18n.has_key(i18n.DEFAULT_LANGUAGE, title_key) else t("errors.status.other")
    explanation = t(f"errors.code.{code}", default="")
    logged_in = SESSION_COOKIE in request.cookies  # only picks the link: home or login
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
