"""Supplies to sealed buildings in the demo scenario, 2022-11-10 … the morning of 11-13 (after the hotline).

Replayed with the clock set to each moment, all before the story's "now" (11-13 09:00):

  11-10 09:00  the catalogue: vegetable, fruit, meat/egg, grain-and-oil packs and medicine delivery, with
               their sources and reference prices;
  11-12 07:40  a case in each compound the seed page names (魏都新城C区, 绿地璀璨天城) seals its unit
               (zones.flows, approved at 08:00), so the two named supply points serve sealed households;
  11-12 08:30  supply points open: 开源街道民谐社区沃佳沃便利店 serving 魏都新城C区, 水泊寺街道文兴社区美佳超市
               serving 绿地璀璨天城, and in every district with sealed households a supermarket serving
               their communities (sized for the day's packs) and a small convenience store first in line;
               special-needs residents of sealed households are registered (elderly living alone,
               disabled, chronic illness with their medicine, pregnant, dialysis);
  11-12 09:00  community workers order a vegetable pack for every sealed household (round 1), all
               delivered by 15:00 but for a few failed deliveries; at 18:00 medicine deliveries for the
               residents with regular medicine (priority, due 12 h later), some still on the way at 09:00
               on the 13th: the late list;
  11-12 20:00  the fruit pack goes up 12 % above its reference: one price alert for the task force;
  11-13 07:00  the morning's round: a vegetable and a fruit pack for every sealed household, in every
               state by 09:00 (a quarter delivered, some out for delivery, some prepared, the rest
               placed, a few failed); orders from 12345 supplies tickets and residents' own orders.

The same seed and city give the same story. Orders go in through supplies.orders (one executemany a round).
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.jurisdiction import CITY
from fangkong.hotline.models import Ticket
from fangkong.people.case_models import Case
from fangkong.people.managed_models import ManagedPerson
from fangkong.people.models import Household, Resident
from fangkong.places.models import Building, Community, Compound, District, Subdistrict, Unit
from fangkong.supplies import catalogue, delivery, points, special_needs
from fangkong.supplies.models import SpecialNeeds, SupplyOrder, SupplyPackage
from fangkong.supplies.orders import order_buildings, order_household, sealed_household_ids, sealed_households_query
from fangkong.zones import flows
from fangkong.zones import service as zones

D = date.fromisoformat
YESTERDAY, TODAY = D("2022-11-12"), D("2022-11-13")
ACTOR = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="demo-supplies"))
WORKER = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="demo-community"))
COMMANDER = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="demo-commander"))
# (code, kind, name, contents, source, price, reference) in fen
CATALOGUE = (
    ("vegetable", "vegetable", "蔬菜包", "土豆2斤、白菜1颗、西红柿2斤、黄瓜2根、青椒1斤、胡萝卜1斤、洋葱1个",
     "大同市农副产品批发市场、云州区蔬菜基地", 2990, 3000),
    ("fruit", "fruit", "水果包", "苹果3斤、香蕉2斤、橙子2斤", "大同市农副产品批发市场", 3990, 4000),
    ("meat_egg", "meat_egg", "肉蛋包", "猪肉2斤、鸡蛋30枚", "定点屠宰场、本地养殖场", 5800, 6000),
    ("grain_oil", "grain_oil", "粮油包", "大米10斤、面粉10斤、食用油5升", "粮油储备库", 8800, 8500),
    ("medicine", "medicine", "药品配送", "按处方代购常用药并配送上门（配送费，药费另计）", "定点药店", 500, 500),
)
FRUIT_ALERT_PRICE = 4480  # 12 % above the fruit pack's reference of 40.00
NAMED = (  # (name, kind, address, subdistrict, community, compound, capacity)
    ("开源街道民谐社区沃佳沃便利店", "convenience_store", "平城区开源街道民谐社区", "开源街道", "民谐社区", "魏都新城C区", 60),
    ("水泊寺街道文兴社区美佳超市", "supermarket", "平城区水泊寺街道文兴社区", "水泊寺街道", "文兴社区", "绿地璀璨天城", 120),
)
MEDICINES = ("降压药", "降糖药", "胰岛素", "心脏病常用药", "哮喘吸入剂")
NEEDS = {"elderly_alone": "独居，需送菜上门并每日电话问候", "disabled": "行动不便，需送货到门口",
         "chronic_medicine": "需定期配送常用药", "pregnant": "孕晚期，需定期产检协调",
         "dialysis": "每周三次透析，需协调车辆接送"}
FAIL_REASONS = ("家中无人应答，已联系社区", "地址有误，已重新核实", "居民拒收")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute)).replace(tzinfo=clock.zone())


def build(session: Session, *, seed: int) -> dict:
    """The supplies story (the caller commits); returns counts."""
    rng = random.Random(f"{seed}:supplies")
    if session.scalar(select(func.count()).select_from(Household)) == 0:
        return {}
    with clock.frozen(_at(D("2022-11-10"), 9)):
        packs = _catalogue(session)
    named = _seal_named_compounds(session)
    with clock.frozen(_at(YESTERDAY, 8, 30)):
        opened = _open_points(session, named)
        registered = _register_special_needs(session, rng)
    buildings = _sealed_buildings(session, YESTERDAY)
    with clock.frozen(_at(YESTERDAY, 9)):
        _order(session, buildings, [packs["vegetable"]], YESTERDAY)
    _deliver_all(session, rng, YESTERDAY)
    with clock.frozen(_at(YESTERDAY, 18)):
        medicine = _medicine_orders(session, packs["medicine"])
    _medicine_on_the_way(session, medicine)
    with clock.frozen(_at(YESTERDAY, 20)):
        catalogue.set_price(session, packs["fruit"], actor=ACTOR, price_fen=FRUIT_ALERT_PRICE, reason="进货价上涨")
    buildings = _sealed_buildings(session, TODAY)
    with clock.frozen(_at(TODAY, 7)):
        _order(session, buildings, [packs["vegetable"], packs["fruit"]], TODAY)
        from_tickets = _ticket_orders(session, rng, packs)
    _morning(session, rng, buildings)
    return {"points": opened, "special_needs": registered, "ticket_orders": from_tickets,
            "orders": session.scalar(select(func.count()).select_from(SupplyOrder))}


def _catalogue(session: Session) -> dict[str, int]:
    made = {}
    for code, kind, name, contents, source, price, reference in CATALOGUE:
        package, _ = catalogue.create_package(session, actor=ACTOR, code=code, kind=kind, name=name, contents=contents,
                                              source=source, price_fen=price, reference_fen=reference)
        made[code] = package.id
    return made


def _named_compound(session: Session, subdistrict: str, community: str, compound: str):
    return session.execute(
        select(Compound.id, Community.id, Community.code).join(Community, Community.id == Compound.community_id)
        .join(Subdistrict, Subdistrict.id == Community.subdistrict_id)
        .where(Subdistrict.name == subdistrict, Community.name == community, Compound.name == compound)).first()


def _seal_named_compounds(session: Session) -> dict[str, tuple]:
    """A case in each named compound (a resident not under management) seals their unit from 11-12."""
    found = {}
    managed = select(ManagedPerson.resident_id).where(ManagedPerson.resident_id.is_not(None))
    cases = select(Case.resident_id).where(Case.resident_id.is_not(None))
    for name, _kind, _address, subdistrict, community, compound, _capacity in NAMED:
        row = _named_compound(session, subdistrict, community, compound)
        if row is None:
            continue
        found[name] = row
        if session.execute(sealed_households_query(YESTERDAY).where(Compound.id == row[0]).limit(1)).first():
            continue  # already sealed by the zones story
        resident = session.scalar(
            select(Resident.id).join(Unit, Unit.id == Resident.home_unit_id).join(Building, Building.id == Unit.building_id)
            .where(Building.compound_id == row[0], Resident.household_id.is_not(None), Resident.id.not_in(managed),
                   Resident.id.not_in(cases))
            .order_by(Resident.id).limit(1))
        if resident is None:
            continue
        with clock.frozen(_at(YESTERDAY, 7, 40)):
            _, links = flows.register_case(session, actor=ACTOR, reported_on=YESTERDAY, source="lab",
                                           resident_id=resident, note="保供演示：封控楼栋")
        with clock.frozen(_at(YESTERDAY, 8)):
            for link in links:
                if link.created:
                    zones.approve(session, link.zone_id, actor=COMMANDER)
    return found


def _sealed_buildings(session: Session, day: date) -> list[int]:
    return sorted({row[2] for row in session.execute(sealed_households_query(day))})


def _open_points(session: Session, named: dict[str, tuple]) -> int:
    opened = 0
    for name, kind, address, _s, _c, _compound, capacity in NAMED:
        if name in named:
            points.create_point(session, actor=ACTOR, name=name, kind=kind, address=address, daily_capacity=capacity,
                                contact_name="店长", contact_phone=f"1390352{opened:04d}", compounds=[named[name][0]])
            opened += 1
    demand: dict[int, dict[str, int]] = {}  # district → community code → sealed households (either day)
    codes = dict(session.execute(select(Community.id, Community.code)).all())
    for day in (YESTERDAY, TODAY):
        for row in session.execute(sealed_households_query(day)):
            by_community = demand.setdefault(row[5], {})
            by_community[codes[row[4]]] = by_community.get(codes[row[4]], 0) + 1
    names = dict(session.execute(select(District.id, District.name)).all())
    for district_id in sorted(demand):
        communities = sorted(demand[district_id])
        households = sum(demand[district_id].values())
        district = names[district_id]
        points.create_point(session, actor=ACTOR, name=f"{district}利民便利店保供点", kind="convenience_store",
                            address=f"{district}利民街8号", daily_capacity=max(4, households // 4),
                            contact_name="值班店长", contact_phone=f"1390353{opened:04d}", communities=communities)
        points.create_point(session, actor=ACTOR, name=f"{district}美特好超市保供点", kind="supermarket",
                            address=f"{district}新建南路66号", daily_capacity=max(20, math.ceil(households * 2.2)),
                            contact_name="值班经理", contact_phone=f"1390354{opened:04d}", communities=communities)
        opened += 2
    return opened


def _register_special_needs(session: Session, rng: random.Random) -> int:
    """About one sealed household in eight has a special-needs resident (at least five in the city)."""
    sealed = [row[0] for row in session.execute(sealed_households_query(YESTERDAY).order_by(Household.id))]
    sealed += [row[0] for row in session.execute(sealed_households_query(TODAY).order_by(Household.id))]
    sealed = sorted(set(sealed))
    chosen = rng.sample(sealed, min(len(sealed), max(5, len(sealed) // 8)))
    people = session.execute(select(Resident.id, Resident.household_id, Resident.birth_date, Resident.sex)
                             .where(Resident.household_id.in_(chosen)).order_by(Resident.id)).all()
    by_household: dict[int, list] = {}
    for person in people:
        by_household.setdefault(person.household_id, []).append(person)
    kinds_cycle = ("elderly_alone", "chronic_medicine", "disabled", "elderly_alone", "chronic_medicine", "pregnant",
                   "dialysis")
    made = 0
    for n, household in enumerate(chosen):
        members = by_household.get(household)
        if not members:
            continue
        kind = kinds_cycle[n % len(kinds_cycle)]
        if kind == "pregnant":
            women = [m for m in members if m.sex == "female" and 1982 <= m.birth_date.year <= 2002]
            person, kind = (women[0], kind) if women else (members[0], "chronic_medicine")
        else:
            person = min(members, key=lambda m: m.birth_date)  # the eldest
        kinds = [kind] + (["chronic_medicine"] if kind == "elderly_alone" and rng.random() < 0.5 else [])
        medicine = rng.choice(MEDICINES) if "chronic_medicine" in kinds else ""
        special_needs.register(session, actor=WORKER, resident_id=person.id, kinds=kinds,
                               needs=NEEDS[kind], medicine=medicine)
        made += 1
    return made


def _order(session: Session, buildings: list[int], packages: list[int], day: date) -> None:
    for start in range(0, len(buildings), 500):
        order_buildings(session, actor=WORKER, building_ids=buildings[start:start + 500], package_ids=packages,
                        day=day, round=1)


def _ids(session: Session, *conditions) -> list[int]:
    return list(session.scalars(select(SupplyOrder.id).where(*conditions).order_by(SupplyOrder.id)))


def _move(session: Session, ids: list[int], to: str, at: datetime, **fields) -> None:
    with clock.frozen(at):
        for start in range(0, len(ids), delivery.MAX_MOVE):
            delivery.advance(session, actor=WORKER, order_ids=ids[start:start + delivery.MAX_MOVE], to=to, **fields)


def _deliver_all(session: Session, rng: random.Random, day: date) -> None:
    ids = _ids(session, SupplyOrder.delivery_day == day, SupplyOrder.point_id.is_not(None))
    failed = sorted(rng.sample(ids, len(ids) // 40)) if len(ids) >= 40 else []
    _move(session, ids, "prepared", _at(day, 10))
    _move(session, ids, "out_for_delivery", _at(day, 11), courier="社区志愿者")
    _move(session, failed, "failed", _at(day, 13), reason=FAIL_REASONS[0])
    _move(session, [i for i in ids if i not in set(failed)], "delivered", _at(day, 15))


def _medicine_orders(session: Session, medicine: int) -> list[int]:
    """A medicine delivery (round 2 of the 12th) for each special-needs resident with regular medicine."""
    residents = session.execute(
        select(SpecialNeeds.resident_id, SpecialNeeds.household_id)
        .where(SpecialNeeds.medicine != "", SpecialNeeds.household_id.in_(sealed_household_ids(YESTERDAY)))
        .order_by(SpecialNeeds.id)).all()
    made, seen = [], set()
    for resident, household in residents:
        if household in seen:
            continue
        seen.add(household)
        order = order_household(session, actor=WORKER, day=YESTERDAY, round=2, package_id=medicine,
                                resident_id=resident)
        made.append(order.id)
    return made


def _medicine_on_the_way(session: Session, ids: list[int]) -> None:
    """Half delivered that evening; the rest are still on their way at 09:00 on the 13th: late."""
    ready = _ids(session, SupplyOrder.id.in_(ids), SupplyOrder.point_id.is_not(None))
    _move(session, ready, "prepared", _at(YESTERDAY, 19))
    _move(session, ready, "out_for_delivery", _at(YESTERDAY, 20), courier="药店配送员")
    _move(session, ready[::2], "delivered", _at(YESTERDAY, 21))


def _ticket_orders(session: Session, rng: random.Random, packs: dict[str, int]) -> int:
    """Orders for sealed households from 12345 supplies tickets (the ticket id recorded) and residents' own."""
    tickets = list(session.scalars(select(Ticket.id).where(Ticket.topic.in_(("supplies", "supplies.medicine")))
                                   .order_by(Ticket.id).limit(10)))
    residents = list(session.scalars(
        select(Resident.id).where(Resident.household_id.in_(sealed_household_ids(TODAY)))
        .order_by(Resident.id).limit(200)))
    picked = rng.sample(residents, min(len(residents), len(tickets) + 5))
    made, seen = 0, set()
    for n, resident in enumerate(picked):
        household = session.scalar(select(Resident.household_id).where(Resident.id == resident))
        if household in seen:
            continue
        seen.add(household)
        ticket = tickets[n] if n < len(tickets) else None
        order_household(session, actor=WORKER, day=TODAY, round=2, resident_id=resident, ticket_id=ticket,
                        package_id=packs["meat_egg" if ticket is None else "grain_oil"])
        made += 1
    return made


