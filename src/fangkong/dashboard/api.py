"""API of the command dashboard. Mounted under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from fangkong.core.deps import SESSION
from fangkong.core.permissions import DASHBOARD_VIEW, Actor, require
from fangkong.dashboard import service
from fangkong.dashboard.schemas import DashboardOut

router = APIRouter(tags=["dashboard"])


@router.get("/dashboard", response_model=DashboardOut)
def dashboard(view_all: bool = False, actor: Actor = Depends(require(DASHBOARD_VIEW)),
              session: Session = SESSION):
    """Today's figures and 14-day trends of the sections your role may read, in your jurisdiction;
    each figure names the page and the API that list its rows. `view_all`: every section, not only
    your task force's own view."""
    return service.dashboard(session, actor=actor, view_all=view_all)
