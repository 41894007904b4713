"""The hotline's figures over a period, by department (the owner), topic (top level) and day of receipt.

Over the tickets received in the period (refused ones apart):
- response rate: taken on by a department (accepted, replied, closed or visited) / received;
- reply rate: replied to the citizen (replied, closed, visited) / received — the promise is 100 %;
- on-time rate: replied by the deadline / (replied + still open past the deadline);
- resolution rate: closed or visited / received;
- satisfaction rate: satisfied or basically satisfied / return visits made.
One grouped scan of the period; the three breakdowns are folded from it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.hotline.models import OPEN_STATES, Department, Ticket
from fangkong.hotline.queries import visible
from fangkong.hotline.topics import topics

DEFAULT_DAYS = 14
COUNTS = ("received", "responded", "replied", "on_time", "late", "resolved", "visited", "satisfied")


def _flag(condition):
    return func.sum(case((condition, 1), else_=0))


def _columns(now):
    replied = Ticket.state.in_(("replied", "closed", "visited"))
    return (
        func.count(),
        _flag(Ticket.state.notin_(("received", "dispatched"))),
        _flag(replied),
        _flag(and_(replied, Ticket.replied_at <= Ticket.reply_due_at)),
        _flag(and_(Ticket.state.in_(OPEN_STATES), Ticket.reply_due_at < now)),
        _flag(Ticket.state.in_(("closed", "visited"))),
        _flag(Ticket.satisfaction.is_not(None)),
        _flag(Ticket.satisfaction.in_(("satisfied", "basically"))),
    )


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
    """The same counts as `figures`' total and by_day, from one scan grouped by day only (the dashboard)."""
    now = clock.now()
    rows = session.execute(
        select(Ticket.received_on, *_columns(now))
        .where(visible(session, actor), Ticket.state != "refused", Ticket.received_on.between(start, end))
        .group_by(Ticket.received_on)
    ).all()
    total: dict = dict.fromkeys(COUNTS, 0)
    by_day: dict[date, dict] = {}
    for day, *counts in rows:
        by_day[day] = {name: int(value or 0) for name, value in zip(COUNTS, counts, strict=True)}
        for name in COUNTS:
            total[name] += by_day[day][name]
    return _rates(total), by_day
