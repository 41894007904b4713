"""The web shell: login, logout, home, language switch and placeholders of modules not built yet."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from fangkong.core import clock, i18n
from fangkong.core.auth import SESSION_USER_KEY, authenticate, page_user, user_from_request
from fangkong.core.deps import get_session
from fangkong.core.errors import NotFound
from fangkong.core.models import User
from fangkong.web.templating import MODULES, PLACEHOLDER_MODULES, Module, render

router = APIRouter(include_in_schema=False)

LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


def safe_next(target: str | None, default: str = "/") -> str:
    """A redirect target only if it is a path on this site: "/x", never "//host", "/\\host" or a URL."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    return target


@router.get("/login")
def login_form(request: Request, next: str = "/", session: Session = Depends(get_session)) -> Response:
    if user_from_request(request, session) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "username": "", "failed": False})


@router.post("/login")
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
    session: Session = Depends(get_session),
) -> Response:
    user = authenticate(session, username=username, password=password) if username and password else None
    if user is None:
        # one message whatever went wrong: it must not tell whether the username exists
        context = {"next": safe_next(next), "username": username, "failed": True}
        return render(request, "login.html", context, status=401)
    request.session.clear()  # a new session on login: no fixation
    request.session[SESSION_USER_KEY] = user.id
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{code}")
def switch_language(code: str, next: str = "/") -> Response:
    if code not in i18n.LANGUAGES:
        raise NotFound("language", details={"code": code})
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        i18n.LANG_COOKIE, code, max_age=LANG_COOKIE_MAX_AGE, samesite="lax", httponly=True, path="/"
    )
    return response


@router.get("/")
def home(request: Request, user: User = Depends(page_user)) -> Response:
    return render(request, "home.html", {"cards": MODULES, "today": clock.today()}, user=user, active="home")


def _placeholder_route(module: Module):
    def placeholder(request: Request, user: User = Depends(page_user)) -> Response:
        return render(request, "module.html", {"module": module}, user=user, active=module.key)

    placeholder.__name__ = f"placeholder_{module.key}"
    return placeholder


for _module in PLACEHOLDER_MODULES:
    router.add_api_route(_module.path, _placeholder_route(_module), methods=["GET"])
