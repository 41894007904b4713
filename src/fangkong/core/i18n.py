"""The language of a request and the message catalogs (Chinese by default, English switchable).

Catalogs are TOML files in fangkong/web/translations/ (one per language), loaded once.
Nested tables flatten to dotted keys: ``[nav] places = "…"`` is ``nav.places``.
A key missing in a catalog falls back to Chinese, then to the given default, then to the key.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from starlette.requests import Request

LANG_COOKIE = "fangkong_lang"
DEFAULT_LANGUAGE = "zh"
LANGUAGES = ("zh", "en")
HTML_LANG = {"zh": "zh-CN", "en": "en"}
CATALOG_DIR = Path(__file__).resolve().parent.parent / "web" / "translations"


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = str(value)
    return flat


@lru_cache
def catalog(language: str) -> dict[str, str]:
    """The flattened catalog of one language (read from disk once per process)."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; use one of {', '.join(LANGUAGES)}")
    with (CATALOG_DIR / f"{language}.toml").open("rb") as handle:
        return _flatten(tomllib.load(handle))


def normalize_language(value: str | None) -> str:
    value = (value or "").strip().lower()
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def request_language(request: Request) -> str:
    """The language chosen by the cookie, else Chinese."""
    return normalize_language(request.cookies.get(LANG_COOKIE))


def translate(language: str, key: str, default: str | None = None, **values: Any) -> str:
    text = catalog(language).get(key)
    if text is None and language != DEFAULT_LANGUAGE:
        text = catalog(DEFAULT_LANGUAGE).get(key)
    if text is None:
        text = default if default is not None else key
    return text.format(**values) if values else text


def has_key(language: str, key: str) -> bool:
    return key in catalog(language)


def translator(language: str):
    """A ``t(key, default=None, **values)`` bound to one language (what templates call)."""
    language = normalize_language(language)

    def t(key: str, default: str | None = None, **values: Any) -> str:
        return translate(language, key, default, **values)

    return t
