"""The quarantine sites of the demo scenario: a dozen requisitioned hotels near capacity before the switch of
2022-11-11, rooms freed after it.

Replayed after the people of demo/scenario.py (same transaction), with the clock set to each moment:

  11-10 20:00  twelve sites open, their beds sized so that the people in a centralized phase that day
               (from the stored plans, whose days before the switch stay as served) fill about 95 %
               of them; the whole queue is assigned (quarantine.bulk.auto_assign) and checked in;
  11-11 … 11-13, each day:
         08:00  everyone whose centralized phase is over by then is checked out home, with transport
                noted (set-wise) — on 11-11 the switch to measures20 sends many home at once;
  08:30  the day's new arrivals are assigned; checked in at 10:00 except on 11-13, the demo's
         "now" (09:00), where they are still awaited on the sites' arrival lists.

Rooms hold one or two beds, every eighth a family room of four; the first of every ten is accessible.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.pii import get_cipher
from fangkong.places.models import District
from fangkong.quarantine import bulk, service
from fangkong.quarantine.models import QuarantineRoom, QuarantineSite

D = date.fromisoformat
FIRST_NIGHT = D("2022-11-10")
DAYS = (D("2022-11-11"), D("2022-11-12"), D("2022-11-13"))
TODAY = D("2022-11-13")
FILL = 0.95  # share of the beds taken on the night before the switch
ACTOR = "demo"
TRANSPORT = "专车点对点送返"
# (name, district code, address)
SITES = (
    ("大同宾馆", "140213", "平城区迎宾街37号"), ("平城饭店", "140213", "平城区大西街12号"),
    ("魏都大酒店", "140213", "平城区魏都大道88号"), ("御河宾馆", "140213", "平城区御河西路6号"),
    ("云冈国际酒店", "140214", "云冈区云冈路1号"), ("新荣商务酒店", "140212", "新荣区新荣大街20号"),
    ("云州假日酒店", "140215", "云州区西坪镇迎宾路5号"), ("经开区园区酒店", "140271", "大同经开区恒安街9号"),
    ("阳高县宾馆", "140221", "阳高县龙泉镇新建街3号"), ("天镇县招待所", "140222", "天镇县玉泉镇东街15号"),
    ("浑源恒山宾馆", "140225", "浑源县永安镇恒山路2号"), ("灵丘平型关酒店", "140224", "灵丘县武灵镇平型关路8号"),
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute)).replace(tzinfo=clock.zone())


def build(session: Session, *, seed: int) -> dict:
    scope = service.CITY_SCOPE
    with clock.frozen(_at(FIRST_NIGHT, 20)):
        demand = service.occupancy(session, scope=scope, start=FIRST_NIGHT)["city"]["current"][0]
        beds = _open_sites(session, max(len(SITES), math.ceil(demand / FILL)))
        first = bulk.auto_assign(session, actor=ACTOR, scope=scope, day=FIRST_NIGHT)
        bulk.check_in_all(session, actor=ACTOR, scope=scope, day=FIRST_NIGHT)
    home = 0
    for day in DAYS:
        with clock.frozen(_at(day, 8)):
            home += bulk.check_out_due(session, actor=ACTOR, scope=scope, day=day, transport=TRANSPORT)
        with clock.frozen(_at(day, 8, 30)):
            bulk.auto_assign(session, actor=ACTOR, scope=scope, day=day)
        if day != TODAY:
            with clock.frozen(_at(day, 10)):
                bulk.check_in_all(session, actor=ACTOR, scope=scope, day=day)
    return {"sites": len(SITES), "beds": beds, "placed_before_switch": first.placed, "checked_out": home}


def _open_sites(session: Session, beds: int) -> int:
    """Twelve sites sharing `beds` beds (rooms of 1–2 beds, family rooms of 4); returns the beds made."""
    districts = dict(session.execute(select(District.code, District.id)).all())
    fallback = next(iter(districts.values()))
    cipher, now = get_cipher(), clock.now()
    made = 0
    for n, (name, code, address) in enumerate(SITES):
        share = beds // len(SITES) + (1 if n < beds % len(SITES) else 0)
        site_id = session.execute(insert(QuarantineSite).returning(QuarantineSite.id).values(
            name=name, address=address, district_id=districts.get(code, fallback), contact_name="值班经理",
            contact_phone_enc=cipher.encrypt(f"1390352{n:04d}"), status="open", created_at=now,
        )).scalar_one()
        rows, left, number = [], share, 0
        while left > 0:
            number += 1
            capacity = min(left, 4 if number % 8 == 0 else 2 if number % 3 else 1)
            rows.append({"site_id": site_id, "number": f"{(number - 1) // 20 + 2}{(number - 1) % 20 + 1:02d}",
                         "floor": (number - 1) // 20 + 2, "capacity": capacity, "occupied": 0,
                         "accessible": number % 10 == 1, "family": capacity == 4})
            left -= capacity
        session.execute(insert(QuarantineRoom), rows)
        made += share
    return made
