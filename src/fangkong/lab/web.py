"""Pages of nucleic acid testing: capacity and turnaround with the positive pools being resolved, file
uploads of sampling records and results, and one person's test history with their plan's test days."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.errors import DomainError
from fangkong.core.permissions import LAB_RESULTS, LAB_SAMPLE, LAB_VIEW, RESIDENTS_READ, Actor, require
from fangkong.lab import imports, queries
from fangkong.lab.models import SamplingRound
from fangkong.people import service as residents
from fangkong.people.managed_models import ManagedPerson, ManagedPlanTest, TestResult
from fangkong.web.templating import render

router = APIRouter(include_in_schema=False)
MAX_UPLOAD = 20 * 1024 * 1024


def _index(request: Request, session: Session, actor: Actor, *, report=None, error=None, status=200) -> Response:
    days = queries.capacity(session)
    context = {
        "days": days[-60:], "turnaround": queries.turnaround(session),
        "pools": queries.positive_pools(session, actor.jurisdiction)[:100],
        "rounds": [{"id": r.id, "name": r.name, "reason": r.reason, "override_reason": r.override_reason,
                    "target_at": queries.local(r.target_at)}
                   for r in session.scalars(select(SamplingRound).order_by(SamplingRound.id.desc()).limit(20))],
        "may_sample": actor.may(LAB_SAMPLE), "may_results": actor.may(LAB_RESULTS),
        "may_people": actor.may(RESIDENTS_READ), "report": report, "error": error,
        "chart_days": [f"{d['lab_code']} {d['day']:%m-%d}" for d in days[-30:]],
        "chart_load": [round(100 * d["load"]) for d in days[-30:]],
    }
    return render(request, "lab/index.html", context, status=status, user=actor.user, active="lab")


@router.get("/lab")
def lab_page(request: Request, actor: Actor = Depends(require(LAB_VIEW)),
             session: Session = SESSION) -> Response:
    return _index(request, session, actor)


async def _upload(request: Request, session: Session, actor: Actor, round_id: int, file: UploadFile, kind: str):
    data = await file.read(MAX_UPLOAD + 1)
    try:
        if len(data) > MAX_UPLOAD:
            raise DomainError("file_too_large", "file: at most 20 MB; use `fangkong lab import-samples`", status=413)
        report = imports.import_upload(session, file.filename or "upload.csv", data, round_id=round_id, actor=actor,
                                       kind=kind)
    except DomainError as exc:
        return _index(request, session, actor, error=exc.message, status=exc.status)
    return _index(request, session, actor, report=report.to_dict())


@router.post("/lab/rounds/{round_id}/samples")
async def upload_samples(request: Request, round_id: RowId, file: UploadFile = File(...),
                         actor: Actor = Depends(require(LAB_SAMPLE)), session: Session = SESSION):
    """A CSV or Excel file of sampling records; the page lists every refused line with its reason."""
    return await _upload(request, session, actor, round_id, file, "samples")


@router.post("/lab/rounds/{round_id}/results")
async def upload_results(request: Request, round_id: RowId, file: UploadFile = File(...),
                         actor: Actor = Depends(require(LAB_RESULTS)), session: Session = SESSION):
    return await _upload(request, session, actor, round_id, file, "results")


@router.get("/lab/people/{resident_id}")
def person_page(request: Request, resident_id: RowId, actor: Actor = Depends(require(LAB_VIEW)),
                session: Session = SESSION) -> Response:
    """A resident's samples and results (ID number masked), and the test days of their plan, if managed."""
    resident = residents.get_resident(session, resident_id, scope=actor.jurisdiction)
    rows = queries.history(session, resident.id_number_mac)
    sampled_days = {r["sampled_at"].date() for r in rows}
    plan = []
    managed = session.scalar(select(ManagedPerson).where(ManagedPerson.resident_id == resident.id)
                             .order_by(ManagedPerson.release_on.desc()).limit(1))
    if managed is not None:
        recorded = dict(session.execute(select(TestResult.day, TestResult.result)
                                        .where(TestResult.person_id == managed.id)).all())
        for day in session.scalars(select(ManagedPlanTest.day).where(ManagedPlanTest.plan_id == managed.plan_id)
                                   .order_by(ManagedPlanTest.day)):
            plan.append({"day": day, "sampled": day in sampled_days, "result": recorded.get(day)})
    return render(request, "lab/person.html",
                  {"person": residents.masked_view(resident), "rows": rows, "plan": plan},
                  user=actor.user, active="lab")
