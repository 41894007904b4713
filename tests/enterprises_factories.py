"""Enterprises, construction sites, rosters, a site's testing round and problems for the work-resumption tests."""

from __future__ import annotations

from datetime import date
from itertools import count

from sqlalchemy.orm import Session

import factories
import lab_factories
import tracing_factories
from fangkong.enterprises import problems, registry, sites

_serial = count(1)
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 (no I, O, S, V, Z)
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
DEV_ZONE = ("140271", "山西大同经济开发区")


def credit_code(seq: int | None = None, area: str = "140271") -> str:
    """A valid unified social credit code (check character computed here, not by the code under test)."""
    first17 = f"91{area}{(seq if seq is not None else next(_serial)) % 10**9:09d}"
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return first17 + ALPHABET[(31 - total) % 31]


def district(session: Session, code: str = DEV_ZONE[0], name: str = DEV_ZONE[1]):
    return factories.place_chain(session, district_code=code, district_name=name)


def enterprise(session: Session, *, by, district: str = "140271", above_scale: bool = True, status: str = "resumed",
               since: str = "2022-11-01", name: str | None = None, park: str | None = None, staff_share=None):
    n = next(_serial)
    return registry.register_enterprise(
        session, actor=by, name=name or f"企业{n}", credit_code=credit_code(n), industry="装备制造", district=district,
        park=park, above_scale=above_scale, staff=100, contact_name="张经理", contact_phone="13912345678",
        status=status, staff_share=staff_share, since=date.fromisoformat(since))


def site_with_round(session: Session, *, by, unit, workers: int = 3, sampled: int = 2) -> dict:
    """A fully closed site (gate venue in `unit`'s district) whose roster has `workers` residents, the first
    `sampled` of them swabbed in a linked lab round."""
    gate = tracing_factories.venue(session, unit, kind="construction_site", name="中建一局工地大门")
    numbers = [factories.id_number(seq=700 + next(_serial) % 200) for _ in range(workers)]
    residents = [factories.resident(session, unit=unit, id_number=n, name=f"工人{i}", by=by)
                 for i, n in enumerate(numbers)]
    district_code = _district_code(session, unit)
    site = registry.register_site(session, actor=by, project="中建一局道路连通工程", builder="中建一局",
                                  district=district_code, location="御河东路", venue_code=gate.code)
    registry.add_to_roster(session, actor=by, site_id=site.id, id_numbers=numbers)
    w = lab_factories.world(session, unit=unit)
    barcode = f"S{site.id:06d}{next(_serial):04d}"
    if sampled:
        report = lab_factories.sample(session, w, [lab_factories.record(barcode, n, point=w["point"])
                                                   for n in numbers[:sampled]])
        assert report.inserted == sampled, report.refused
    sites.link_round(session, site.id, actor=by, round_id=w["round"].id)
    return {"site": site, "residents": residents, "numbers": numbers, "round": w["round"], "gate": gate, "lab": w}


def _district_code(session: Session, unit) -> str:
    from fangkong.places import service as places_service
    from fangkong.places.models import District

    return session.get(District, places_service.locate_unit(session, unit.id).district_id).code


def problem(session: Session, *, by, enterprise_id: int, kind: str = "energy", urgency: str = "urgent",
            text: str = "氧气、丙烷库存仅够三天"):
    return problems.raise_problem(session, actor=by, kind=kind, urgency=urgency, text=text,
                                  enterprise_id=enterprise_id)


def matrix_enterprises(session: Session, *, code: str, unit, round_id: int) -> dict:
    """For the authorization matrix, in district `code`: an enterprise, a site with the lab round of the
    district linked, and problems made fresh in the state each step needs."""

    by = factories.actor(session, role="coordination", username=f"matrix-ent-{code}-{id(session)}")
    company = enterprise(session, by=by, district=code)
    site = registry.register_site(session, actor=by, project=f"矩阵工地{code}", builder="中建一局", district=code)
    sites.link_round(session, site.id, actor=by, round_id=round_id)

    def fresh(*steps) -> int:
        p = problem(session, by=by, enterprise_id=company.id)
        if "assign" in steps:
            problems.assign(session, p.id, actor=by, task_force="supplies", owner="矩阵")
        if "handle" in steps:
            problems.handle(session, p.id, actor=by, handling="矩阵")
        session.flush()
        return p.id

    return {"enterprise": company.id, "site": site.id, "problem": fresh(), "fresh": fresh}


