"""The dashboard page and the daily report's downloads (the button on it)."""

from __future__ import annotations


from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.dates import parse_day
from fangkong.core.deps import SESSION
from fangkong.core.errors import NotFound
from fangkong.core.permissions import DASHBOARD_VIEW, REPORTS_DAILY, Actor, require
from fangkong.dashboard import report, service
from fangkong.web.templating import render

router = APIRouter(include_in_schema=False)
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


@router.get("/dashboard")
def dashboard_page(request: Request, view: str = "", actor: Actor = Depends(require(DASHBOARD_VIEW)),
                   session: Session = SESSION) -> Response:
    board = service.dashboard(session, actor=actor, view_all=view == "all")
    context = {"d": board, "may_report": actor.may(REPORTS_DAILY),
               "own_view_exists": bool(service.ROLE_VIEWS.get(actor.user.role))}
    return render(request, "dashboard/index.html", context, user=actor.user, active="dashboard")


@router.get("/dashboard/report.{fmt}")
def daily_report(fmt: str, date: str = "", actor: Actor = Depends(require(REPORTS_DAILY)),
                 session: Session = SESSION) -> Response:
    if fmt not in report.FORMATS:
        raise NotFound("report_format", f"no daily report as .{fmt}: one of {', '.join(report.FORMATS)}")
    day = parse_day(date, "date") or clock.today()
    built = report.build(session, on=day, actor=actor)
    audit.record(session, actor=actor, action="report.daily", object_type="daily_report",
                 object_id=f"{day.isoformat()}.{fmt}", after={"jurisdiction": actor.jurisdiction.code})
    body = report.to_bytes(built, fmt)
    name = f"daily-report-{day.isoformat()}.{fmt}"
    return Response(body, media_type=MEDIA[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})

