"""14-day series for the dashboard's charts: one grouped query per series, days without rows as 0."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core.jurisdiction import Jurisdiction
from fangkong.inspection.models import InspectionItem
from fangkong.inspection.service import within as items_within
from fangkong.lab.models import LabDay
from fangkong.people import cases, managed_queries
from fangkong.people.case_models import Case
from fangkong.people.managed_models import ManagedPerson
from fangkong.zones.coverage import zone_within
from fangkong.zones.models import Zone, ZoneSpan


def window(on: date, days: int) -> list[date]:
    return [on - timedelta(days=days - 1 - i) for i in range(days)]


def _series(days: list[date], rows) -> list[int]:
    counts = {day: int(n or 0) for day, n in rows}
    return [counts.get(day, 0) for day in days]


def cases_per_day(session: Session, scope: Jurisdiction, days: list[date]) -> list[int]:
    return _series(days, session.execute(
        select(Case.reported_on, func.count()).where(cases.within(scope), Case.reported_on.between(days[0], days[-1]))
        .group_by(Case.reported_on)))


def managed_released_per_day(session: Session, scope: Jurisdiction, days: list[date]) -> list[int]:
    """People whose plan ended (release_on) on each day: counted by plan (the plans of those days are few)."""
    MP = ManagedPerson
    return _series(days, session.execute(
        select(MP.release_on, func.count())
        .where(managed_queries.within(scope),
               MP.plan_id.in_(managed_queries.plans_with(release_from=days[0], release_to=days[-1])))
        .group_by(MP.release_on)))


def zones_in_force_per_day(session: Session, scope: Jurisdiction, days: list[date], tier: str) -> list[int]:
    """Zones of `tier` in force on each day (their spans overlap the window: a few hundred rows at most)."""
    spans = session.execute(
        select(ZoneSpan.starts_on, ZoneSpan.ends_on).join(Zone, Zone.id == ZoneSpan.zone_id)
        .where(zone_within(scope), ZoneSpan.tier == tier, ZoneSpan.starts_on <= days[-1],
               (ZoneSpan.ends_on.is_(None)) | (ZoneSpan.ends_on > days[0]))).all()
    return [sum(1 for start, end in spans if start <= day and (end is None or end > day)) for day in days]


def lab_tested_per_day(session: Session, days: list[date]) -> list[int]:
    return _series(days, session.execute(
        select(LabDay.day, func.sum(LabDay.tested)).where(LabDay.day.between(days[0], days[-1])).group_by(LabDay.day)))


def items_found_per_day(session: Session, scope: Jurisdiction, days: list[date]) -> list[int]:
    return _series(days, session.execute(
        select(InspectionItem.found_on, func.count())
        .where(items_within(scope), InspectionItem.found_on.between(days[0], days[-1]))
        .group_by(InspectionItem.found_on)))
