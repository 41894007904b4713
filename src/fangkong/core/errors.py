"""Domain errors carry their HTTP status and a stable code."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400

    def __init__(
        self,
        code: str,
        message: str,
        status: int | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status
        self.details = details if details is not None else {}

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}

    def __reduce__(self):
        # rebuilt from its fields (a bulk import's worker processes raise it to the importing process)
        return _rebuilt, (type(self), self.code, self.message, self.status, self.details)


def _rebuilt(cls: type, code: str, message: str, status: int, details: Any) -> DomainError:
    error = cls.__new__(cls)
    DomainError.__init__(error, code, message, status, details)
    return error


class NotFound(DomainError):
    """Also used for objects outside the caller's jurisdiction: never confirm they exist."""

    status = 404

    def __init__(self, what: str, details: Any = None) -> None:
        super().__init__("not_found", f"{what} not found", details=details)


class InvalidInput(DomainError):
    status = 422
