"""Factories for supplies: sealed buildings with households, supply points, the catalogue, built through the
real services.

Memorable names from the seed page: 开源街道民谐社区沃佳沃便利店 serving 魏都新城C区 (factories.place_chain
builds 平城区 → 开源街道 → 民谐社区 → 魏都新城C区 → 1号楼). Clock of the suite: 2022-11-13 09:00. A zone from a
case reported 11-12 under measures20 seals the case's unit (tier high) from 11-12 on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import count
from types import SimpleNamespace

from sqlalchemy.orm import Session

import factories
import zone_factories
from fangkong.core.jurisdiction import CITY
from fangkong.people.models import Household
from fangkong.places.models import Building, Community, Compound, Unit
from fangkong.supplies import service

DAY = date(2022, 11, 13)
SYSTEM = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="tests"))
_serial, _people = count(1), count(1)
# (code, kind, name, contents, price_fen, reference_fen)
CATALOGUE = (
    ("vegetable", "vegetable", "蔬菜包", "土豆2斤、白菜1颗、西红柿2斤、黄瓜2根、青椒1斤", 3000, 3000),
    ("fruit", "fruit", "水果包", "苹果3斤、香蕉2斤、橙子2斤", 4000, 4000),
    ("medicine", "medicine", "药品配送", "常用药按处方配送", 0, 1),
)


@dataclass
class Building1:
    """One building of 魏都新城C区 with two units; unit 1 sealed from 11-12, unit 2 not."""

    building_id: int
    compound_id: int
    community_id: int
    community_code: str
    sealed_unit: int
    open_unit: int
    sealed: list[int] = field(default_factory=list)  # household ids in the sealed unit
    outside: list[int] = field(default_factory=list)  # household ids in the other unit
    residents: dict[int, int] = field(default_factory=dict)  # household id → a resident of it
    numbers: dict[int, str] = field(default_factory=dict)  # household id → that resident's ID number


def households(session: Session, unit_id: int, n: int, *, by=None, made: Building1 | None = None) -> list[int]:
    """`n` households of two in the unit, each with one registered resident when `made` collects them."""
    ids = []
    for _ in range(n):
        household = Household(unit_id=unit_id, size=2)
        session.add(household)
        session.flush()
        ids.append(household.id)
        if made is not None:
            n = next(_people)  # numbers of their own (another factory's fixed numbers must not live in a zone)
            number = factories.id_number(birth=f"{1987 + n // 1000}0915", seq=n % 1000)
            person = factories.resident(session, name="刘桂芳", unit=session.get(Unit, unit_id), by=by,
                                        household_id=household.id, id_number=number)
            made.residents[household.id], made.numbers[household.id] = person.id, number
    return ids


def sealed_building(session: Session, *, sealed: int = 3, outside: int = 2, district: str = "140213",
                    reported_on: str = "2022-11-12", with_residents: bool = True) -> Building1:
    by = zone_factories.actor(session, "prevention")
    unit = factories.place_chain(session, district_code=district,
                                 district_name={"140213": "平城区"}.get(district, "云冈区"))
    other = zone_factories.second_unit(session, unit)
    zone_factories.zone(session, unit=unit, reported_on=reported_on)
    building = session.get(Building, unit.building_id)
    compound = session.get(Compound, building.compound_id)
    community = session.get(Community, compound.community_id)
    made = Building1(building_id=building.id, compound_id=compound.id, community_id=community.id,
                     community_code=community.code, sealed_unit=unit.id, open_unit=other.id)
    collect = made if with_residents else None
    made.sealed = households(session, unit.id, sealed, by=by, made=collect)
    made.outside = households(session, other.id, outside, by=by, made=collect)
    return made


def point(session: Session, *, capacity: int, name: str | None = None, communities=(), compounds=(),
          kind: str = "convenience_store", status: str = "open"):
    return service.create_point(
        session, actor=SYSTEM, name=name or f"沃佳沃便利店{next(_serial)}", kind=kind, address="平城区开源街1号",
        daily_capacity=capacity, contact_name="王店长", contact_phone="13912345678", communities=list(communities),
        compounds=list(compounds), status=status)


def catalogue(session: Session) -> dict[str, int]:
    """The test catalogue (prices at their reference), once per session: code → package id."""
    cache = session.info.setdefault("supplies_factories.catalogue", {})
    if not cache:
        from sqlalchemy import select

        from fangkong.supplies.models import SupplyPackage

        existing = dict(session.execute(select(SupplyPackage.code, SupplyPackage.id)).all())
        for code, kind, name, contents, price, reference in CATALOGUE:
            if code in existing:
                cache[code] = existing[code]
                continue
            package, _ = service.create_package(session, actor=SYSTEM, code=code, kind=kind, name=name,
                                                contents=contents, price_fen=price, reference_fen=reference)
            cache[code] = package.id
    return cache


def bulk(session: Session, made: Building1, package: str = "vegetable", *, day: date = DAY, actor=SYSTEM, round=1):
    return service.order_buildings(session, actor=actor, building_ids=[made.building_id],
                                   package_ids=[catalogue(session)[package]], day=day, round=round)


def matrix_supplies(session: Session, *, code: str) -> dict:
    """For the authorization matrix, in one district: a sealed building of many households served by a large point,
    and makers of fresh orders in a given state and of fresh residents to register."""
    from sqlalchemy import select

    from fangkong.supplies.models import SupplyOrder

    made = sealed_building(session, sealed=40, outside=0, district=code)
    site = point(session, capacity=10_000, name=f"矩阵保供点{code}", communities=[made.community_code])
    packages = catalogue(session)
    service.order_buildings(session, actor=SYSTEM, building_ids=[made.building_id],
                            package_ids=[packages["vegetable"], packages["fruit"]], day=DAY)
    placed = list(session.scalars(select(SupplyOrder.id).where(SupplyOrder.building_id == made.building_id)
                                  .order_by(SupplyOrder.id)))
    to_register, to_order = iter(made.sealed), iter(made.sealed)
    rounds = count(2)

    def fresh_order() -> int:
        return placed.pop()

    def fresh_resident() -> int:
        return made.residents[next(to_register)]

    def fresh_number() -> str:
        return made.numbers[next(to_order)]

    def fresh_order_body() -> dict:
        return {"package_id": packages["vegetable"], "day": DAY.isoformat(), "round": next(rounds) % 9 + 1,
                "resident_id": made.residents[made.sealed[0]]}

    return {"building": made.building_id, "point": site.id, "package": packages["fruit"],
            "medicine": packages["medicine"], "order": fresh_order,
            "resident": fresh_resident, "number": fresh_number, "order_body": fresh_order_body, "community": made.community_code,
            "made": made}


_points, _codes = count(1), count(1)


def matrix_examples(Example, OWN: str) -> dict:  # noqa: N803 - the matrix's own class and constant
    """The authorization matrix's request examples for the supplies routes (tests/core/test_authorization_matrix.py)."""

    def s(w, where):
        return w.supplies[where]

    building = {"path": lambda w, where: {"building_id": s(w, where)["building"]}, "about_an_object": True}
    return {
        ("POST", "/api/v1/supplies/points"): Example(json=lambda w, where: {
            "name": f"矩阵新保供点{next(_points)}", "kind": "supermarket", "address": "开源街1号", "daily_capacity": 100,
            "contact_name": "王店长", "communities": [s(w, where)["community"]]}, ok=201, about_an_object=True),
        ("POST", "/api/v1/supplies/points/{point_id}"): Example(
            path=lambda w, where: {"point_id": s(w, where)["point"]}, json=lambda w, _: {"status": "open"},
            about_an_object=True),
        ("POST", "/api/v1/supplies/packages"): Example(json=lambda w, _: {
            "code": f"matrix_{next(_codes)}", "kind": "fruit", "name": "矩阵水果包", "contents": "苹果",
            "price_fen": 1000, "reference_fen": 1000}, ok=201),
        ("POST", "/api/v1/supplies/packages/{package_id}/price"): Example(
            path=lambda w, where: {"package_id": s(w, where)["package"]}, json=lambda w, _: {"price_fen": 4000}),
        ("POST", "/api/v1/supplies/orders:bulk"): Example(json=lambda w, where: {
            "building_ids": [s(w, where)["building"]], "package_ids": [s(w, where)["package"]],
            "day": "2022-11-13", "round": 3}, ok=201, about_an_object=True),
        ("POST", "/api/v1/supplies/orders"): Example(json=lambda w, where: s(w, where)["order_body"](), ok=201,
                                                      about_an_object=True),
        ("POST", "/api/v1/supplies/orders/move"): Example(json=lambda w, where: {
            "order_ids": [s(w, where)["order"]()], "to": "failed", "reason": "矩阵测试"}, about_an_object=True),
        ("POST", "/api/v1/supplies/orders/assign"): Example(json=lambda w, _: {"day": "2022-11-13"}),
        ("GET", "/api/v1/supplies/buildings/{building_id}/delivery-list"): Example(**building),
        ("POST", "/api/v1/supplies/special-needs"): Example(json=lambda w, where: {
            "resident_id": s(w, where)["resident"](), "kinds": ["elderly_alone"]}, ok=201, about_an_object=True),
        ("POST", "/supplies/orders/bulk"): Example(form=lambda w, where: {
            "buildings": str(s(w, where)["building"]), "package_id": str(s(w, where)["package"]), "day": "2022-11-13",
            "round": "4"}, about_an_object=True),
        ("POST", "/supplies/orders/move"): Example(form=lambda w, where: {
            "order_ids": str(s(w, where)["order"]()), "to": "failed", "reason": "矩阵测试"}, about_an_object=True),
        ("POST", "/supplies/order"): Example(form=lambda w, where: {
            "id_number": s(w, where)["number"](), "package_id": str(s(w, where)["medicine"]), "day": "2022-11-13",
            "ticket": ""}, about_an_object=True),
        ("GET", "/supplies/buildings/{building_id}/list"): Example(**building),
        ("GET", "/supplies/buildings/{building_id}/list.xlsx"): Example(**building),
        ("POST", "/supplies/packages/{package_id}/price"): Example(
            path=lambda w, where: {"package_id": s(w, where)["package"]}, form=lambda w, _: {"price": "40.00"}),
        ("POST", "/supplies/special-needs"): Example(form=lambda w, where: {
            "id_number": s(w, where)["number"](), "kinds": ["disabled"]}, about_an_object=True),
    }
