"""API of people under management, the policy switch, local overrides and the over-enforcement report.

Mounted under /api/v1 by the app (`fangkong.people.managed_api.router`).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Query, UploadFile
from sqlalchemy.orm import Session

from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.fields import Day
from fangkong.core.pagination import PageNumber, PageSize
from fangkong.core.permissions import (
    MANAGED_READ,
    MANAGED_WRITE,
    OVERRIDES_WRITE,
    POLICY_SWITCH,
    REPORTS_OVER_ENFORCEMENT,
    Actor,
    require,
)
from fangkong.people import managed, managed_import, managed_queries, overrides, switch
from fangkong.people.managed_schemas import (
    Category,
    ManagedDetail,
    ImportReportOut,
    ManagedIn,
    ManagedPage,
    OverEnforcementOut,
    OverrideIn,
    OverrideOut,
    PhaseKind,
    Status,
    SwitchIn,
    SwitchOut,
)

router = APIRouter(tags=["people under management"])


@router.post("/managed", response_model=ManagedDetail, status_code=201)
def put_under_management(
    body: ManagedIn, actor: Actor = Depends(require(MANAGED_WRITE)), session: Session = SESSION
):
    """Put a resident, or a non-resident with a passport or other document, under management.

    The plan comes from the pack in force on the anchor date (or `pack`), with the local
    overrides in force for the person's district; 409 if the person is already under management.
    """
    person = managed.put_under_management(session, actor=actor, **body.model_dump())
    return managed_queries.person_detail(session, person)


@router.post("/managed/import", response_model=ImportReportOut)
def import_managed(
    file: UploadFile = File(description="an .xlsx whose first row holds the column headings"),
    actor: Actor = Depends(require(MANAGED_WRITE)),
    session: Session = SESSION,
):
    """Put the people of an Excel list under management; a row-level report of what was refused and why.

    Headings (row 1) in Chinese or English: 姓名, 身份证号, 证件类型, 证件号码, 类别, 锚定日期, 发现日期,
    来源 (and optionally 区县代码). An unknown or missing heading refuses the whole file (422). Rows
    already registered count as `existing`: importing the same file again changes nothing.
    """
    data = file.file.read(managed_import.MAX_FILE_BYTES + 1)
    return managed_import.import_managed(session, data, actor=actor, filename=file.filename or "").to_dict()


@router.get("/managed", response_model=ManagedPage)
def list_managed(
    category: Category | None = None,
    status: Status | None = None,
    phase_kind: PhaseKind | None = Query(None, description="the kind of phase the person is in today"),
    district: str | None = Query(None, description="GB/T 2260 district code"),
    release_from: Day | None = None,
    release_to: Day | None = None,
    page: PageNumber = 1,
    per_page: PageSize = 50,
    actor: Actor = Depends(require(MANAGED_READ)),
    session: Session = SESSION,
):
    """People under management in your jurisdiction, masked, filtered; status and phase as of today."""
    items, total = managed_queries.list_managed(
        session, scope=actor.jurisdiction, category=category, status=status, phase_kind=phase_kind,
        district_code=district, release_from=release_from, release_to=release_to, page=page, per_page=per_page,
    )
    return ManagedPage(items=items, total=total, page=page, per_page=per_page)


@router.get("/managed/{person_id}", response_model=ManagedDetail)
def get_managed(
    person_id: RowId, actor: Actor = Depends(require(MANAGED_READ)), session: Session = SESSION
):
    """One person with the plan as a timeline of phases, the test appointments and the history."""
    person = managed_queries.get_person(session, person_id, scope=actor.jurisdiction)
    return managed_queries.person_detail(session, person)


@router.post("/policy/switch", response_model=SwitchOut)
def switch_policy(
    body: SwitchIn, actor: Actor = Depends(require(POLICY_SWITCH)), session: Session = SESSION
):
    """Recompute every live plan with another pack from `effective` on: a preview by default.

    The preview covers your jurisdiction; applying (`dry_run: false`) covers the whole city in
    one transaction, is audited, and needs a city-level user.
    """
    report = switch.switch_policy(
        session, to_pack_id=body.to, effective=body.effective, dry_run=body.dry_run, actor=actor
    )
    return report.to_dict()


@router.get("/overrides", response_model=list[OverrideOut])
def list_overrides(
    active_on: Day | None = Query(None, description="only those in force on this day"),
    actor: Actor = Depends(require(MANAGED_READ)),
    session: Session = SESSION,
):
    return overrides.list_overrides(session, scope=actor.jurisdiction, active_on=active_on)


@router.post("/overrides", response_model=OverrideOut, status_code=201)
def create_override(
    body: OverrideIn, actor: Actor = Depends(require(OVERRIDES_WRITE)), session: Session = SESSION
):
    """Record a local measure stricter than the pack in force; you are its approver. Nothing laxer is accepted."""
    row = overrides.create_override(session, actor=actor, **body.model_dump())
    return overrides.override_view(row, body.district)


@router.get("/reports/over-enforcement", response_model=OverEnforcementOut)
def over_enforcement(
    on: Day | None = Query(None, description="default today"),
    actor: Actor = Depends(require(REPORTS_OVER_ENFORCEMENT)),
    session: Session = SESSION,
):
    """Every local override, and every live plan stricter than the pack in force (层层加码)."""
    return overrides.over_enforcement_report(session, scope=actor.jurisdiction, on=on)
