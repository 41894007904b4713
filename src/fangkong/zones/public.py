"""What zones show beyond their own pages: the public list (高风险区名单) and its Excel file, the map
data for a day, and the zone items of the over-enforcement report.

No personal data here: places and dates only. The map data is kept compact for a whole city
(compounds as a flat list of coordinates, zones as short arrays): see bench/zones_daily.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import IO

import xlsxwriter
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from fangkong.core import clock, i18n
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.people.export import new_sheet
from fangkong.places import service as places_service
from fangkong.places.models import Compound, District
from fangkong.policy import pack_in_force
from fangkong.zones.coverage import place_on, span_on, zone_within
from fangkong.zones.models import WIDENING, Zone, ZoneOverride, ZonePlace, ZoneProposal, ZoneSpan
from fangkong.zones.queries import override_view, place_label, places_select

ZP = ZonePlace
PUBLIC_COLUMNS = (("district", 12), ("subdistrict", 16), ("compound", 24), ("place", 16), ("since", 12))
COORD_DIGITS = 4  # about 10 m: enough to draw, small to send


def public_rows(session: Session, *, scope: Jurisdiction, on: date, tier: str = "high",
                language: str = i18n.DEFAULT_LANGUAGE) -> Iterator[dict]:
    """The places of the zones of `tier` in force on `on`, as cities publish them, in address order.

    `since` is the day the place has been in a zone of this tier without a break (the later of
    the tier's start and the day the place joined the zone).
    """
    query = (
        places_select().add_columns(ZoneSpan.starts_on.label("tier_since"), ZoneSpan.tier.label("tier"))
        .join(ZoneSpan, ZoneSpan.zone_id == ZP.zone_id)
        .where(span_on(on), place_on(on), ZoneSpan.tier == tier, ZP.zone_id.in_(select(Zone.id).where(
            zone_within(scope))))
        .order_by(District.code, "subdistrict_name", "compound_name", "venue_name", "building_number",
                  "unit_number", ZP.id)
    )
    for row in session.execute(query):
        yield {
            "zone_id": row.zone_id, "tier": row.tier,
            "district": row.district_name if language == "zh" else row.district_name_en,
            "subdistrict": row.subdistrict_name or "",
            "compound": row.venue_name or row.compound_name or row.community_name or "",
            "place": place_label(row, language), "since": max(row.tier_since, row.added_on),
        }


def write_public_xlsx(session: Session, out: IO[bytes], *, scope: Jurisdiction, on: date, tier: str,
                      language: str) -> int:
    t = i18n.translator(language)
    rows = 0
    with xlsxwriter.Workbook(out, {"constant_memory": True}) as workbook:
        bold = workbook.add_format({"bold": True})
        as_date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        sheet = new_sheet(workbook, t, bold, number=1, sheet_key=f"zones.public.sheet_{tier}",
                          columns=PUBLIC_COLUMNS, column_keys="zones.public.columns")
        for item in public_rows(session, scope=scope, on=on, tier=tier, language=language):
            rows += 1
            for col, key in enumerate(("district", "subdistrict", "compound", "place")):
                sheet.write_string(rows, col, item[key])
            sheet.write_datetime(rows, 4, item["since"], as_date)
    return rows


def map_data(session: Session, *, scope: Jurisdiction, on: date, language: str = i18n.DEFAULT_LANGUAGE,
             with_compounds: bool = True) -> dict:
    """Everything the zone map draws for day `on`, compactly.

    districts: [{code, name, lat, lon, zones}] (zones in force there that day);
    compounds: [lat, lon, lat, lon, …] of every compound in scope (grey dots; [] without `with_compounds`:
    they do not change with the day, the map asks for them once);
    zones: [[zone_id, tier, kind, lat, lon, label], …], one per place of a zone in force that day.
    """
    zones = []
    per_district: dict[str, set[int]] = {}
    query = (
        places_select().add_columns(ZoneSpan.tier.label("tier")).join(ZoneSpan, ZoneSpan.zone_id == ZP.zone_id)
        .where(span_on(on), place_on(on), ZP.zone_id.in_(select(Zone.id).where(zone_within(scope))))
        .order_by(ZP.zone_id, ZP.id)
    )
    for row in session.execute(query):
        if row.lat is None:
            continue
        name = row.venue_name or row.compound_name or row.community_name or ""
        label = place_label(row, language)
        zones.append([row.zone_id, row.tier, row.kind, round(row.lat, COORD_DIGITS), round(row.lon, COORD_DIGITS),
                      f"{name} {label}".strip()])
        per_district.setdefault(row.district_code, set()).add(row.zone_id)
    districts = [
        {"code": d.code, "name": d.name if language == "zh" else d.name_en, "lat": d.lat, "lon": d.lon,
         "zones": len(per_district.get(d.code, ()))}
        for d in session.execute(select(District.code, District.name, District.name_en, District.lat, District.lon)
                                 .where(District.id.in_(places_service.district_ids_within(scope)))
                                 .order_by(District.code))
    ]
    points: list[float] = []
    if with_compounds:
        compound_query = select(Compound.lat, Compound.lon)
        if not scope.is_city:
            compound_query = compound_query.where(
                Compound.community_id.in_(places_service.community_ids_within(scope)))
        for lat, lon in session.execute(compound_query.order_by(Compound.id)):
            points += (round(lat, COORD_DIGITS), round(lon, COORD_DIGITS))
    return {"on": on.isoformat(), "districts": districts, "compounds": points, "zones": zones}


def map_dates(session: Session, *, scope: Jurisdiction) -> tuple[date, date]:
    """The range of the map's date slider: the first designation up to today."""
    today = clock.today()
    first = session.scalar(select(func.min(ZoneSpan.starts_on)).join(Zone, Zone.id == ZoneSpan.zone_id)
                           .where(zone_within(scope)))
    return (min(first, today) if first else today), today


def over_enforcement_items(session: Session, *, scope: Jurisdiction, on: date | None = None) -> dict:
    """The zones' part of the over-enforcement report (层层加码) for the inspection task force.

    overrides: every zone widened beyond the pack's granularity or kept sealed past its lifting;
    overdue: every lift/downgrade proposal not acted on by the end of its day (still open, or
    decided late), with the days it was late;
    wider: zones in force on `on` drawn wider than the pack in force allows, with no override.
    """
    day = on or clock.today()
    pack = pack_in_force(day)
    in_scope = select(Zone.id).where(zone_within(scope))
    overrides = [override_view(row, day) for row in session.scalars(
        select(ZoneOverride).where(ZoneOverride.zone_id.in_(in_scope), ZoneOverride.starts_on <= day)
        .order_by(ZoneOverride.id))]
    P = ZoneProposal
    overdue = []
    for row in session.scalars(select(P).where(P.zone_id.in_(in_scope), P.since < day, or_(
            P.overdue.is_(True), P.state == "open")).order_by(P.since, P.id)):
        until = row.decided_on if row.state != "open" and row.decided_on else day
        overdue.append({"proposal_id": row.id, "zone_id": row.zone_id, "action": row.action, "since": row.since,
                        "state": row.state, "decided_on": row.decided_on, "days_late": (until - row.since).days,
                        "reason": row.reason, "basis": row.basis or {}})
    allowed = max(WIDENING.index(g) for g in pack.zones.granularity)
    too_wide = [g for g in WIDENING if WIDENING.index(g) > allowed]
    covered = select(ZoneOverride.zone_id).where(
        ZoneOverride.kind == "widen", ZoneOverride.starts_on <= day,
        or_(ZoneOverride.ends_on.is_(None), ZoneOverride.ends_on > day))
    wider = [
        {"zone_id": zone_id, "granularity": granularity, "pack": zone_pack, "designated_on": designated_on,
         "allowed": list(pack.zones.granularity)}
        for zone_id, granularity, zone_pack, designated_on in session.execute(
            select(Zone.id, Zone.granularity, Zone.pack, Zone.designated_on)
            .join(ZoneSpan, and_(ZoneSpan.zone_id == Zone.id, span_on(day)))
            .where(Zone.id.in_(in_scope), Zone.granularity.in_(too_wide), Zone.id.not_in(covered))
            .order_by(Zone.id))
    ] if too_wide else []
    return {"on": day, "pack_in_force": pack.id, "overrides": overrides, "overdue": overdue, "wider": wider}
