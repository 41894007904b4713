"""The audit log page: who did what to which record, and who saw whose personal data."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fangkong.core import audit
from fangkong.core.deps import SESSION
from fangkong.core.pagination import MAX_PER_PAGE, PageRequest
from fangkong.core.permissions import AUDIT_READ, Actor, require
from fangkong.web.templating import Pager, render

router = APIRouter(include_in_schema=False)

FILTERS = ("actor", "action", "object_type", "object_id")


@router.get("/audit")
def audit_page(
    request: Request,
    actor_name: str = Query("", alias="actor"),
    action: str = Query(""),
    object_type: str = Query(""),
    object_id: str = Query(""),
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=MAX_PER_PAGE),
    actor: Actor = Depends(require(AUDIT_READ)),
    session: Session = SESSION,
) -> Response:
    rows, total = audit.search(
        session,
        page=PageRequest(page=page, per_page=per_page),
        actor_name=actor_name or None,
        action=action or None,
        object_type=object_type or None,
        object_id=object_id or None,
    )
    filters = {"actor": actor_name, "action": action, "object_type": object_type, "object_id": object_id}

    def pager_url(number: int) -> str:
        return "/audit?" + urlencode({**{k: v for k, v in filters.items() if v}, "page": number})

    context = {
        "rows": rows,
        "filters": filters,
        "pager": Pager(page=page, per_page=per_page, total=total),
        "pager_url": pager_url,
    }
    return render(request, "audit/list.html", context, user=actor.user, active="audit")