def _morning(session: Session, rng: random.Random, buildings: list[int]) -> None:
    """The morning round by building (in a random order): a quarter delivered at 08:40, a quarter out for delivery, a quarter
    prepared, the rest placed; a few out for delivery failed."""
    buildings = list(buildings)
    rng.shuffle(buildings)  # every district has buildings at every stage
    quarter = max(1, len(buildings) // 4)
    done, out, ready = buildings[:quarter], buildings[quarter:2 * quarter], buildings[2 * quarter:3 * quarter]

    def of(group):
        return _ids(session, SupplyOrder.delivery_day == TODAY, SupplyOrder.round == 1,
                    SupplyOrder.building_id.in_(group), SupplyOrder.point_id.is_not(None)) if group else []

    moving = of(done) + of(out)
    _move(session, moving + of(ready), "prepared", _at(TODAY, 7, 30))
    _move(session, moving, "out_for_delivery", _at(TODAY, 8), courier="社区志愿者")
    delivered = of(done)
    failed = delivered[-2:] if len(delivered) > 6 else []
    _move(session, failed, "failed", _at(TODAY, 8, 30), reason=rng.choice(FAIL_REASONS))
    _move(session, [i for i in delivered if i not in set(failed)], "delivered", _at(TODAY, 8, 40))


def counts(session: Session) -> dict:
    states = dict(session.execute(select(SupplyOrder.state, func.count()).group_by(SupplyOrder.state)).all())
    return {"states": states, "points": session.scalar(select(func.count()).select_from(points.Point)),
            "special_needs": session.scalar(select(func.count()).select_from(SpecialNeeds)),
            "alerts": len(catalogue.alerts(session)),
            "packages": session.scalar(select(func.count()).select_from(SupplyPackage))}
