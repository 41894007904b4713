"""A dashboard figure: a count, the page that lists exactly those rows, and the API that counts them.

`api` + `pick` name where the same number is read over the API (a dotted path into its JSON; a list
counts its items): the "numbers agree" test fetches every figure's API as the same user and compares.
Rates are never figures of their own: the page computes them from two counts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode


@dataclass(frozen=True)
class Figure:
    key: str
    value: int
    href: str
    api: str
    pick: str = "total"

    def to_dict(self) -> dict:
        return asdict(self)


def link(path: str, **params: Any) -> str:
    """A path with its query string, leaving out empty parameters."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{path}?{query}" if query else path


def picked(payload: Any, pick: str) -> int:
    """The number at a dotted path of a JSON answer; a list counts its items."""
    value = payload
    for part in pick.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return len(value) if isinstance(value, list) else int(value)


def rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None
