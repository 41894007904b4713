"""API of centralized quarantine sites: sites, rooms, staff, the queue, assignment, stays, occupancy.

Mounted under /api/v1. A site's staff see only their own site; everyone else the sites of their
jurisdiction, and read-only another district's site hosting their people, with only those people
(quarantine.scope). Static paths (/quarantine/sites/…) come before parameterized ones.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.errors import NotFound
from fangkong.core.fields import Day
from fangkong.core.permissions import (
    QUARANTINE_ALLOCATE, QUARANTINE_MANAGE, QUARANTINE_SITE_WORK, QUARANTINE_VIEW, Actor, require,
)
from fangkong.places.service import get_district_by_code
from fangkong.quarantine import service
from fangkong.quarantine.schemas import (
    AssignIn, AutoAssignIn, AutoAssignOut, BoardOut, CheckOutIn, DayListOut, ExitIn, OccupancyOut,
    QueueOut, RoomsAdded, RoomsIn, SiteIn, SiteOut, StaffIn, StatusIn, StayOut, TransferIn,
)

router = APIRouter(tags=["quarantine"])


def _site(session: Session, actor: Actor, site_id: int) -> dict:
    found = [s for s in service.list_sites(session, scope=service.scope_of(session, actor)) if s["id"] == site_id]
    if not found:
        raise NotFound("quarantine site", details={"site_id": site_id})
    return found[0]


def _stay(session: Session, actor: Actor, stay) -> dict:
    scope = service.scope_of(session, actor)
    found = [v for v in service.site_stays(session, stay.site_id, scope=scope, live_only=False) if v["id"] == stay.id]
    if not found:
        raise NotFound("stay", details={"stay_id": stay.id})
    return found[0]


@router.get("/quarantine/sites", response_model=list[SiteOut])
def list_sites(actor: Actor = Depends(require(QUARANTINE_VIEW)), session: Session = SESSION):
    """Sites in reach with rooms, beds, occupied and free beds (staff: their own site only)."""
    return service.list_sites(session, scope=service.scope_of(session, actor))


@router.post("/quarantine/sites", response_model=SiteOut, status_code=201)
def create_site(body: SiteIn, actor: Actor = Depends(require(QUARANTINE_MANAGE)),
                session: Session = SESSION):
    site = service.create_site(session, actor=actor, scope=service.scope_of(session, actor), **body.model_dump())
    return _site(session, actor, site.id)


@router.get("/quarantine/queue", response_model=QueueOut)
def queue(on: Day | None = Query(None, description="default today"),
          district: str | None = Query(None, pattern=r"^\d{6}$"), limit: int = Query(200, ge=1, le=2000),
          actor: Actor = Depends(require(QUARANTINE_ALLOCATE)), session: Session = SESSION):
    """People whose plan is in a centralized phase on the day and who have no room: by district and phase start."""
    district_id = get_district_by_code(session, district, scope=actor.jurisdiction).id if district else None
    return service.queue_page(session, actor.jurisdiction, on or clock.today(), district_id=district_id, limit=limit)


@router.post("/quarantine/assignments", response_model=list[StayOut], status_code=201)
def assign(body: AssignIn, actor: Actor = Depends(require(QUARANTINE_ALLOCATE)),
           session: Session = SESSION):
    """Put 1–4 people (a household) in one room; 409 `room_full` when its beds were taken meanwhile."""
    stays = service.assign(session, actor=actor, scope=service.scope_of(session, actor), **body.model_dump())
    return [_stay(session, actor, stay) for stay in stays]


@router.post("/quarantine/assignments/auto", response_model=AutoAssignOut)
def auto_assign(body: AutoAssignIn, actor: Actor = Depends(require(QUARANTINE_ALLOCATE)),
                session: Session = SESSION):
    """The whole queue of the day into the free beds of the open sites (households together, special needs
    to accessible rooms); who does not fit stays queued."""
    district_id = get_district_by_code(session, body.district, scope=actor.jurisdiction).id if body.district else None
    report = service.auto_assign(session, actor=actor, scope=service.scope_of(session, actor), day=body.date,
                                 site_ids=body.site_ids, district_id=district_id,
                                 keep_households=body.keep_households)
    return report.to_dict()


@router.get("/quarantine/occupancy", response_model=OccupancyOut)
def occupancy(start: Day | None = Query(None, description="default today"),
              actor: Actor = Depends(require(QUARANTINE_VIEW)), session: Session = SESSION):
    """Beds per site and city-wide now, places needed per day for 14 days from the plans, tomorrow's turnover."""
    return service.occupancy(session, scope=service.scope_of(session, actor), start=start)


