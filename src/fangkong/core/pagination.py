"""Page arguments shared by lists: 1-based page, bounded page size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Query
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fangkong.core.errors import InvalidInput

MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000  # keeps the row offset far inside every database's integer range
TOTAL_ONLY = 0  # a page size of 0: only the list's total is wanted (a dashboard figure), no row is read

# Query parameters of API lists: the contract shows the bounds, PageRequest enforces them
# (with its stable error codes invalid_page / invalid_page_size).
PageNumber = Annotated[
    int, Query(description="1-based page number", json_schema_extra={"minimum": 1, "maximum": MAX_PAGE})
]
PageSize = Annotated[
    int, Query(description="items per page (0: the total only)",
               json_schema_extra={"minimum": 0, "maximum": MAX_PER_PAGE})
]


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = 50

    def __post_init__(self) -> None:
        if not 1 <= self.page <= MAX_PAGE:
            raise InvalidInput("invalid_page", f"page: must be between 1 and {MAX_PAGE}", details={"field": "page"})
        if not TOTAL_ONLY <= self.per_page <= MAX_PER_PAGE:
            raise InvalidInput(
                "invalid_page_size",
                f"per_page: must be between {TOTAL_ONLY} (the total only) and {MAX_PER_PAGE}",
                details={"field": "per_page"},
            )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def fetch_page(session: Session, query: Select, page: PageRequest, *order_by) -> tuple[list, int]:
    """One page of a select of ORM entities, ordered, with the total count of the unpaged query."""
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if page.per_page == TOTAL_ONLY:
        return [], total
    rows = session.scalars(query.order_by(*order_by).offset(page.offset).limit(page.per_page)).all()
    return list(rows), total