def matrix_examples(Example, OWN: str) -> dict:  # noqa: N803 - the matrix's own class and constant
    """The authorization matrix's request examples for the work-resumption routes."""
    def ent(w, where):
        return {"enterprise_id": w.enterprises[where]["enterprise"]}

    def site(w, where):
        return {"site_id": w.enterprises[where]["site"]}

    def fresh(*steps):
        return lambda w, where: {"problem_id": w.enterprises[where]["fresh"](*steps)}

    def new_enterprise(w, where):
        return {"name": "矩阵企业", "credit_code": credit_code(), "district": where, "above_scale": True}

    about = {"about_an_object": True}
    steps = {"assign": ((), {"task_force": "supplies", "owner": "矩阵"}),
             "handle": (("assign",), {"handling": "矩阵"}),
             "close": (("assign", "handle"), {"confirmed_by": "张经理"})}
    examples = {
        ("POST", "/api/v1/enterprises"): Example(json=new_enterprise, ok=201, **about),
        ("GET", "/api/v1/enterprises/{enterprise_id}"): Example(path=ent, **about),
        ("POST", "/api/v1/enterprises/{enterprise_id}/status"): Example(
            path=ent, json=lambda w, _: {"status": "resumed", "since": "2022-11-13"}, **about),
        ("POST", "/api/v1/enterprises/{enterprise_id}/closed-loop"): Example(
            path=ent, json=lambda w, _: {"closed_loop": True, "living": "厂区宿舍"}, **about),
        ("POST", "/api/v1/enterprises/{enterprise_id}/roster"): Example(
            path=ent, json=lambda w, where: {"id_numbers": [w.numbers[where]]}, **about),
        ("POST", "/api/v1/enterprises/{enterprise_id}/tickets"): Example(
            path=ent, json=lambda w, where: {"ticket_id": w.hotline[where]["read"]}, **about),
        ("POST", "/api/v1/enterprises/problems"): Example(
            json=lambda w, where: {"kind": "logistics", "text": "通行证", "enterprise_id":
                                   w.enterprises[where]["enterprise"]}, ok=201, **about),
        ("POST", "/api/v1/enterprises/problems/sweep"): Example(),
        ("GET", "/api/v1/enterprises/problems/{problem_id}"): Example(
            path=lambda w, where: {"problem_id": w.enterprises[where]["problem"]}, **about),
        ("POST", "/api/v1/enterprises/sites"): Example(
            json=lambda w, where: {"project": "矩阵新工地", "builder": "中建一局", "district": where}, ok=201, **about),
        ("GET", "/api/v1/enterprises/sites/{site_id}"): Example(path=site, **about),
        ("GET", "/api/v1/enterprises/sites/{site_id}/compliance"): Example(path=site, **about),
        ("POST", "/api/v1/enterprises/sites/{site_id}/roster"): Example(
            path=site, json=lambda w, where: {"id_numbers": [w.numbers[where]]}, **about),
        ("POST", "/api/v1/enterprises/sites/{site_id}/rounds"): Example(
            path=site, json=lambda w, where: {"round_id": w.lab[where]["round"]}, **about),
        ("GET", "/enterprises/{enterprise_id}"): Example(path=ent, **about),
        ("GET", "/enterprises/sites/{site_id}"): Example(path=site, **about),
        ("POST", "/enterprises/{enterprise_id}/status"): Example(
            path=ent, form=lambda w, _: {"status": "resumed", "since": "2022-11-13"}, **about),
        ("POST", "/enterprises/{enterprise_id}/problems"): Example(
            path=ent, form=lambda w, _: {"kind": "staff", "urgency": "normal", "text": "缺工"}, **about),
        ("POST", "/enterprises/problems/sweep"): Example(form=lambda w, _: {}),
    }
    for step, (before, body) in steps.items():
        examples[("POST", f"/api/v1/enterprises/problems/{{problem_id}}/{step}")] = Example(
            path=fresh(*before), json=lambda w, _, body=body: body, **about)
        examples[("POST", f"/enterprises/problems/{{problem_id}}/{step}")] = Example(
            path=fresh(*before), form=lambda w, _, body=body: body, **about)
    return examples
