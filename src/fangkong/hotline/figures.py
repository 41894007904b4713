"""The hotline's figures over a period, by department (the owner), topic (top level) and day of receipt.

Over the tickets received in the period (refused ones apart):
- response rate: taken on by a department (accepted, replied, closed or visited) / received;
- reply rate: replied to the citizen (replied, closed, visited) / received — the promise is 100 %;
- on-time rate: replied by the deadline / (replied + still open past the deadline);
- resolution rate: closed or visited / received;
- satisfaction rate: satisfied or basically satisfied / return visits made.
One grouped scan of the period; the three breakdowns are folded from it. The dashboard's totals by day
read the per-day counts kept by every write instead (hotline.day_counts).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.hotline.day_counts import KEPT, kept_columns
from fangkong.hotline.models import Department, Ticket, TicketDayCount
from fangkong.hotline.queries import overdue, visible
from fangkong.hotline.topics import topics

DEFAULT_DAYS = 14
COUNTS = ("received", "responded", "replied", "on_time", "late", "resolved", "visited", "satisfied")


def _columns(now):
    """The COUNTS over a group of tickets: the kept counters, with the open ones past their deadline as `late`."""
    kept = kept_columns()
    late = func.sum(case((overdue(now), 1), else_=0))
    return (*kept[:4], late, *kept[4:])


def _rates(c: dict) -> dict:
    def share(part, whole):
        return round(100 * part / whole, 1) if whole else None

    return {
        **c,
        "response_rate": share(c["responded"], c["received"]),
        "reply_rate": share(c["replied"], c["received"]),
        "on_time_rate": share(c["on_time"], c["replied"] + c["late"]),
        "resolution_rate": share(c["resolved"], c["received"]),
        "satisfaction_rate": share(c["satisfied"], c["visited"]),
    }


def figures(session: Session, *, actor, start: date | None = None, end: date | None = None, lang: str = "zh") -> dict:
    end = end or clock.today()
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    now = clock.now()
    rows = session.execute(
        select(Ticket.received_on, Ticket.owner_department_id, Ticket.topic, *_columns(now))
        .where(visible(session, actor), Ticket.state != "refused", Ticket.received_on.between(start, end))
        .group_by(Ticket.received_on, Ticket.owner_department_id, Ticket.topic)
    ).all()
    departments = dict(session.execute(select(Department.id, Department.name)).all())
    known = topics()
    total: dict = defaultdict(int)
    groups: dict[str, dict] = {"department": defaultdict(lambda: defaultdict(int)),
                               "topic": defaultdict(lambda: defaultdict(int)), "day": defaultdict(lambda: defaultdict(int))}
    for day, department, topic, *counts in rows:
        top = topic.split(".")[0]
        keys = {"department": departments.get(department, "—"),
                "topic": known[top].name(lang) if top in known else top, "day": day.isoformat()}
        for name, value in zip(COUNTS, counts, strict=True):
            total[name] += value or 0
            for group, key in keys.items():
                groups[group][key][name] += value or 0
    def fold(group):
        return [{"key": key, **_rates({n: c[n] for n in COUNTS})} for key, c in sorted(groups[group].items())]
    return {
        "start": start.isoformat(), "end": end.isoformat(),
        "total": _rates({n: total[n] for n in COUNTS}),
        "by_department": fold("department"), "by_topic": fold("topic"), "by_day": fold("day"),
    }


def totals_by_day(session: Session, *, actor, start: date, end: date) -> tuple[dict, dict[date, dict]]:
    """The same counts as `figures`' total and by_day (the dashboard), from the per-day counts kept by
    every write (hotline.day_counts) and the open tickets past their deadline."""
    kept = session.execute(
        select(TicketDayCount.received_on, *(func.sum(getattr(TicketDayCount, name)) for name in KEPT))
        .where(visible(session, actor, district=TicketDayCount.district_id, department=TicketDayCount.department_id),
               TicketDayCount.received_on.between(start, end))
        .group_by(TicketDayCount.received_on)
    ).all()
    late = session.execute(
        select(Ticket.received_on, func.count())
        .where(visible(session, actor), overdue(clock.now()), Ticket.received_on.between(start, end))
        .group_by(Ticket.received_on)
    ).all()
    by_day: dict[date, dict] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for day, *counts in kept:
        by_day[day].update({name: int(value or 0) for name, value in zip(KEPT, counts, strict=True)})
    for day, count in late:
        by_day[day]["late"] = count
    total = {name: sum(counts[name] for counts in by_day.values()) for name in COUNTS}
    return _rates(total), dict(by_day)
