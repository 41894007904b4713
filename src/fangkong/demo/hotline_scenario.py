"""12345 hotline tickets of the demo scenario, 2022-11-01 … 11-13 (after the tracing scenario).

The built-in departments and routing rules are loaded; then a few hundred tickets are taken in
and moved round the loop with the clock replayed at each step: most answered on time, closed and
visited (a few not satisfied, so reopened), some still in hand, a few past their deadline, a few
refused as out of scope, and complaints of over-enforcement (层层加码) routed to supervision, which
collects them (with the zones' and people's signals) as inspection items at 08:30 on the 13th.
The story's morning is 2022-11-13 09:00: nothing happens after it.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.jurisdiction import CITY
from fangkong.hotline import intake, loop, routing
from fangkong.inspection import service as inspection
from fangkong.inspection.models import InspectionItem
from fangkong.hotline.models import Department, Ticket
from fangkong.places.models import District

STORY_MORNING = datetime(2022, 11, 13, 9, 0)
FIRST_DAY = datetime(2022, 11, 1, 8, 0)
TICKETS = 400
AGENT = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="demo-hotline"))
# (kind, topic, text, weight); over-enforcement complaints use the topic that routes to supervision
STORIES = (
    ("enquiry", "zones", "我所在的楼栋什么时候解除封控？", 30),
    ("enquiry", "epidemic_policy", "从外地返回需要隔离几天？", 25),
    ("enquiry", "testing", "附近的核酸采样点几点开放？", 20),
    ("help", "supplies", "家中老人独居，封控期间买不到菜，请帮忙协调。", 15),
    ("help", "supplies.medicine", "孩子发烧需要就医，小区封控无法出门。", 8),
    ("complaint", "epidemic_policy.over_enforcement", "小区已无新增阳性超过5天仍不解封，物业称需再封一周。", 6),
    ("complaint", "epidemic_policy.over_enforcement", "单位要求员工每天核酸并停工，与二十条不符。", 4),
    ("complaint", "quarantine", "隔离酒店送餐不及时。", 5),
    ("report", "work_resumption", "某工地未落实扫码测温登记。", 3),
    ("suggestion", "other", "建议在社区公众号公布保供点电话。", 4),
)


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=clock.zone())


def build(session: Session, *, seed: int) -> dict:
    """Departments, routing rules and the tickets (the caller commits); returns counts by state."""
    districts = [code for (code,) in session.execute(select(District.code).order_by(District.code))]
    if not {"140212", "140213", "140214", "140215"} <= set(districts):
        return {}  # a generated city without the central districts: the routing file would not load
    routing.load_routing(session)
    rng = random.Random(f"{seed}:hotline")
    span = (STORY_MORNING - FIRST_DAY).total_seconds()
    weights = [s[3] for s in STORIES]
    for _ in range(TICKETS):
        received = FIRST_DAY + timedelta(seconds=rng.random() * span * 0.98)
        if not 7 <= received.hour <= 22:
            received = received.replace(hour=rng.randint(8, 21))
        if received >= STORY_MORNING:  # moved into office hours past the morning: the day before
            received -= timedelta(days=1)
        kind, topic, text, _ = rng.choices(STORIES, weights)[0]
        _replay_one(session, rng, received, kind=kind, topic=topic, text=text, district=rng.choice(districts[:4]))
    with clock.frozen(_local(STORY_MORNING - timedelta(minutes=30))):  # supervision's morning collection
        inspection.collect(session, actor=AGENT)
    return counts(session)


def _replay_one(session: Session, rng: random.Random, received: datetime, **fields) -> None:
    with clock.frozen(_local(received)):
        refused = rng.random() < 0.015
        ticket = intake.take_in(
            session, channel=rng.choice(("phone", "phone", "phone", "web", "app")),
            urgency="emergency" if fields["kind"] == "help" and rng.random() < 0.2 else "normal",
            caller_name=rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(("先生", "女士")),
            caller_phone=f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
            out_of_scope=rng.choice(("litigation", "petition")) if refused else None, actor=AGENT, **fields,
        )
        session.flush()
    if refused:
        return
    if ticket.state == "received":  # no rule: an agent dispatches it within the hour
        _at(received + timedelta(minutes=rng.randint(10, 60)),
            lambda: loop.dispatch(session, ticket.id, department="citizen_service", actor=AGENT))
    due = clock.aware(ticket.reply_due_at).replace(tzinfo=None) if ticket.reply_due_at else received
    budget = (due - received).total_seconds()
    late = rng.random() < 0.04  # a few are answered (or still open) past their deadline
    accepted = received + timedelta(minutes=rng.randint(15, 180))
    replied = received + timedelta(seconds=budget * (1.1 if late else rng.uniform(0.05, 0.5)))
    if STORY_MORNING - received < timedelta(days=1) and rng.random() < 0.1:  # sent back, waiting in the queue
        _at(accepted, lambda: loop.send_back(session, ticket.id, reason="不属本单位职责，请重新派单。", actor=AGENT))
        return
    if not _at(accepted, lambda: loop.accept(session, ticket.id, actor=AGENT)):
        return
    if rng.random() < 0.3:
        _at(accepted + timedelta(minutes=30), lambda: loop.note(session, ticket.id, text="已联系属地社区核实。", actor=AGENT))
    if not _at(replied, lambda: loop.reply(session, ticket.id, text="已核实并答复来电人。", actor=AGENT)):
        return
    closed = replied + timedelta(hours=rng.randint(1, 5))
    if not _at(closed, lambda: loop.close(session, ticket.id, actor=AGENT)):
        return
    satisfaction = rng.choices(("satisfied", "basically", "not"), (80, 15, 5))[0]
    _at(closed + timedelta(hours=rng.randint(16, 30)),
        lambda: loop.visit(session, ticket.id, satisfaction=satisfaction, actor=AGENT))


def _at(moment: datetime, step) -> bool:
    """Run a step as of `moment` unless that is after the story's morning."""
    if moment >= STORY_MORNING:
        return False
    with clock.frozen(_local(moment)):
        step()
    return True


def counts(session: Session) -> dict:
    by_state = dict(session.execute(select(Ticket.state, func.count()).group_by(Ticket.state)).all())
    over = session.scalar(select(func.count()).select_from(Ticket).where(Ticket.over_enforcement.is_(True)))
    departments = session.scalar(select(func.count()).select_from(Department))
    items = session.scalar(select(func.count()).select_from(InspectionItem))
    return {"states": by_state, "over_enforcement": over, "departments": departments, "inspection_items": items}
