"""The web shell: login, logout, home, language switch and placeholders of modules not built yet."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fangkong.core import audit, clock, i18n
from fangkong.core.auth import Principal, resolve_principal, session_token
from fangkong.core.csrf import require_csrf
from fangkong.core.deps import SESSION
from fangkong.core.errors import NotFound
from fangkong.core.permissions import SHELL, Actor, landing_page, public, require
from fangkong.core.models import User
from fangkong.core.sessions import clear_session_cookie, revoke_token, set_session_cookie, start_session
from fangkong.core.throttle import LoginOutcome, attempt_login
from fangkong.web.templating import render, visible_modules

router = APIRouter(include_in_schema=False)

LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


def safe_next(target: str | None, default: str = "/") -> str:
    """A redirect target only if it is a path on this site: "/x", never "//host", "/\\host" or a URL."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    return target


@router.get("/login", dependencies=[Depends(public())])
def login_form(request: Request, next: str = "/", session: Session = SESSION) -> Response:
    if resolve_principal(request, session) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "username": "", "failed": False})


@router.post("/login", dependencies=[Depends(require_csrf), Depends(public())])
async def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
    session: Session = SESSION,
) -> Response:
    settings = request.app.state.settings
    outcome = LoginOutcome(None)
    if username and password:
        ip = request.client.host if request.client else ""
        outcome = await run_in_threadpool(
            attempt_login, session, username=username, password=password, settings=settings, ip=ip
        )
    if outcome.user is None:
        await asyncio.sleep(outcome.delay)  # repeated failures answer ever more slowly (capped)
        # one message for a wrong password and an unknown user: it must not tell whether the username exists
        context = {"next": safe_next(next), "username": username, "failed": True, "locked": outcome.locked,
                   "lock_minutes": settings.login_lock_minutes}
        return render(request, "login.html", context, status=429 if outcome.locked else 401)
    target = safe_next(next)
    if target == "/":
        target = landing_page(outcome.user.role)
    return await run_in_threadpool(_start_session, request, session, outcome.user, target)


def _start_session(request: Request, session: Session, user: User, target: str) -> Response:
    """A new server-side session on every login (no fixation); the previous one of this browser ends."""
    settings = request.app.state.settings
    old_token = session_token(request)
    if old_token:
        revoke_token(session, old_token)
    row, token = start_session(
        session, user=user, settings=settings,
        ip=request.client.host if request.client else "", user_agent=request.headers.get("user-agent", ""),
    )
    actor = Principal(user=user, via="session", session_id=row.id)
    audit.record(session, action="auth.login", object_type="user", object_id=user.id, actor=actor,
                 actor_via="session")
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, token, settings)
    return response


@router.post("/logout", dependencies=[Depends(public())])
def logout(request: Request, session: Session = SESSION) -> Response:
    """Revoke the session on the server: the cookie, even if copied, opens nothing afterwards."""
    token = session_token(request)
    principal = resolve_principal(request, session) if token else None
    if token and revoke_token(session, token) and principal is not None:
        audit.record(session, action="auth.logout", object_type="user", object_id=principal.user.id,
                     actor=principal, actor_via="session")
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, request.app.state.settings)
    return response


@router.get("/lang/{code}", dependencies=[Depends(public())])
def switch_language(code: str, next: str = "/") -> Response:
    if code not in i18n.LANGUAGES:
        raise NotFound("language", details={"code": code})
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        i18n.LANG_COOKIE, code, max_age=LANG_COOKIE_MAX_AGE, samesite="lax", httponly=True, path="/"
    )
    return response


@router.get("/")
def home(request: Request, actor: Actor = Depends(require(SHELL))) -> Response:
    context = {"cards": visible_modules(actor.user), "today": clock.today()}
    return render(request, "home.html", context, user=actor.user, active="home")
