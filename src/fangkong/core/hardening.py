"""Security headers on every response and a request body size limit (a pure ASGI wrapper).

It wraps the whole middleware stack, outside Starlette's ServerErrorMiddleware, so 500 answers
get the headers too. Bodies over the limit answer 413 in the error model: at once when
Content-Length says so, or as soon as a streamed body passes the limit.
"""

from __future__ import annotations

import json

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fangkong.core.http_errors import error_body

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
)
HSTS = ("strict-transport-security", "max-age=31536000")
NO_STORE = ("cache-control", "no-store")  # pages and API answers hold personal data: never cache them
VERSIONED_ASSET = ("cache-control", "public, max-age=31536000, immutable")
STATIC_PREFIX = "/static/"


def too_large_message(limit: int) -> str:
    return f"the request body is larger than {limit} bytes"


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, hsts: bool = False, static_version: str = "") -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.headers = SECURITY_HEADERS + ((HSTS,) if hsts else ())
        self.versioned_query = f"v={static_version}".encode() if static_version else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._with_headers(scope, send)
        declared = _content_length(scope)
        if declared is not None and (declared < 0 or declared > self.max_body_bytes):
            await _send_json(send, 413, error_body("too_large", too_large_message(self.max_body_bytes)))
            return
        await self.app(scope, self._limited(receive), send)

    def _with_headers(self, scope: Scope, send: Send) -> Send:
        extra = [*self.headers, self._cache_control(scope)]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [(n.encode(), v.encode()) for n, v in extra if n.encode() not in present]
                message["headers"] = list(message.get("headers", [])) + added
            await send(message)

        return send_with_headers

    def _cache_control(self, scope: Scope) -> tuple[str, str]:
        """A static file asked for with the current content version may be kept for a year; anything
        else (pages, API, a static file without or with a stale version) is never stored."""
        versioned = self.versioned_query is not None and scope.get("query_string", b"") == self.versioned_query
        return VERSIONED_ASSET if versioned and scope.get("path", "").startswith(STATIC_PREFIX) else NO_STORE

    def _limited(self, receive: Receive) -> Receive:
        received = 0
        limit = self.max_body_bytes

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(status_code=413, detail=too_large_message(limit))
            return message

        return limited_receive


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return -1
    return None


async def _send_json(send: Send, status: int, body: dict) -> None:
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
