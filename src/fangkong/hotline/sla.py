"""Deadlines of the hotline in working days of the official Chinese calendar (holidays and make-up days).

A deadline of N working days falls at the end of the N-th working day after the day of receipt
(the day of receipt is not counted); an emergency is due a number of hours after receipt. Years
the calendar package does not cover count Monday to Friday and say so (`calendar_covers`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar

from fangkong.config import get_settings
from fangkong.core import clock

END_OF_DAY = time(23, 59, 59)


def calendar_covers(day: date) -> bool:
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # beyond the package's published years: weekdays only
        return day.weekday() < 5


@lru_cache(maxsize=4096)
def add_working_days(day: date, n: int) -> date:
    """The n-th working day after `day` (n ≥ 1)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    current = day
    while n:
        current += timedelta(days=1)
        if is_working_day(current):
            n -= 1
    return current


def end_of(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=clock.zone())


def reply_due(received_at: datetime, kind: str, urgency: str) -> datetime:
    settings = get_settings()
    if urgency == "emergency":
        return received_at + timedelta(hours=settings.hotline_emergency_hours)
    local = received_at.astimezone(clock.zone())
    return end_of(add_working_days(local.date(), settings.hotline_working_days[kind]))


def visit_due(closed_at: datetime) -> datetime:
    local = closed_at.astimezone(clock.zone())
    return end_of(add_working_days(local.date(), get_settings().hotline_visit_working_days))


def remind_from(due_at: datetime, urgency: str) -> datetime:
    """When a ticket still without a reply is due soon (the board's "due soon", the sweep's reminder)."""
    settings = get_settings()
    if urgency == "emergency":
        return due_at - timedelta(minutes=settings.hotline_emergency_remind_minutes)
    return due_at - timedelta(hours=settings.hotline_remind_hours)
