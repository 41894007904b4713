"""The last dashboards computed, kept `dashboard_cache_seconds` (a command screen is opened again and again).

Keyed by database, jurisdiction, view and day, so one user never sees another jurisdiction's figures.
Each answer says when it was computed; the page shows it. One process's memory: nothing shared.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable

from fangkong.config import get_settings

MAX_ENTRIES = 256
_entries: OrderedDict[tuple, tuple[float, dict]] = OrderedDict()
_lock = threading.Lock()


def cached(key: tuple, compute: Callable[[], dict]) -> dict:
    """The kept answer for `key` if younger than the setting, else `compute()` (kept for next time)."""
    ttl = get_settings().dashboard_cache_seconds
    now = time.monotonic()
    if ttl:
        with _lock:
            hit = _entries.get(key)
            if hit and now - hit[0] < ttl:
                _entries.move_to_end(key)
                return {**hit[1], "cached": True}
    answer = compute()
    if ttl:
        with _lock:
            _entries[key] = (now, answer)
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return {**answer, "cached": False}


def clear() -> None:
    with _lock:
        _entries.clear()
