"""Pages of people under management: the filtered list (Excel import and export on it), a person's
plan as a timeline, and today's tests due per community. Names are shown, documents masked.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core import clock, i18n
from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.errors import DomainError, InvalidInput
from fangkong.core.pagination import MAX_PER_PAGE
from fangkong.core.permissions import (
    MANAGED_READ,
    MANAGED_WRITE,
    RESIDENTS_EXPORT,
    RESIDENTS_EXPORT_UNMASKED,
    Actor,
    require,
)
from fangkong.people import managed_due, managed_export, managed_import, managed_queries
from fangkong.people.managed_models import CATEGORIES, STATUSES, Override
from fangkong.places.service import list_districts
from fangkong.web.templating import Pager, render

router = APIRouter(include_in_schema=False)

PER_PAGE = 50
PHASE_KINDS = ("centralized_quarantine", "home_quarantine", "home_monitoring", "testing_only")
FILTER_NAMES = ("category", "status", "phase_kind", "district", "release_from", "release_to")


def _date(value: str, name: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"invalid_{name}", f"{name}: not a date (YYYY-MM-DD)", details={"field": name}) from None


def _query_filters(filters: dict[str, str]) -> dict:
    """The page's filter strings as list_managed / export_managed keyword arguments."""
    category = filters.get("category") or None
    status = filters.get("status") or None
    kind = filters.get("phase_kind") or None
    return {
        # unknown codes in a hand-edited URL select nobody rather than fail
        "category": category if category in CATEGORIES or category is None else "-",
        "status": status if status in STATUSES else None,
        "phase_kind": kind if kind in PHASE_KINDS or kind is None else "-",
        "district_code": filters.get("district") or None,
        "release_from": _date(filters.get("release_from", ""), "release_from"),
        "release_to": _date(filters.get("release_to", ""), "release_to"),
    }


def _list_context(session: Session, actor: Actor, filters: dict[str, str], page: int, per_page: int) -> dict:
    rows, total = managed_queries.list_managed(
        session, scope=actor.jurisdiction, page=page, per_page=per_page, **_query_filters(filters)
    )
    chosen = {k: v for k, v in filters.items() if v}

    def pager_url(number: int) -> str:
        return "/people/managed?" + urlencode({**chosen, "page": number})

    return {
        "rows": rows,
        "total": total,
        "filters": filters,
        "districts": list_districts(session, scope=actor.jurisdiction),
        "categories": CATEGORIES,
        "statuses": STATUSES,
        "phase_kinds": PHASE_KINDS,
        "pager": Pager(page=page, per_page=per_page, total=total),
        "pager_url": pager_url,
        "may_import": actor.may(MANAGED_WRITE),
        "may_export": actor.may(RESIDENTS_EXPORT),
        "may_export_unmasked": actor.may(RESIDENTS_EXPORT_UNMASKED),
        "report": None,
        "import_error": None,
    }


@router.get("/people/managed")
def managed_page(
    request: Request,
    category: str = "",
    status: str = "",
    phase_kind: str = "",
    district: str = "",
    release_from: str = "",
    release_to: str = "",
    page: int = Query(1, ge=1),
    per_page: int = Query(PER_PAGE, ge=1, le=MAX_PER_PAGE),
    actor: Actor = Depends(require(MANAGED_READ)),
    session: Session = SESSION,
) -> Response:
    filters = {"category": category, "status": status, "phase_kind": phase_kind, "district": district,
               "release_from": release_from, "release_to": release_to}
    context = _list_context(session, actor, filters, page, per_page)
    return render(request, "people/managed.html", context, user=actor.user, active="managed")


