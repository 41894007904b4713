"""Field types shared by every domain's schemas: bounded days and moments, the city's moments, strict flags.

Each one validates exactly what its JSON Schema declares, so the OpenAPI contract says what the server
accepts: a day is the text 2022-11-13 (no integer, no time) between 2000-01-01 and 2099-12-31, which the
schema states as a `pattern` beside `format: date`; an answer's moment carries the city's offset (+08:00).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Strict, WithJsonSchema

from fangkong.core import clock

EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
_DAY = r"20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"  # the years 2000 … 2099, as JSON Schema says it
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
_OFFSET = r"([Zz]|[+-][0-9]{2}:[0-9]{2})?"  # none: the city's time
DAY_PATTERN = f"^{_DAY}$"
MOMENT_PATTERN = f"^{_DAY}[Tt ]{_TIME}{_OFFSET}$"
_BOUNDS = f"between {EARLIEST} and {LATEST}"


def _text_like(pattern: str, example: str, kind: type):
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, kind) or (isinstance(value, str) and compiled.fullmatch(value)):
            return value
        raise ValueError(f"must be written like {example}, {_BOUNDS}")

    return check


def _day_in_range(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be {_BOUNDS}")
    return value


def _moment_in_range(value: datetime) -> datetime:
    _day_in_range(value.date())
    return value


def _local(value: datetime) -> datetime:
    """In the city's zone with its offset: SQLite hands back naive wall times, PostgreSQL UTC."""
    return clock.aware(value).astimezone(clock.zone())


# A day a person or a place can have (no year 1 or 9999), as text: 0 or 1668297600 is not a day.
Day = Annotated[
    date, BeforeValidator(_text_like(DAY_PATTERN, "2022-11-13", date)), AfterValidator(_day_in_range),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN,
                    "description": f"a day {_BOUNDS}"}),
]
# A moment sent in (without an offset: the city's time), bounded like Day.
Moment = Annotated[
    datetime, BeforeValidator(_text_like(MOMENT_PATTERN, "2022-11-13T09:00:00+08:00", datetime)),
    AfterValidator(_moment_in_range),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": MOMENT_PATTERN,
                    "description": f"a moment {_BOUNDS}; without an offset, the city's time"}),
]
# A moment answered: always with the city's offset, e.g. 2022-11-13T09:00:00+08:00.
LocalMoment = Annotated[datetime, AfterValidator(_local)]
# A boolean in a JSON body: true or false only (0, 1, "yes" are refused).
StrictBool = Annotated[bool, Strict()]
