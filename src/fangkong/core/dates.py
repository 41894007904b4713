"""Days typed by people (CLI options, form fields): one parser with one error."""

from __future__ import annotations

from datetime import date

from fangkong.core.errors import InvalidInput


def parse_day(text: str | None, field: str) -> date | None:
    """An ISO day (2022-11-13) between 2000 and 2099, or None for nothing; else a clear InvalidInput."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("invalid_date", f"{field}: {text!r} is not a date like 2022-11-13",
                           details={"field": field}) from None
    if not 2000 <= day.year <= 2099:
        raise InvalidInput("invalid_date", f"{field}: {text} is not a plausible day", details={"field": field})
    return day
