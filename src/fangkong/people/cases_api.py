"""API of the case register (reading). Registering a case proposes risk zones, so it is a zones route
(zones/api.py, through zones/flows.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.fields import Day
from fangkong.core.pagination import PageNumber, PageSize
from fangkong.core.permissions import RESIDENTS_READ, Actor, require
from fangkong.people import cases
from fangkong.people.case_schemas import CaseOut, CasePage, CaseSource

router = APIRouter(tags=["people"])


@router.get("/cases", response_model=CasePage)
def list_cases(
    reported_from: Day | None = None,
    reported_to: Day | None = None,
    source: CaseSource | None = None,
    page: PageNumber = 1,
    per_page: PageSize = 50,
    actor: Actor = Depends(require(RESIDENTS_READ)),
    session: Session = SESSION,
):
    """Cases whose home lies in your jurisdiction, documents masked."""
    items, total = cases.list_cases(session, scope=actor.jurisdiction, reported_from=reported_from,
                                    reported_to=reported_to, source=source, page=page, per_page=per_page)
    return CasePage(items=items, total=total, page=page, per_page=per_page)


@router.get("/cases/{case_id}", response_model=CaseOut)
def get_case(case_id: RowId, actor: Actor = Depends(require(RESIDENTS_READ)), session: Session = SESSION):
    return cases.case_detail(session, cases.get_case(session, case_id, scope=actor.jurisdiction))
