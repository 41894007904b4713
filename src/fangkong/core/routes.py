"""The methods each path of the app has: a wrong method answers 405 with the right `Allow`, OPTIONS 204.

Starlette's router looks at one route at a time: GET /api/v1/supplies/orders/assign (POST only) was
taken as GET /orders/{order_id} and answered 422, and a path served by a GET route and a POST route
answered 405 with the methods of only one of them. This pure ASGI layer knows every path template's
methods (all routes together) and answers before the router for a method the path does not have; a
concrete path is the most literal template it matches (OpenAPI's rule), so /orders/assign is not
/orders/{order_id}. Everything else goes on unchanged: authentication and CSRF stay the routes' own.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from fangkong.core.http_errors import render_error

_PARAMETER = re.compile(r"\{[^}]*\}")
_UNSEEN = object()
SEEN_PATHS = 4096  # paths remembered (a hot path such as the scan API's is matched once)


def route_contexts(app) -> list:
    """Every route of the app, included routers flattened (recent FastAPI keeps them nested)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def _specificity(template: str) -> tuple[int, ...]:
    """Sorts literal segments before parameters, segment by segment: /orders/assign before /orders/{id}."""
    return tuple(1 if "{" in segment else 0 for segment in template.strip("/").split("/"))


def method_table(app) -> list[tuple[re.Pattern, frozenset[str]]]:
    """(path regex, methods) per path template, the most literal first; routes without methods (mounts) left out."""
    shapes: dict[str, tuple[re.Pattern, set[str]]] = {}
    for route in route_contexts(app):
        path, methods = getattr(route, "path", None), getattr(route, "methods", None)
        if path and methods:  # /a/{x} and /a/{y} are one path: their methods add up
            shapes.setdefault(_PARAMETER.sub("{}", path), (compile_path(path)[0], set()))[1].update(methods)
    ordered = sorted(shapes, key=_specificity)
    return [(shapes[shape][0], frozenset(shapes[shape][1])) for shape in ordered]


def allow_header(methods: frozenset[str]) -> str:
    return ", ".join(sorted(methods))


class AllowedMethods:
    """Answers a method the path does not have: 204 with `Allow` to OPTIONS, else the house's 405 with `Allow`."""

    def __init__(self, app: ASGIApp, *, routes_of: Any) -> None:
        self.app = app
        self.routes_of = routes_of  # the FastAPI app: its table is read on the first request
        self._table: list[tuple[re.Pattern, frozenset[str]]] | None = None
        self._seen: dict[str, frozenset[str] | None] = {}  # a request's path is matched once, not per request

    def methods_for(self, path: str) -> frozenset[str] | None:
        found = self._seen.get(path, _UNSEEN)
        if found is _UNSEEN:
            if self._table is None:
                self._table = method_table(self.routes_of)
            found = next((methods for regex, methods in self._table if regex.match(path)), None)
            if len(self._seen) >= SEEN_PATHS:
                self._seen.clear()
            self._seen[path] = found
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        methods = self.methods_for(scope["path"]) if scope["type"] == "http" else None
        if methods is None or scope["method"] in methods:
            await self.app(scope, receive, send)
            return
        headers = {"Allow": allow_header(methods)}
        if scope["method"] == "OPTIONS":
            response = Response(status_code=204, headers=headers)
        else:
            response = render_error(Request(scope), 405, "method_not_allowed", "Method Not Allowed", headers=headers)
        await response(scope, receive, send)
