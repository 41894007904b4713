"""Pages of residents: find one by ID number (HTMX partial), browse by district — always masked;
export the list shown (masked, or in full for a stated reason by roles allowed to).

The search and the export are POSTs so that ID numbers and reasons never land in URLs, browser
history or access logs.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fangkong.core import i18n
from fangkong.core.deps import SESSION
from fangkong.core.errors import InvalidInput
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.core.permissions import (
    RESIDENTS_EXPORT,
    RESIDENTS_EXPORT_UNMASKED,
    RESIDENTS_READ,
    RESIDENTS_REVEAL,
    Actor,
    require,
)
from fangkong.core.pagination import MAX_PER_PAGE
from fangkong.people import export, service
from fangkong.places.service import list_districts
from fangkong.web.templating import Pager, is_htmx, render

router = APIRouter(include_in_schema=False)

PER_PAGE = 50


def _list_context(session: Session, actor: Actor, district: str, page: int, per_page: int) -> dict:
    scope: Jurisdiction = actor.jurisdiction
    rows, total = service.list_residents(
        session, scope=scope, district_code=district or None, page=page, per_page=per_page
    )

    def pager_url(number: int) -> str:
        query = {"district": district, "page": number} if district else {"page": number}
        return "/people/residents?" + urlencode(query)

    return {
        "rows": rows,
        "total": total,
        "districts": list_districts(session, scope=scope),
        "selected": district,
        "pager": Pager(page=page, per_page=per_page, total=total),
        "pager_url": pager_url,
        "may_export": actor.may(RESIDENTS_EXPORT),
        "may_export_unmasked": actor.may(RESIDENTS_EXPORT_UNMASKED),
    }


def _search(session: Session, actor: Actor, language: str, id_number: str) -> dict:
    """The search outcome for templates/people/_search_result.html: a masked view, no match, or why invalid."""
    try:
        resident = service.find_by_id_number(session, id_number, scope=actor.jurisdiction)
    except InvalidInput as exc:
        reason = exc.details.get("reason") if isinstance(exc.details, dict) else None
        message = i18n.translate(language, f"id_reasons.{reason}", default=exc.message) if reason else exc.message
        return {"searched": True, "invalid": message, "resident": None, "may_reveal": False}
    view = service.resident_view(session, resident) if resident is not None else None
    return {"searched": True, "invalid": None, "resident": view, "may_reveal": actor.may(RESIDENTS_REVEAL)}


@router.get("/people/residents")
def residents_page(
    request: Request,
    district: str = "",
    page: int = Query(1, ge=1),
    per_page: int = Query(PER_PAGE, ge=1, le=MAX_PER_PAGE),
    actor: Actor = Depends(require(RESIDENTS_READ)),
    session: Session = SESSION,
) -> Response:
    context = {"searched": False, **_list_context(session, actor, district, page, per_page)}
    return render(request, "people/residents.html", context, user=actor.user, active="residents")


@router.post("/people/residents/search")
def search_resident(
    request: Request,
    id_number: str = Form(""),
    actor: Actor = Depends(require(RESIDENTS_READ)),
    session: Session = SESSION,
) -> Response:
    outcome = _search(session, actor, i18n.request_language(request), id_number)
    if is_htmx(request):
        # 200 even when invalid: HTMX swaps only successful responses, and the reason must show
        return render(request, "people/_search_result.html", outcome, user=actor.user)
    status = 422 if outcome["invalid"] else 200
    context = {**outcome, **_list_context(session, actor, "", 1, PER_PAGE)}
    return render(request, "people/residents.html", context, status=status, user=actor.user, active="residents")


@router.post("/people/residents/{resident_id}/reveal")
def reveal_resident(
    request: Request,
    resident_id: int,
    reason: str = Form(""),
    actor: Actor = Depends(require(RESIDENTS_REVEAL)),
    session: Session = SESSION,
) -> Response:
    """The full ID number and phone in place of the masked ones (HTMX); audited with the reason."""
    revealed = service.reveal(session, resident_id, actor=actor, reason=reason)
    return render(request, "people/_revealed.html", {"revealed": revealed}, user=actor.user)


@router.post("/people/residents/export")
def export_residents(
    request: Request,
    district: str = Form(""),
    unmasked: bool = Form(False),
    reason: str = Form(""),
    actor: Actor = Depends(require(RESIDENTS_EXPORT)),
    session: Session = SESSION,
) -> Response:
    """The list of the district filter as an .xlsx download, headings in the page's language; audited."""
    return export.download(
        session, actor=actor, district_code=district or None, unmasked=unmasked, reason=reason,
        language=i18n.request_language(request),
    )
