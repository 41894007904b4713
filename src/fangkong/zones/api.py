"""API of risk zones and of case registration (which proposes zones). Mounted under /api/v1.

Static paths (/zones/proposals, /zones/map, …) are declared before /zones/{zone_id}.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.pagination import PageNumber, PageSize
from fangkong.core.permissions import (
    CASES_WRITE, MANAGED_WRITE, REPORTS_OVER_ENFORCEMENT, RESIDENTS_READ, ZONES_APPROVE, ZONES_ROUNDS, ZONES_VIEW,
    Actor, require,
)
from fangkong.people import cases
from fangkong.people.managed_queries import person_detail
from fangkong.people.schemas import ResidentPage
from fangkong.people.case_schemas import CaseIn
from fangkong.zones import flows, service
from fangkong.zones.queries import local, proposal_view
from fangkong.zones.schemas import (
    CaseRegistered, DailyIn, DailyOut, Day, DepartureIn, DepartureOut, DueOut, KeepIn, MapOut,
    PublicRowOut, RejectIn, RoundIn, RoundOut, State, Tier, TierOut, WidenIn, ZoneDetail, ZoneOverEnforcementOut,
    ZonePage, ProposalOut,
)

router = APIRouter(tags=["zones"])
Language = Literal["zh", "en"]


@router.post("/cases", response_model=CaseRegistered, status_code=201)
def register_case(body: CaseIn, actor: Actor = Depends(require(CASES_WRITE)), session: Session = SESSION):
    """Register a case; its home and frequent units are proposed as zones at the granularity of the pack
    in force on the report day (or the infection is linked to a live zone covering them, restarting
    its clean streak). A person under management becomes a case."""
    case, links = flows.register_case(session, actor=actor, **body.model_dump())
    return {"case": cases.case_detail(session, case), "zones": [link.__dict__ for link in links]}


@router.get("/zones", response_model=ZonePage)
def list_zones(
    state: State | None = None,
    tier: Tier | None = None,
    district: str | None = Query(None, description="GB/T 2260 district code"),
    page: PageNumber = 1,
    per_page: PageSize = 50,
    actor: Actor = Depends(require(ZONES_VIEW)),
    session: Session = SESSION,
):
    items, total = service.list_zones(session, scope=actor.jurisdiction, state=state, tier=tier,
                                      district_code=district, page=page, per_page=per_page)
    return ZonePage(items=items, total=total, page=page, per_page=per_page)


@router.get("/zones/proposals", response_model=list[DueOut])
def proposals(on: Day | None = Query(None, description="default today"), actor: Actor = Depends(require(ZONES_VIEW)),
              session: Session = SESSION):
    """Lift and downgrade proposals due on a day: stored by the daily job, or due by the history."""
    return service.proposals_on(session, on=on or clock.today(), scope=actor.jurisdiction)


@router.post("/zones/daily", response_model=DailyOut)
def run_daily(body: DailyIn | None = None, actor: Actor = Depends(require(ZONES_APPROVE)),
              session: Session = SESSION):
    """The daily lifting job (what a scheduler runs every morning): stores due proposals, flags overdue ones."""
    day = (body.date if body else None) or clock.today()
    return service.run_daily(session, on=day, actor=actor).to_dict()


@router.get("/zones/map", response_model=MapOut)
def map_data(on: Day | None = Query(None, description="default today"), lang: Language = "zh",
             compounds: bool = Query(True, description="false: leave out the compounds (they do not change by day)"),
             actor: Actor = Depends(require(ZONES_VIEW)), session: Session = SESSION):
    """Districts, compounds and the places of the zones in force on a day, compactly (for the map)."""
    return service.map_data(session, scope=actor.jurisdiction, on=on or clock.today(), language=lang,
                            with_compounds=compounds)


@router.get("/zones/public", response_model=list[PublicRowOut])
def public_list(on: Day | None = Query(None, description="default today"), tier: Tier = "high",
                lang: Language = "zh", actor: Actor = Depends(require(ZONES_VIEW)),
                session: Session = SESSION):
    """The public list (高风险区名单): district, subdistrict, compound, building/unit, since."""
    return list(service.public_rows(session, scope=actor.jurisdiction, on=on or clock.today(), tier=tier,
                                    language=lang))


@router.post("/zones/proposals/{proposal_id}/approve", response_model=ProposalOut)
def approve_proposal(proposal_id: RowId, actor: Actor = Depends(require(ZONES_APPROVE)),
                     session: Session = SESSION):
    """Lift (or downgrade) the zone today as proposed; audited."""
    row = service.approve_proposal(session, proposal_id, actor=actor)
    return _proposal(row)


@router.post("/zones/proposals/{proposal_id}/reject", response_model=ProposalOut)
def reject_proposal(proposal_id: RowId, body: KeepIn, actor: Actor = Depends(require(ZONES_APPROVE)),
                    session: Session = SESSION):
    """Keep the zone as it is until `keep_until`: recorded as an override (over-enforcement report); audited."""
    service.reject_proposal(session, proposal_id, actor=actor, reason=body.reason, keep_until=body.keep_until)
    return _proposal(service.get_proposal(session, proposal_id, scope=actor.jurisdiction))


@router.get("/zones/{zone_id}", response_model=ZoneDetail)
def get_zone(zone_id: RowId, actor: Actor = Depends(require(ZONES_VIEW)), session: Session = SESSION):
    return service.zone_detail(session, service.get_zone(session, zone_id, scope=actor.jurisdiction))


@router.post("/zones/{zone_id}/approve", response_model=ZoneDetail)
def approve_zone(zone_id: RowId, actor: Actor = Depends(require(ZONES_APPROVE)),
                 session: Session = SESSION):
    """Designate a proposed zone: in force from today; audited."""
    return service.zone_detail(session, service.approve(session, zone_id, actor=actor))


@router.post("/zones/{zone_id}/reject", response_model=ZoneDetail)
def reject_zone(zone_id: RowId, body: RejectIn, actor: Actor = Depends(require(ZONES_APPROVE)),
                session: Session = SESSION):
    return service.zone_detail(session, service.reject(session, zone_id, actor=actor, reason=body.reason))


@router.post("/zones/{zone_id}/widen", response_model=ZoneDetail)
def widen_zone(zone_id: RowId, body: WidenIn, actor: Actor = Depends(require(ZONES_APPROVE)),
               session: Session = SESSION):
    """Draw the zone wider, with a reason; beyond the pack's granularity it is recorded as an override."""
    zone = service.widen(session, zone_id, actor=actor, to=body.to, reason=body.reason)
    return service.zone_detail(session, zone)


