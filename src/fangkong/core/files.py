"""What every imported table file (CSV or workbook) shares: its header line, checked before any row."""

from __future__ import annotations

from fangkong.core.errors import InvalidInput


def check_header(name: str, header: list[str], columns: tuple, required: tuple) -> None:
    """Refuse a header that lacks a required column or names one the file may not have."""
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in columns]
    if missing or unknown:
        raise InvalidInput("invalid_header", f"{name}: line 1: the header needs {', '.join(required)} and may have "
                                             f"{', '.join(c for c in columns if c not in required)}"
                           + (f"; unknown column {unknown[0]!r}" if unknown else ""))
