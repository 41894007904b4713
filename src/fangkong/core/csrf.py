"""CSRF tokens: HMAC(secret key, session token), checked on every write authenticated by cookie.

Pages carry the token in a hidden ``csrf_token`` field (``csrf_field()`` in templates) and HTMX
sends it as the ``X-CSRF-Token`` header (``hx-headers`` on <body>). Before login there is no
session token, so the login form is bound to a random pre-session cookie instead (a signed
double submit). Requests with ``Authorization: Bearer`` carry no ambient credential and are exempt:
such requests are authenticated by the token alone, never by the cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from starlette.requests import Request
from starlette.responses import Response

from fangkong.core.errors import DomainError
from fangkong.core.sessions import SESSION_COOKIE, unsign_token

CSRF_COOKIE = "fangkong_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_PRE_SESSION = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_PENDING = "csrf_pending_cookie"


class CsrfFailed(DomainError):
    status = 403

    def __init__(self) -> None:
        super().__init__("csrf_failed", "the form has expired or did not come from this site; reload the page")


def _secret(request: Request) -> str:
    return request.app.state.settings.secret_key


def _seed(request: Request) -> str | None:
    """What the token is bound to: the session token, else the pre-session cookie (or the one being set)."""
    token = unsign_token(_secret(request), request.cookies.get(SESSION_COOKIE))
    if token:
        return "session:" + token
    pre = request.cookies.get(CSRF_COOKIE) or getattr(request.state, _PENDING, None)
    if pre and _PRE_SESSION.match(pre):
        return "pre:" + pre
    return None


def _token_for(request: Request, seed: str) -> str:
    return hmac.new(_secret(request).encode(), seed.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token for forms and HTMX on this page; starts a pre-session cookie when there is nothing to bind to."""
    seed = _seed(request)
    if seed is None:
        pre = secrets.token_urlsafe(32)
        setattr(request.state, _PENDING, pre)
        seed = "pre:" + pre
    return _token_for(request, seed)


def set_pending_cookie(request: Request, response: Response) -> None:
    """Send the pre-session cookie a rendered page bound its token to (called by the page renderer)."""
    pre = getattr(request.state, _PENDING, None)
    if pre and request.cookies.get(CSRF_COOKIE) != pre:
        settings = request.app.state.settings
        response.set_cookie(
            CSRF_COOKIE, pre, max_age=settings.session_max_age_seconds, path="/",
            httponly=True, samesite="lax", secure=settings.cookie_secure,
        )


def is_bearer(request: Request) -> bool:
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(credential.strip())


async def _sent_token(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def _check(request: Request, *, required: bool) -> None:
    if request.method in SAFE_METHODS or is_bearer(request):
        return
    seed = _seed(request)  # with a session cookie, only the session's token counts (no planted pre-session pairs)
    if seed is None or (not required and not seed.startswith("session:")):
        if required:
            raise CsrfFailed()
        return  # no session cookie, so no ambient credential to abuse: the route's own authentication answers
    sent = (await _sent_token(request)).encode()
    if not sent or not hmac.compare_digest(sent, _token_for(request, seed).encode()):
        raise CsrfFailed()


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: every unsafe request that carries a cookie must carry its token."""
    await _check(request, required=False)


async def require_csrf(request: Request) -> None:
    """For forms used before login (the login form): a token is required even without a session."""
    await _check(request, required=True)
