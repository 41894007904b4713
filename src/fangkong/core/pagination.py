"""Page arguments shared by lists: 1-based page, bounded page size."""

from __future__ import annotations

from dataclasses import dataclass

from fangkong.core.errors import InvalidInput

MAX_PER_PAGE = 200


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = 50

    def __post_init__(self) -> None:
        if self.page < 1:
            raise InvalidInput("invalid_page", "page: must be 1 or more", details={"field": "page"})
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidInput(
                "invalid_page_size",
                f"per_page: must be between 1 and {MAX_PER_PAGE}",
                details={"field": "per_page"},
            )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page
