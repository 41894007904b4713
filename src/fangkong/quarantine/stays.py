"""Reading stays: a site's people, the arrivals and departures of a day, and their Excel export (masked)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import IO

import xlsxwriter
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.people import plans as stored
from fangkong.people.managed_models import ManagedPerson as MP
from fangkong.people.models import Resident
from fangkong.policy import centralized_days
from fangkong.quarantine.models import LIVE_STATES, QuarantineRoom, QuarantineStay
from fangkong.quarantine.queue import masked_document
from fangkong.quarantine.scope import SiteScope
from fangkong.quarantine.sites import read_site

Room, Stay = QuarantineRoom, QuarantineStay


def _query(site_id: int, *conditions):
    return (
        select(Stay, Room.number, MP.name, MP.plan_id, Resident.id_number_enc, MP.document_enc)
        .join(Room, Room.id == Stay.room_id).join(MP, MP.id == Stay.person_id)
        .outerjoin(Resident, Resident.id == MP.resident_id)
        .where(Stay.site_id == site_id, *conditions).order_by(Room.floor, Room.number, Stay.id)
    )


def _views(session: Session, rows) -> list[dict]:
    plans = stored.load_plans(session, {row.plan_id for row in rows})
    out = []
    for stay, number, name, plan_id, resident_enc, document_enc in rows:
        days = centralized_days(plans[plan_id])
        out.append({
            "id": stay.id, "person_id": stay.person_id, "name": name,
            "document_masked": masked_document(resident_enc, document_enc), "site_id": stay.site_id,
            "room_id": stay.room_id, "room": number, "state": stay.state, "special_needs": stay.special_needs,
            "assigned_on": stay.assigned_on, "checked_in_at": clock.aware(stay.checked_in_at),
            "ended_at": clock.aware(stay.ended_at), "end_note": stay.end_note,
            "departure": max(days) + timedelta(days=1) if days else None,
        })
    return out


def site_stays(session: Session, site_id: int, *, scope: SiteScope, live_only: bool = True) -> list[dict]:
    """The site's stays (at a hosting site: the caller's people only)."""
    site, access = read_site(session, site_id, scope=scope)
    conditions = [scope.people_at(access)] + ([Stay.state.in_(LIVE_STATES)] if live_only else [])
    return _views(session, session.execute(_query(site.id, *conditions)).all())


def day_lists(session: Session, site_id: int, *, scope: SiteScope, day: date | None = None) -> dict:
    """Arrivals (assigned, awaited; or checked in that day) and departures (due by that day, or checked out that day);
    at a hosting site only the caller's people."""
    site, access = read_site(session, site_id, scope=scope)
    people = scope.people_at(access)
    day = day or clock.today()
    start = datetime.combine(day, datetime.min.time()).replace(tzinfo=clock.zone())
    end = start + timedelta(days=1)
    arrivals = session.execute(_query(site.id, people, or_(
        Stay.state == "assigned", and_(Stay.checked_in_at >= start, Stay.checked_in_at < end)))).all()
    candidates = session.execute(_query(site.id, people, or_(
        Stay.state.in_(LIVE_STATES),
        and_(Stay.state == "checked_out", Stay.ended_at >= start, Stay.ended_at < end)))).all()
    departures = [v for v in _views(session, candidates)
                  if v["state"] == "checked_out" or (v["departure"] is None or v["departure"] <= day)]
    return {"day": day, "arrivals": _views(session, arrivals), "departures": departures}


COLUMNS = ("room", "name", "document_masked", "state", "assigned_on", "departure", "end_note")


def write_day_xlsx(out: IO[bytes], lists: dict, *, site_name: str, t) -> None:
    """Two sheets (arrivals, departures) in constant memory; documents masked."""
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    for key in ("arrivals", "departures"):
        sheet = workbook.add_worksheet(t(f"quarantine.sheets.{key}"))
        sheet.write(0, 0, f"{site_name} {lists['day'].isoformat()}", bold)
        sheet.write_row(1, 0, [t(f"quarantine.columns.{c}") for c in COLUMNS], bold)
        for r, row in enumerate(lists[key], start=2):
            sheet.write_row(r, 0, [_cell(row[c], t) if c != "state" else t(f"quarantine.stay_states.{row[c]}")
                                   for c in COLUMNS])
    workbook.close()


def _cell(value, t):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return value
