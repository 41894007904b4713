"""Deadlines in working days of the official calendar, hand-computed from the 2022 State Council notice:
National Day holiday 10-01 … 10-07; make-up working days Saturday 10-08 and Sunday 10-09."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from fangkong.core import clock
from fangkong.hotline import sla


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=clock.zone())


@pytest.mark.parametrize(("day", "n", "expected"), [
    ("2022-09-30", 1, "2022-10-08"),  # Friday before the holiday → the make-up Saturday
    ("2022-09-30", 3, "2022-10-10"),  # Sat 10-08, Sun 10-09 (make-up), Mon 10-10
    ("2022-09-29", 3, "2022-10-09"),  # Fri 09-30, Sat 10-08, Sun 10-09
    ("2022-10-03", 1, "2022-10-08"),  # inside the holiday
    ("2022-11-11", 3, "2022-11-16"),  # Friday: Mon 14, Tue 15, Wed 16
    ("2022-09-30", 13, "2022-10-24"),  # 10-08, 09, 10…14 (5), 17…21 (5), 24 → 13th
])
def test_working_days_across_national_day_and_make_up_days(day, n, expected):
    assert sla.add_working_days(date.fromisoformat(day), n) == date.fromisoformat(expected)


def test_reply_deadlines_by_kind_and_urgency():
    received = local("2022-09-30T16:20")
    assert sla.reply_due(received, "enquiry", "normal") == local("2022-10-10T23:59:59")
    assert sla.reply_due(received, "complaint", "normal") == local("2022-10-24T23:59:59")
    assert sla.reply_due(received, "help", "emergency") == local("2022-09-30T18:20")
    # closed on the make-up Sunday: the return visit is due the next working day, Monday 10-10
    assert sla.visit_due(local("2022-10-09T11:00")) == local("2022-10-10T23:59:59")
    # closed on Friday 2022-11-11: due Monday 2022-11-14
    assert sla.visit_due(local("2022-11-11T17:00")) == local("2022-11-14T23:59:59")


def test_years_beyond_the_calendar_count_weekdays():
    assert not sla.calendar_covers(date(2040, 1, 6))
    assert sla.add_working_days(date(2040, 1, 6), 1) == date(2040, 1, 9)  # a Friday → the Monday