@router.post("/zones/{zone_id}/rounds", response_model=RoundOut, status_code=201)
def record_round(zone_id: RowId, body: RoundIn, actor: Actor = Depends(require(ZONES_ROUNDS)),
                 session: Session = SESSION):
    """A full test round of a zone in force; the same sampling time again updates its result."""
    row = service.record_round(session, zone_id, sampled_at=body.sampled_at, result=body.result, actor=actor)
    return {"id": row.id, "sampled_at": local(row.sampled_at), "result": row.result,
            "recorded_by": row.recorded_by}


@router.get("/zones/{zone_id}/residents", response_model=ResidentPage)
def zone_residents(zone_id: RowId, page: PageNumber = 1, per_page: PageSize = 50,
                   actor: Actor = Depends(require(RESIDENTS_READ)), session: Session = SESSION):
    """The residents living in the zone (masked, in your jurisdiction), for supplies and testing."""
    zone = service.get_zone(session, zone_id, scope=actor.jurisdiction)
    items, total = service.zone_residents(session, zone, scope=actor.jurisdiction, page=page, per_page=per_page)
    return ResidentPage(items=items, total=total, page=page, per_page=per_page)


@router.post("/zones/{zone_id}/departures", response_model=DepartureOut)
def record_departure(zone_id: RowId, body: DepartureIn, actor: Actor = Depends(require(MANAGED_WRITE)),
                     session: Session = SESSION):
    """A resident left the zone: put under management (from_high_risk_zone) with the pack in force that day."""
    person, created = flows.record_departure(session, zone_id, actor=actor, resident_id=body.resident_id,
                                             left_on=body.left_on)
    return {"created": created, "person": person_detail(session, person)}


@router.get("/units/{unit_id}/tier", response_model=TierOut)
def unit_tier(unit_id: RowId, on: Day | None = Query(None, description="default today"),
              actor: Actor = Depends(require(ZONES_VIEW)), session: Session = SESSION):
    """The risk tier of a unit on a day (past days answer with the tier in force then)."""
    answer = service.tier_of(session, unit_id=unit_id, on=on or clock.today())
    return {"on": answer.on, "tier": answer.tier, "zone_ids": list(answer.zone_ids)}


@router.get("/residents/{resident_id}/tier", response_model=TierOut)
def resident_tier(resident_id: RowId, on: Day | None = Query(None, description="default today"),
                  actor: Actor = Depends(require(RESIDENTS_READ)), session: Session = SESSION):
    """The risk tier of a resident's home on a day (past days answer with the tier in force then)."""
    answer = service.tier_of(session, resident_id=resident_id, on=on or clock.today(), scope=actor.jurisdiction)
    return {"on": answer.on, "tier": answer.tier, "zone_ids": list(answer.zone_ids)}


@router.get("/reports/over-enforcement/zones", response_model=ZoneOverEnforcementOut)
def over_enforcement(on: Day | None = Query(None, description="default today"),
                     actor: Actor = Depends(require(REPORTS_OVER_ENFORCEMENT)),
                     session: Session = SESSION):
    """The zones' part of the over-enforcement report: widenings and kept-sealed overrides, overdue
    lifting proposals, zones drawn wider than the pack in force."""
    return service.over_enforcement_items(session, scope=actor.jurisdiction, on=on)


def _proposal(row) -> dict:
    return proposal_view(row, clock.today())
