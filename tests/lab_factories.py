"""Factories for the lab: a lab, sampling points, a round, and tubes through the real ingest."""

from __future__ import annotations

from datetime import datetime
from itertools import count

from sqlalchemy.orm import Session

import factories
import zone_factories as zf
from fangkong.core import clock
from fangkong.lab import results, rounds, sampling
from fangkong.places.models import Building, Compound

_codes = count(1)
ROUND_START = "2022-11-12T06:00"
MATRIX_BIRTH = "19360229"  # no other factory's people: the matrix's swabs never meet a person under management


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=clock.zone())


def community_of(session: Session, unit) -> int:
    building = session.get(Building, unit.building_id)
    return session.get(Compound, building.compound_id).community_id


def world(session: Session, *, unit=None, capacity: int = 1000) -> dict:
    """A lab, a community point and a fever-clinic point in the community of `unit`, a districts round."""
    unit = unit or factories.place_chain(session)
    community_id = community_of(session, unit)
    n = next(_codes)
    lab = rounds.add_lab(session, code=f"LAB{n}", name="大同体育馆气膜实验室", daily_capacity=capacity)
    point = rounds.add_point(session, code=f"P{n}", name="民谐社区采样点", kind="community", community_id=community_id)
    clinic = rounds.add_point(session, code=f"F{n}", name="三医院发热门诊", kind="fever_clinic",
                              community_id=community_id)
    commander = zf.actor(session, "commander")
    round_ = rounds.create_round(session, actor=commander, name="中心城区全员核酸", scope_kind="districts",
                                 scope_ids=[point.district_id], reason="source_unclear", starts_at=t(ROUND_START))
    return {"unit": unit, "lab": lab, "point": point, "clinic": clinic, "round": round_, "actor": commander}



def committed_world(engine) -> tuple[int, str]:
    """`world` committed in a database of its own (for a command run against it): (round id, point code)."""
    with Session(engine) as session:
        w = world(session)
        session.commit()
        return w["round"].id, w["point"].code

def record(barcode: str, number: str, *, point, pool: int = 10, at: str = "2022-11-12T08:00") -> dict:
    return {"tube_barcode": barcode, "pool_size": str(pool), "point_code": point.code, "sampled_at": at,
            "id_number": number}


def sample(session: Session, w: dict, records: list[dict], *, actor=None):
    actor = actor or zf.actor(session, "prevention")
    ctx = sampling.context(session, w["round"], actor=actor)
    return sampling.ingest(session, records, ctx=ctx, actor=actor)


def result(session: Session, w: dict, barcode: str, outcome: str, *, at: str = "2022-11-12T14:00", ct=None):
    record = {"tube_barcode": barcode, "lab_code": w["lab"].code, "result": outcome, "tested_at": at}
    if outcome == "positive":
        record["ct_orf"] = ct or 28.5
    return results.ingest(session, [record], round_=w["round"], actor=zf.actor(session, "lab_operator"))


def matrix_lab(session: Session, *, unit) -> dict:
    """For the authorization matrix, in the district of `unit`: a districts round with one stored ten-in-one
    tube, its point, a lab; requests re-send the same records (idempotent) for every role."""
    w = world(session, unit=unit)
    barcode = f"MX{w['point'].id:06d}"
    numbers = [factories.id_number(birth=MATRIX_BIRTH, seq=900 + i) for i in range(2)]
    report = sample(session, w, [record(barcode, n, point=w["point"]) for n in numbers], actor=w["actor"])
    assert report.inserted == 2, report.refused
    return {"round": w["round"].id, "district": w["point"].district_id, "point": w["point"].code,
            "lab": w["lab"].code, "barcode": barcode, "number": factories.id_number(birth=MATRIX_BIRTH, seq=950)}


def sample_body(m: dict) -> dict:
    return {"round_id": m["round"], "samples": [
        {"tube_barcode": m["barcode"], "pool_size": 10, "point_code": m["point"], "sampled_at": "2022-11-12T08:00",
         "id_number": m["number"]}]}


def result_body(m: dict) -> dict:
    return {"round_id": m["round"], "results": [
        {"tube_barcode": m["barcode"], "lab_code": m["lab"], "result": "negative", "tested_at": "2022-11-12T15:00"}]}
