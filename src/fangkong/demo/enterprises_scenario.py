"""Work resumption in the demo, 2022-09-25 … 2022-11-13 09:00 (after the hotline scenario).

The development zone (山西大同经济开发区, 140271) has 70 above-scale enterprises: on the morning of 11-13,
65 of them have resumed (92.9 %, as the seed page reports), five have not. A crane maker never stopped: its
staff lived in a closed loop (roster of residents, dormitory and point-to-point commuting). The others stopped
in early October and came back between 10-25 and 11-12, some first partly. Smaller enterprises of the zone
and above-scale ones of the central districts come and go the same way. The 中建一局 road-connection site is
fully closed: its workers' roster, the 11-12 round of the central districts as its latest testing round (the
three workers living in the zone were not swabbed in it), gate checks on the morning of 11-13 (one fever). Problems of every kind on the seed page are open (one overdue and escalated by
the 08:30 sweep), one closed; hotline tickets about work resumption are linked to enterprises.
Enterprises and statuses go in through enterprises.bulk; the rest through the services.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.cn import uscc

from fangkong.core import clock
from fangkong.core.jurisdiction import CITY
from fangkong.core.pii import get_cipher
from fangkong.enterprises import bulk, problems, registry, sites
from fangkong.enterprises.models import Enterprise, EnterpriseStatus, Problem, RosterMember
from fangkong.hotline.models import Ticket
from fangkong.lab.models import Sample, SamplingRound
from fangkong.people.models import Resident
from fangkong.places.models import Community, District, Venue
from fangkong.tracing import checks

ZONE = "140271"
CENTRAL = ("140213", "140214")
FIRST_DAY = date(2022, 9, 25)
STOPPED_ON = date(2022, 10, 8)
STORY_DAY = date(2022, 11, 13)
STORY_MORNING = datetime(2022, 11, 13, 9, 0)
ABOVE_SCALE = 70
RESUMED = 65  # of the zone's above-scale enterprises on the story's morning (92.9 %)
PARKS = ("装备制造产业园", "医药产业园", "新能源产业园", None)
INDUSTRIES = ("装备制造", "医药", "新材料", "食品加工", "新能源", "物流")
CRANE = "大同经开区起重机械有限公司"
SITE = ("中建一局大同经开区道路连通工程", "中建一局集团建设发展有限公司")
SITE_WORKERS = 60
NOT_SAMPLED = 3
ACTOR = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="demo-enterprises"))


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=clock.zone())


def _code(rng: random.Random, area: str, serial: int) -> str:
    first17 = f"91{area}{serial:04d}{rng.randrange(10**5):05d}"
    return first17 + uscc.calc_check_digit(first17 + "0")


def build(session: Session, *, seed: int) -> dict:
    districts = dict(session.execute(select(District.code, District.id)).all())
    if ZONE not in districts:
        return {}
    rng = random.Random(f"{seed}:enterprises")
    recorded = _local(datetime.combine(STORY_DAY, time(8, 0)))
    rows, plans = [], []
    for i in range(ABOVE_SCALE):
        plans.append((ZONE, True, _zone_plan(rng, i)))
    for i in range(30):  # smaller enterprises of the zone
        plans.append((ZONE, False, _plan(rng, resumed=rng.random() < 0.7)))
    for code in CENTRAL:
        if code in districts:
            plans += [(code, True, _plan(rng, resumed=rng.random() < 0.85)) for _ in range(20)]
    for serial, (district, above, _) in enumerate(plans, start=1):
        name = CRANE if serial == 1 else f"大同{rng.choice(('恒','华','晋','云','同','鑫','泰','源'))}" \
            f"{rng.choice(('达','兴','盛','丰','安','宏'))}{rng.choice(INDUSTRIES)}有限公司{serial:03d}"
        rows.append({"name": name, "credit_code": _code(rng, district, serial), "industry": rng.choice(INDUSTRIES),
                     "district_id": districts[district], "park": rng.choice(PARKS) if district == ZONE else None,
                     "above_scale": above, "staff": rng.randint(50, 2000) if above else rng.randint(5, 60),
                     "contact_name": rng.choice("王李张刘陈杨赵") + "经理", "contact_phone_enc": None,
                     "closed_loop": serial == 1, "living": "厂区宿舍集中食宿，点对点通勤" if serial == 1 else None,
                     "created_at": recorded})
    conn = session.connection()
    ids = bulk.insert_enterprises(conn, rows)
    reports = []
    for row, (_, _, plan) in zip(rows, plans, strict=True):
        reports += [(ids[row["credit_code"]], day, status, share, output) for day, status, share, output in plan]
    attributes = {ids[r["credit_code"]]: (r["district_id"], r["above_scale"], r["park"]) for r in rows}
    bulk.insert_statuses(conn, bulk.status_rows(reports, recorded_at=recorded, recorded_by="demo",
                                                enterprises=attributes))
    crane = ids[rows[0]["credit_code"]]
    round_id = session.scalar(select(SamplingRound.id).order_by(SamplingRound.starts_at.desc(), SamplingRound.id.desc())
                              .limit(1))  # the central districts' round of 11-12 (demo/lab_scenario.py)
    sampled = select(Sample.person_mac).where(Sample.round_id == round_id)
    zone = _residents(session, select(Resident.id, Resident.id_number_enc).where(
        Resident.district_id == districts[ZONE], Resident.id_number_mac.not_in(sampled)), NOT_SAMPLED)
    swabbed = _residents(session, select(Resident.id, Resident.id_number_enc).where(
        Resident.id_number_mac.in_(sampled)), SITE_WORKERS - NOT_SAMPLED + 40)
    with clock.frozen(recorded):  # the crane maker's staff live in its dormitory (closed loop)
        registry.add_to_roster(session, actor=ACTOR, enterprise_id=crane, id_numbers=swabbed[-40:], living="厂区宿舍")
    site = _site(session, rng, districts[ZONE], swabbed[:-40] + zone, round_id)
    _problems(session, rng, crane, site, [ids[r["credit_code"]] for r in rows[1:ABOVE_SCALE]])
    _tickets(session, [ids[r["credit_code"]] for r in rows[1:ABOVE_SCALE]])
    return counts(session)


def _zone_plan(rng: random.Random, i: int) -> list[tuple]:
    """The crane maker (i = 0) never stops; 64 others come back by 11-12; the last five do not."""
    if i == 0:
        return [(FIRST_DAY, "resumed", 100, 3200.0)]
    return _plan(rng, resumed=i < RESUMED)


def _plan(rng: random.Random, *, resumed: bool) -> list[tuple]:
    plan = [(FIRST_DAY, "resumed", 100, None), (STOPPED_ON + timedelta(days=rng.randint(0, 3)), "stopped", 0, None)]
    back = date(2022, 10, 25) + timedelta(days=rng.randint(0, 13))
    if rng.random() < 0.3:
        plan.append((back, "partial", rng.choice((30, 50, 70)), None))
        back += timedelta(days=rng.randint(1, 4))
    if resumed:
        plan.append((back, "resumed", 100, round(rng.uniform(50, 2000), 1)))
    elif plan[-1][1] == "partial":
        plan.pop()  # a partly resumed enterprise counts as resumed: these stay stopped
    return plan


def _residents(session: Session, query, n: int) -> list[str]:
    cipher = get_cipher()
    return [cipher.decrypt(enc) for _, enc in session.execute(query.order_by(Resident.id).limit(n))]


def _site(session: Session, rng: random.Random, district_id: int, numbers: list[str], round_id: int | None) -> int:
    district_code = session.scalar(select(District.code).where(District.id == district_id))
    community = session.scalar(select(Community.id).where(Community.district_id == district_id).order_by(Community.id)
                               .limit(1))
    venue = Venue(code="GDZJ1J0001", kind="construction_site", name="中建一局道路连通工程工地大门",
                  address="大同经开区恒安街—文兴路连通段", district_id=district_id, community_id=community,
                  lat=40.05, lon=113.33)  # the city's generator knows no such gate: the story adds it
    session.add(venue)
    session.flush()
    with clock.frozen(_local(datetime(2022, 11, 1, 9, 0))):
        site = registry.register_site(session, actor=ACTOR, project=SITE[0], builder=SITE[1], district=district_code,
                                      location="大同经开区恒安街—文兴路连通段",
                                      venue_code=venue.code)
        registry.add_to_roster(session, actor=ACTOR, site_id=site.id, id_numbers=numbers, living="工地封闭宿舍")
    if round_id is not None:  # workers living in the central districts were swabbed there; the zone's were not
        with clock.frozen(_local(datetime(2022, 11, 12, 7, 0))):
            sites.link_round(session, site.id, actor=ACTOR, round_id=round_id)
    workers = list(session.scalars(select(RosterMember.resident_id).where(RosterMember.site_id == site.id)
                                   .order_by(RosterMember.resident_id)))
    with clock.frozen(_local(datetime(2022, 11, 13, 7, 40))):
        for i, resident_id in enumerate(workers[:24]):
            temperature = 37.6 if i == 17 else round(rng.uniform(36.1, 36.9), 1)
            checks.record_check(session, actor=ACTOR, venue_code=venue.code, resident_id=resident_id,
                                checked_at=_local(datetime(2022, 11, 13, 6, 30 + i)).isoformat(),
                                temperature=temperature)
    return site.id


def _problems(session: Session, rng: random.Random, crane: int, site: int, others: list[int]) -> None:
    """(kind, urgency, text, raised at, enterprise or site, steps) — the seed page's kinds."""
    stories = (
        ("logistics", "normal", "原材料运输车辆通行证办理受阻，需协调物流通行。", datetime(2022, 11, 5, 10), others[0],
         ("assign", "handle", "close")),
        ("raw_material", "normal", "钢材原料供应中断，库存仅剩三天用量。", datetime(2022, 11, 9, 9), others[1],
         ("assign",)),
        ("energy", "critical", "氧气、丙烷库存告急，影响切割焊接工序。", datetime(2022, 11, 13, 7), crane, ()),
        ("staff", "normal", "外地返岗职工受限，焊工缺口约30人。", datetime(2022, 11, 11, 14), others[2],
         ("assign", "handle")),
        ("living_supplies", "urgent", "工地封闭管理，工人生活物资需保障配送。", datetime(2022, 11, 12, 15), None,
         ("assign",)),
        ("logistics", "urgent", "成品发货需跨市运输，申请重点物资运输车辆通行证。", datetime(2022, 11, 12, 10), others[3], ()),
    )
    for kind, urgency, text, raised, enterprise_id, steps in stories:
        with clock.frozen(_local(raised)):
            p = problems.raise_problem(session, actor=ACTOR, kind=kind, urgency=urgency, text=text,
                                       enterprise_id=enterprise_id, site_id=None if enterprise_id else site)
        for n, step in enumerate(steps, start=1):
            with clock.frozen(_local(raised + timedelta(hours=2 * n))):
                if step == "assign":
                    problems.assign(session, p.id, actor=ACTOR, task_force=p.task_force, owner=rng.choice(
                        ("王科长", "李主任", "赵专员")))
                elif step == "handle":
                    problems.handle(session, p.id, actor=ACTOR, handling="已协调相关部门办理。")
                else:
                    problems.close(session, p.id, actor=ACTOR, confirmed_by="企业联系人")
    with clock.frozen(_local(STORY_MORNING - timedelta(minutes=30))):  # the morning's escalation sweep
        problems.sweep(session, actor=ACTOR)


def _tickets(session: Session, enterprise_ids: list[int]) -> None:
    found = session.scalars(select(Ticket.id).where(Ticket.topic == "work_resumption").order_by(Ticket.id)
                            .limit(3)).all()
    with clock.frozen(_local(STORY_MORNING - timedelta(minutes=20))):
        for ticket_id, enterprise_id in zip(found, enterprise_ids[-3:]):
            registry.link_ticket(session, enterprise_id, actor=ACTOR, ticket_id=ticket_id)


def counts(session: Session) -> dict:
    return {"enterprises": session.scalar(select(func.count()).select_from(Enterprise)) or 0,
            "status_changes": session.scalar(select(func.count()).select_from(EnterpriseStatus)) or 0,
            "problems": session.scalar(select(func.count()).select_from(Problem)) or 0}
