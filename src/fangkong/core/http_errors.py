"""One error shape for the API: {"error": {"code", "message", "details"}}; pages get an error page."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from fangkong.core.errors import DomainError

log = logging.getLogger("fangkong")

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
}


class ErrorInfo(BaseModel):
    code: str = Field(description="stable machine-readable code, e.g. not_found or forbidden")
    message: str = Field(description="human-readable explanation")
    details: dict[str, Any] = Field(default_factory=dict, description="extra facts, e.g. the invalid fields")


class ErrorResponse(BaseModel):
    """Every API error answer: {"error": {"code", "message", "details"}}."""

    error: ErrorInfo


_API_ERRORS = {
    400: "the body could not be parsed (e.g. it is not UTF-8)",
    401: "no valid API token or session",
    403: "the role or the token's scopes do not allow this action",
    404: "no such object (also for objects outside the caller's jurisdiction)",
    409: "conflicts with the current state (e.g. a duplicate ID number)",
    413: "the request body is too large",
    422: "malformed or invalid input",
}


def api_error_responses() -> dict[int | str, dict[str, Any]]:
    """The error answers of API routes for the OpenAPI contract (replaces FastAPI's default 422 shape)."""
    return {status: {"model": ErrorResponse, "description": text} for status, text in _API_ERRORS.items()}


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details if details is not None else {}}}


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def render_error(request: Request, status: int, code: str, message: str, details=None, headers=None):
    """The error answer: JSON in the house's shape for the API, the error page for a browser."""
    if _wants_html(request):
        render_error_page = request.app.state.render_error_page
        response = render_error_page(request, status=status, code=code, message=message)
    else:
        response = JSONResponse(error_body(code, message, details), status_code=status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _field_path(location: tuple) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "form")]
    return ".".join(parts) or ".".join(str(p) for p in location)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError):
        return render_error(request, exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        fields = [
            {"field": _field_path(tuple(err.get("loc", ()))), "reason": err.get("msg", "invalid")}
            for err in exc.errors()
        ]
        message = "; ".join(f"{f['field']}: {f['reason']}" for f in fields) or "malformed request"
        return render_error(request, 422, "invalid_input", message, {"fields": fields})

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        code = HTTP_CODES.get(exc.status_code, "http_error")
        return render_error(request, exc.status_code, code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return render_error(request, 500, "internal_error", "an unexpected error occurred; it has been logged")
