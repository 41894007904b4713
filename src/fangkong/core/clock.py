"""The only source of "now" and "today": Asia/Shanghai, frozen by FANGKONG_CLOCK."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fangkong.config import get_settings

# A replay moment set by `frozen` for the current thread/task only; FANGKONG_CLOCK stays untouched.
_replay: ContextVar[datetime | None] = ContextVar("fangkong_replay_clock", default=None)


def zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def now() -> datetime:
    frozen = _replay.get() or get_settings().clock
    if frozen is None:
        return datetime.now(zone())
    if frozen.tzinfo is None:
        return frozen.replace(tzinfo=zone())
    return frozen.astimezone(zone())


def today() -> date:
    return now().date()


def aware(value: datetime | None) -> datetime | None:
    """A timestamp read back from the database, with its zone: SQLite returns the stored wall time naive."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=zone())


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """Run a block as if it were `moment` (the demo scenario replays 2022-11-10 … 11-13).

    Only the calling thread or task sees the moment: requests served meanwhile keep the real clock.
    """
    token = _replay.set(moment)
    try:
        yield
    finally:
        _replay.reset(token)