@router.post("/people/managed/import")
async def import_page(
    request: Request,
    file: UploadFile | None = File(None),
    actor: Actor = Depends(require(MANAGED_WRITE)),
    session: Session = SESSION,
) -> Response:
    """Upload an .xlsx; the page shows the row-level report (or why the whole file was refused)."""
    data = await file.read() if file is not None else b""
    filename = (file.filename or "") if file is not None else ""
    report, error, status = None, None, 200
    if not data:
        error, status = i18n.translate(i18n.request_language(request), "managed.import.no_file"), 422
    else:
        try:
            report = managed_import.import_managed(session, data, actor=actor, filename=filename)
        except DomainError as exc:
            error, status = exc.message, exc.status
    context = _list_context(session, actor, dict.fromkeys(FILTER_NAMES, ""), 1, PER_PAGE)
    context.update(report=report, import_error=error)
    return render(request, "people/managed.html", context, status=status, user=actor.user, active="managed")


@router.post("/people/managed/export")
def export_page(
    request: Request,
    category: str = Form(""),
    status: str = Form(""),
    phase_kind: str = Form(""),
    district: str = Form(""),
    release_from: str = Form(""),
    release_to: str = Form(""),
    unmasked: bool = Form(False),
    reason: str = Form(""),
    actor: Actor = Depends(require(RESIDENTS_EXPORT)),
    session: Session = SESSION,
) -> Response:
    """The list as filtered on the page, as an .xlsx download; audited."""
    filters = _query_filters({"category": category, "status": status, "phase_kind": phase_kind,
                              "district": district, "release_from": release_from, "release_to": release_to})
    return managed_export.download(
        session, actor=actor, unmasked=unmasked, reason=reason, language=i18n.request_language(request), **filters
    )


@router.get("/people/managed/tests-due")
def tests_due_page(
    request: Request,
    community: str = Query("", description="a community id, or 'none' for people without one"),
    actor: Actor = Depends(require(MANAGED_READ)),
    session: Session = SESSION,
) -> Response:
    day = clock.today()
    counts = managed_due.due_per_community(session, scope=actor.jurisdiction, day=day)
    selected, people = None, []
    if community:
        wanted = None if community == "none" else (int(community) if community.isdigit() else -1)
        selected = next((c for c in counts if c["community_id"] == wanted), None)
        if selected is not None:
            people = managed_due.due_in_community(session, scope=actor.jurisdiction, community_id=wanted, day=day)
    context = {"day": day, "counts": counts, "total": sum(c["count"] for c in counts), "selected": selected,
               "people": people}
    return render(request, "people/tests_due.html", context, user=actor.user, active="managed")


@router.get("/people/managed/{person_id}")
def person_page(
    request: Request,
    person_id: RowId,
    actor: Actor = Depends(require(MANAGED_READ)),
    session: Session = SESSION,
) -> Response:
    """One person: the plan as a timeline of days, phases, appointments, overrides and history; 404 outside."""
    person = managed_queries.get_person(session, person_id, scope=actor.jurisdiction)
    today = clock.today()
    detail = managed_queries.person_detail(session, person, on=today)
    ids = [int(i) for i in detail["overrides"] if str(i).isdigit()]
    overrides = session.scalars(select(Override).where(Override.id.in_(ids)).order_by(Override.id)).all() if ids else []
    context = {"p": detail, "days": timeline_days(detail, today), "override_rows": overrides, "today": today}
    return render(request, "people/managed_detail.html", context, user=actor.user, active="managed")


def timeline_days(detail: dict, today: date) -> list[dict]:
    """One entry per day from the first phase day to the release date: the phase kind (and its pack)
    of the day, the test appointment if any (owed or not, result), and whether it is today."""
    phases = detail["phases"]
    if not phases:
        return []
    appointments = {a["day"]: a for a in detail["appointments"]}
    first, last = phases[0]["start"], detail["release_on"]
    days, day = [], first
    while day <= last and len(days) < 120:
        phase = next((p for p in phases if p["start"] <= day <= p["end"]), None)
        appointment = appointments.get(day)
        days.append({
            "day": day,
            "kind": phase["kind"] if phase else None,
            "pack": phase["pack"] if phase else None,
            "phase_start": bool(phase and phase["start"] == day),
            "test": None if appointment is None else ("owed" if appointment["owed"] else "not_owed"),
            "result": appointment["result"] if appointment else None,
            "today": day == today,
            "release": day == last,
        })
        day += timedelta(days=1)
    return days
