"""A construction site's all-staff testing compliance (read from lab) and gate checks (read from tracing).

Compliance of a round: the roster's workers with no sample in it (any attempt). The site's latest round is
the linked lab round that started last. Entry checks and fever alerts are tracing's rows at the site's gate
venue: shown here, never copied.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import NotFound
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.enterprises.models import ConstructionSite, RosterMember, SiteRound
from fangkong.enterprises.registry import district_within, get_site, roster
from fangkong.lab.models import Sample, SamplingRound
from fangkong.people import service as people_service
from fangkong.people.models import Resident
from fangkong.places.models import District, Venue
from fangkong.tracing.models import EntryCheck, FeverAlert

CHECKS_SHOWN = 50


def link_round(session: Session, site_id: int, *, actor, round_id: int) -> None:
    site = get_site(session, site_id, scope=actor.jurisdiction)
    if session.get(SamplingRound, round_id) is None:
        raise NotFound("sampling round", details={"field": "round_id"})
    if session.get(SiteRound, (site.id, round_id)) is None:
        session.add(SiteRound(site_id=site.id, round_id=round_id))
        session.flush()
        site.latest_round_id = latest_round(session, site.id).id
        session.flush()
        audit.record(session, actor=actor, action="construction_site.round", object_type="construction_site",
                     object_id=site.id, after={"round_id": round_id})


def latest_round(session: Session, site_id: int) -> SamplingRound | None:
    return session.scalar(select(SamplingRound).join(SiteRound, SiteRound.round_id == SamplingRound.id)
                          .where(SiteRound.site_id == site_id)
                          .order_by(SamplingRound.starts_at.desc(), SamplingRound.id.desc()).limit(1))


def _not_sampled(round_id: int):
    sampled = select(Sample.id).where(Sample.round_id == round_id, Sample.person_mac == RosterMember.person_mac,
                                      Sample.attempt == 0)
    return ~sampled.exists()


def compliance(session: Session, site_id: int, *, scope: Jurisdiction) -> dict:
    """The site's latest round and the roster's workers not sampled in it."""
    site = get_site(session, site_id, scope=scope)
    found = latest_round(session, site.id)
    workers = session.scalar(select(func.count()).select_from(RosterMember).where(RosterMember.site_id == site.id))
    if found is None:
        return {"site_id": site.id, "round": None, "workers": workers or 0, "sampled": 0, "items": [],
                "total": 0}
    rows = session.scalars(select(Resident).join(RosterMember, RosterMember.resident_id == Resident.id)
                           .where(RosterMember.site_id == site.id, _not_sampled(found.id))
                           .order_by(Resident.id)).all()
    items = [people_service.masked_view(r) for r in rows]
    return {"site_id": site.id, "round": {"id": found.id, "name": found.name,
                                          "starts_at": clock.aware(found.starts_at)},
            "workers": workers or 0, "sampled": (workers or 0) - len(items), "items": items, "total": len(items)}


def not_sampled():
    """The roster member (of a site) has no sample (attempt 0: every re-sample follows one) in the site's
    latest round."""
    return ~select(Sample.id).where(Sample.round_id == ConstructionSite.latest_round_id,
                                    Sample.person_mac == RosterMember.person_mac, Sample.attempt == 0).exists()


def not_sampled_query(scope: Jurisdiction):
    """(site, resident) rows of roster workers not sampled in their site's latest round."""
    return (select(ConstructionSite, Resident)
            .join(RosterMember, RosterMember.site_id == ConstructionSite.id)
            .join(Resident, Resident.id == RosterMember.resident_id)
            .where(district_within(scope, ConstructionSite.district_id), ConstructionSite.latest_round_id.is_not(None),
                   not_sampled()))


def not_sampled_list(session: Session, *, scope: Jurisdiction, page: int, per_page: int) -> tuple[list[dict], int]:
    query = not_sampled_query(scope)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(ConstructionSite.id, Resident.id)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return [{"site_id": site.id, "project": site.project, "resident_id": r.id, "name": r.name,
             "id_number_masked": people_service.masked_view(r)["id_number_masked"]} for site, r in rows], total


def gate(session: Session, site: ConstructionSite) -> dict:
    """The gate venue's latest entry checks (temperature, registration) and fever alerts."""
    if site.venue_id is None:
        return {"venue": None, "checks": [], "alerts": [], "checks_total": 0}
    venue = session.get(Venue, site.venue_id)
    checks = session.execute(select(EntryCheck, Resident.name).outerjoin(Resident, Resident.id == EntryCheck.resident_id)
                             .where(EntryCheck.venue_id == venue.id)
                             .order_by(EntryCheck.checked_at.desc(), EntryCheck.id.desc()).limit(CHECKS_SHOWN)).all()
    total = session.scalar(select(func.count()).select_from(EntryCheck).where(EntryCheck.venue_id == venue.id))
    alerts = session.execute(select(FeverAlert).where(FeverAlert.venue_id == venue.id)
                             .order_by(FeverAlert.raised_at.desc()).limit(CHECKS_SHOWN)).scalars().all()
    return {"venue": {"id": venue.id, "code": venue.code, "name": venue.name},
            "checks": [{"at": clock.aware(c.checked_at), "name": name or "—", "temperature": c.temperature,
                        "registered": c.registered} for c, name in checks],
            "alerts": [{"at": clock.aware(a.raised_at), "temperature": a.temperature, "threshold": a.threshold,
                        "task_force": a.task_force} for a in alerts],
            "checks_total": total or 0}


def site_detail(session: Session, site_id: int, *, scope: Jurisdiction) -> dict:
    site = get_site(session, site_id, scope=scope)
    district = session.get(District, site.district_id)
    return {"id": site.id, "project": site.project, "builder": site.builder, "district": district.code,
            "district_name": district.name, "location": site.location, "closure": site.closure,
            "roster": roster(session, site_id=site.id), "compliance": compliance(session, site.id, scope=scope),
            "gate": gate(session, site)}
