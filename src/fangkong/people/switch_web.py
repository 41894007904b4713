"""Policy pages: the packs (/policy) and the commander's policy switch with a preview (/policy/switch).

The preview is a dry run of people.switch.switch_policy over the caller's jurisdiction (an HTMX
partial: totals, released at once, phase kind changed, per category, centralized places freed
per day for 14 days, as a table and an ECharts bar chart initialised by static/js/charts.js).
Applying is a plain POST that needs the confirmation box ticked and a city-level user; it runs
in the request's unit of work and is audited by the switch itself.
"""

from __future__ import annotations

import json
from datetime import date

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fangkong.core import clock, i18n
from fangkong.core.deps import SESSION
from fangkong.core.errors import DomainError, InvalidInput
from fangkong.core.permissions import POLICY_SWITCH, SHELL, Actor, require
from fangkong.people import switch
from fangkong.policy import builtin_packs, pack_in_force
from fangkong.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)


def _packs(language: str) -> list[dict]:
    today = clock.today()
    try:
        current = pack_in_force(today).id
    except Exception:  # noqa: BLE001 - no pack in force today is a state to show, not an error
        current = None
    return [
        {"id": p.id, "title": _title(p.title, language), "effective_from": p.effective_from,
         "effective_until": p.effective_until, "in_force": p.id == current}
        for p in builtin_packs()
    ]


def _title(title, language: str) -> str:
    if isinstance(title, dict):
        return title.get(language) or title.get("zh") or next(iter(title.values()), "")
    return getattr(title, language, None) or getattr(title, "zh", None) or str(title)


def _effective(value: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise InvalidInput("invalid_effective", "effective: not a date (YYYY-MM-DD)",
                           details={"field": "effective"}) from None


def report_view(report: switch.SwitchReport) -> dict:
    """The report for templates/policy/_report.html, with the chart's data as JSON attributes."""
    data = report.to_dict()
    freed = data["freed_centralized"]
    data["chart_labels"] = json.dumps([f["day"][5:] for f in freed])
    data["chart_values"] = json.dumps([f["places"] for f in freed])
    return data


def _page(request: Request, actor: Actor, **extra) -> dict:
    language = i18n.request_language(request)
    context = {"packs": _packs(language), "to": "", "effective": clock.today().isoformat(), "report": None,
               "error": None, "may_apply": actor.jurisdiction.is_city}
    context.update(extra)
    return context


@router.get("/policy")
def policy_page(request: Request, actor: Actor = Depends(require(SHELL))) -> Response:
    context = {"packs": _packs(i18n.request_language(request)), "may_switch": actor.may(POLICY_SWITCH)}
    return render(request, "policy/packs.html", context, user=actor.user, active="policy")


@router.get("/policy/switch")
def switch_page(request: Request, actor: Actor = Depends(require(POLICY_SWITCH))) -> Response:
    return render(request, "policy/switch.html", _page(request, actor), user=actor.user, active="policy")


@router.post("/policy/switch/preview")
def switch_preview(
    request: Request,
    to: str = Form(""),
    effective: str = Form(""),
    actor: Actor = Depends(require(POLICY_SWITCH)),
    session: Session = SESSION,
) -> Response:
    """The dry run over the caller's jurisdiction (HTMX partial; a whole page without HTMX)."""
    report, error, status = None, None, 200
    try:
        report = report_view(switch.switch_policy(session, to_pack_id=to, effective=_effective(effective),
                                                  dry_run=True, actor=actor))
    except DomainError as exc:
        error, status = exc.message, exc.status
    context = _page(request, actor, to=to, effective=effective, report=report, error=error)
    if is_htmx(request):  # HTMX swaps only successful answers: the reason must show
        return render(request, "policy/_report.html", context, user=actor.user)
    return render(request, "policy/switch.html", context, status=status, user=actor.user, active="policy")


@router.post("/policy/switch/apply")
def switch_apply(
    request: Request,
    to: str = Form(""),
    effective: str = Form(""),
    confirm: str = Form(""),
    actor: Actor = Depends(require(POLICY_SWITCH)),
    session: Session = SESSION,
) -> Response:
    """Apply the switch to the whole city (confirmation ticked, city-level user); audited."""
    if confirm != "yes":
        language = i18n.request_language(request)
        context = _page(request, actor, to=to, effective=effective,
                        error=i18n.translate(language, "policy.confirm_required"))
        return render(request, "policy/switch.html", context, status=422, user=actor.user, active="policy")
    report = switch.switch_policy(session, to_pack_id=to, effective=_effective(effective), dry_run=False, actor=actor)
    context = _page(request, actor, to=to, effective=effective, report=report_view(report))
    return render(request, "policy/switch.html", context, user=actor.user, active="policy")
