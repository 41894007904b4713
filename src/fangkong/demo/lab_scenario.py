"""Nucleic acid testing in the demo (after the zones and tracing, in the same transaction).

One full round of the four central districts (平城, 云冈, 新荣, 云州) on 2022-11-12, reason
`source_unclear`: a sampling point in every community and a fever clinic in each district, everyone
not under management in ten-in-one tubes (residents of high-risk zones in single tubes), tubes
received and tested by three labs through the night; their capacity is set so that the busiest day
runs at about 94 %. Three pooled tubes are positive: the first pool is fully re-sampled and cleared,
the second half re-sampled, the third just flagged (as on the morning of 11-13). Tubes and samples
go in through lab.bulk; results and re-samples through the real ingest (lab.results, lab.sampling).
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.jurisdiction import CITY
from fangkong.core.pii import get_cipher
from fangkong.lab import bulk, results, rounds, sampling
from fangkong.lab.models import LabDay, Sample, SamplingPoint
from fangkong.lab.targets import managed_macs, single_tube_people
from fangkong.people.models import Resident
from fangkong.places.models import Community, District

DISTRICTS = ("140213", "140214", "140212", "140215")
DAY = date(2022, 11, 12)
LABS = (("DT-TYG", "大同体育馆气膜核酸检测实验室", 0.5), ("DT-SY", "市第三人民医院检验科", 0.3),
        ("DT-KF", "经开区第三方检测实验室", 0.2))
LOAD = 0.94  # the busiest lab-day at this share of its capacity
RECORDED = datetime.combine(DAY + timedelta(days=1), time(8, 30))
ACTOR = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="demo-lab"))


def _at(day: date, minutes: float) -> datetime:
    return datetime.combine(day, time(0)).replace(tzinfo=clock.zone()) + timedelta(minutes=minutes)


def build(session: Session, *, seed: int) -> dict:
    rng = random.Random(f"{seed}:lab")
    districts = list(session.scalars(select(District.id).where(District.code.in_(DISTRICTS)))) or \
        list(session.scalars(select(District.id)))
    communities = session.execute(select(Community.id, Community.district_id).where(
        Community.district_id.in_(districts)).order_by(Community.id)).all()
    if not communities:
        return {"tubes": 0}
    points = _points(session, communities)
    with clock.frozen(_at(DAY, 300)):
        round_ = rounds.create_round(session, actor=ACTOR, name="2022-11-12 中心城区全员核酸", scope_kind="districts",
                                     scope_ids=districts, reason="source_unclear", starts_at=_at(DAY, 360))
    labs = [rounds.add_lab(session, code=code, name=name, daily_capacity=1) for code, name, _share in LABS]
    tubes = _sample(session, rng, round_.id, points)
    with clock.frozen(RECORDED.replace(tzinfo=clock.zone())):
        positive = _results(session, rng, round_, labs, tubes)
        _resample(session, rng, round_, points, labs, positive)
    for lab in labs:
        busiest = session.scalar(select(func.max(LabDay.tested)).where(LabDay.lab_id == lab.id)) or 1
        lab.daily_capacity = math.ceil(busiest / LOAD)
    return {"tubes": len(tubes), "positive_pools": len(positive)}


def _points(session: Session, communities) -> dict[int, tuple[str, int]]:
    """community id → (point code, point id): a point in every community, a fever clinic in each district."""
    rows = [{"code": f"CY{cid:07d}", "name": "社区核酸采样点", "kind": "community", "district_id": did,
             "community_id": cid} for cid, did in communities]
    firsts = {}
    for cid, did in communities:
        firsts.setdefault(did, cid)
    rows += [{"code": f"FR{did:07d}", "name": "发热门诊", "kind": "fever_clinic", "district_id": did,
              "community_id": cid} for did, cid in firsts.items()]
    session.execute(SamplingPoint.__table__.insert(), rows)
    found = session.execute(select(SamplingPoint.community_id, SamplingPoint.code, SamplingPoint.id, SamplingPoint.district_id)
                            .where(SamplingPoint.kind == "community"))
    return {cid: (code, pid, did) for cid, code, pid, did in found}


def _sample(session: Session, rng: random.Random, round_id: int, points) -> list[tuple]:
    """Everyone not under management in the districts: ten-in-one tubes by community, single tubes for
    residents of high-risk zones. Returns (barcode, pool_size, sampled_at) of each tube."""
    skip = managed_macs(session, DAY)
    single = single_tube_people(session, ["high_risk_zones"], DAY)
    people: dict[int, list] = {}
    for mac, enc, community in session.execute(select(Resident.id_number_mac, Resident.id_number_enc,
                                                      Resident.community_id).order_by(Resident.id)):
        if community in points and mac not in skip:
            people.setdefault(community, []).append((mac, enc))
    tubes, tube_rows, sample_rows, serial = [], [], [], 0
    for community, members in people.items():
        code, point_id, district_id = points[community]
        pooled = [m for m in members if m[0] not in single]
        groups = [pooled[i:i + 10] for i in range(0, len(pooled), 10)] + [[m] for m in members if m[0] in single]
        for group in groups:
            serial += 1
            barcode, size = f"DT{serial:09d}", 1 if len(group) == 1 and group[0][0] in single else 10
            at = _at(DAY, rng.randrange(360, 1200))
            tubes.append((barcode, size, at))
            tube_rows.append((round_id, barcode, size, point_id, district_id, at))
            sample_rows += [(round_id, barcode, mac, "id_card", enc, at, 0) for mac, enc in group]
    conn = session.connection()
    bulk.insert_rows(conn, "tube", bulk.TUBE_COLUMNS, tube_rows)
    bulk.insert_rows(conn, "sample", bulk.SAMPLE_COLUMNS, sample_rows)
    return tubes


def _results(session: Session, rng: random.Random, round_, labs, tubes) -> list[str]:
    """Receptions and results of every tube; three full pooled tubes sampled before noon are positive."""
    full = set(session.scalars(select(Sample.barcode).where(Sample.round_id == round_.id)
                               .group_by(Sample.barcode).having(func.count() == 10)))
    early = [b for b, size, at in tubes if b in full and at.hour < 12]
    positive = set(rng.sample(early, min(3, len(early))))
    weights = [share for _c, _n, share in LABS]
    records = []
    for barcode, _size, at in tubes:
        lab = rng.choices(labs, weights)[0].code
        received = at + timedelta(minutes=rng.randrange(40, 120))
        tested = min(received + timedelta(minutes=rng.randrange(60, 900)), RECORDED.replace(tzinfo=clock.zone()))
        if barcode in positive:
            tested = at + timedelta(hours=4)
        record = {"tube_barcode": barcode, "lab_code": lab, "received_at": received.isoformat(),
                  "result": "positive" if barcode in positive else "negative", "tested_at": tested.isoformat()}
        if barcode in positive:
            record.update(ct_orf=f"{rng.uniform(24, 34):.1f}", ct_n=f"{rng.uniform(24, 34):.1f}")
        records.append(record)
    for start in range(0, len(records), results.MAX_BATCH):
        results.ingest(session, records[start:start + results.MAX_BATCH], round_=round_, actor=ACTOR,
                       audit_it=False)
    return sorted(positive)


def _resample(session: Session, rng: random.Random, round_, points, labs, positive: list[str]) -> None:
    """The first pool re-sampled at home and cleared, the second half re-sampled, the third not yet."""
    cipher = get_cipher()
    ctx = sampling.context(session, round_, actor=ACTOR)
    point = next(iter(points.values()))[0]
    for index, barcode in enumerate(positive[:2]):
        members = session.execute(select(Sample.document_enc, Sample.sampled_at).where(
            Sample.round_id == round_.id, Sample.barcode == barcode).order_by(Sample.id)).all()
        start = clock.aware(members[0].sampled_at) + timedelta(hours=4, minutes=30)
        chosen = members if index == 0 else members[: len(members) // 2 + 1]
        records = [{"tube_barcode": f"{barcode}R{i}", "pool_size": "1", "point_code": point,
                    "sampled_at": (start + timedelta(minutes=12 * i)).isoformat(),
                    "id_number": cipher.decrypt(enc)} for i, (enc, _at) in enumerate(chosen)]
        sampling.ingest(session, records, ctx=ctx, actor=ACTOR, audit_it=False)
        if index == 0:
            results.ingest(session, [{"tube_barcode": r["tube_barcode"], "lab_code": labs[0].code,
                                      "result": "negative",
                                      "tested_at": (start + timedelta(hours=5)).isoformat()} for r in records],
                           round_=round_, actor=ACTOR, audit_it=False)