@router.get("/quarantine/forecast", response_model=OccupancyOut)
def forecast(pack: str | None = Query(None, max_length=20, pattern=r"^[a-z][a-z0-9_]*$",
                                      description="a policy pack's id; default: the newest pack"),
             effective: Day | None = Query(None, description="default: the first day"),
             start: Day | None = Query(None, description="default today"),
             actor: Actor = Depends(require(QUARANTINE_ALLOCATE)), session: Session = SESSION):
    """The 14-day curve now and if `pack` applied from `effective`, by site: the policy switch's dry run."""
    return service.forecast(session, scope=service.scope_of(session, actor), pack_id=pack, effective=effective,
                            start=start)


@router.get("/quarantine/sites/{site_id}", response_model=BoardOut)
def site_board(site_id: RowId, actor: Actor = Depends(require(QUARANTINE_VIEW)),
               session: Session = SESSION):
    """The site with its rooms by floor, their state and live occupants."""
    return service.board(session, site_id, scope=service.scope_of(session, actor))


@router.post("/quarantine/sites/{site_id}/status", response_model=SiteOut)
def set_status(site_id: RowId, body: StatusIn, actor: Actor = Depends(require(QUARANTINE_MANAGE)),
               session: Session = SESSION):
    service.set_status(session, site_id, actor=actor, scope=service.scope_of(session, actor), status=body.status)
    return _site(session, actor, site_id)


@router.post("/quarantine/sites/{site_id}/rooms", response_model=RoomsAdded, status_code=201)
def add_rooms(site_id: RowId, body: RoomsIn, actor: Actor = Depends(require(QUARANTINE_MANAGE)),
              session: Session = SESSION):
    added = service.add_rooms(session, site_id, [r.model_dump() for r in body.rooms], actor=actor,
                              scope=service.scope_of(session, actor))
    return {"added": added}


@router.post("/quarantine/sites/{site_id}/staff", status_code=204)
def add_staff(site_id: RowId, body: StaffIn, actor: Actor = Depends(require(QUARANTINE_MANAGE)),
              session: Session = SESSION):
    service.add_staff(session, site_id, actor=actor, scope=service.scope_of(session, actor), username=body.username)


@router.get("/quarantine/sites/{site_id}/stays", response_model=list[StayOut])
def site_stays(site_id: RowId, actor: Actor = Depends(require(QUARANTINE_VIEW)),
               session: Session = SESSION):
    """The people living in the site now (masked)."""
    return service.site_stays(session, site_id, scope=service.scope_of(session, actor))


@router.get("/quarantine/sites/{site_id}/day", response_model=DayListOut)
def day_lists(site_id: RowId, on: Day | None = Query(None, description="default today"),
              actor: Actor = Depends(require(QUARANTINE_VIEW)), session: Session = SESSION):
    """Arrivals and departures of a day at the site."""
    return service.day_lists(session, site_id, scope=service.scope_of(session, actor), day=on)


@router.post("/quarantine/stays/{stay_id}/check-in", response_model=StayOut)
def check_in(stay_id: RowId, actor: Actor = Depends(require(QUARANTINE_SITE_WORK)),
             session: Session = SESSION):
    stay = service.check_in(session, stay_id, actor=actor, scope=service.scope_of(session, actor))
    return _stay(session, actor, stay)


@router.post("/quarantine/stays/{stay_id}/transfer", response_model=StayOut)
def transfer(stay_id: RowId, body: TransferIn, actor: Actor = Depends(require(QUARANTINE_ALLOCATE)),
             session: Session = SESSION):
    """Move the person to another room (another site too): a new stay, the old one ends as transferred."""
    stay = service.transfer(session, stay_id, actor=actor, scope=service.scope_of(session, actor),
                            to_room_id=body.to_room_id, reason=body.reason)
    return _stay(session, actor, stay)


@router.post("/quarantine/stays/{stay_id}/check-out", response_model=StayOut)
def check_out(stay_id: RowId, body: CheckOutIn, actor: Actor = Depends(require(QUARANTINE_SITE_WORK)),
              session: Session = SESSION):
    """The centralized phase is over: home, with the transport noted; 409 before the phase ends."""
    stay = service.check_out(session, stay_id, actor=actor, scope=service.scope_of(session, actor),
                             transport=body.transport)
    return _stay(session, actor, stay)


@router.post("/quarantine/stays/{stay_id}/exit", response_model=StayOut)
def exit_to_hospital(stay_id: RowId, body: ExitIn, actor: Actor = Depends(require(QUARANTINE_SITE_WORK)),
                     session: Session = SESSION):
    """Early exit: the person became a case and goes to hospital; the bed is freed."""
    stay = service.exit_to_hospital(session, stay_id, actor=actor, scope=service.scope_of(session, actor),
                                    reason=body.reason)
    return _stay(session, actor, stay)
