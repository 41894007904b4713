"""Which sites a caller may see, and how: the one place that decides a site's access.

- "own": a site of the caller's jurisdiction (a site's staff: their one site; the city: every site).
  Read and written in full.
- "hosting": a site of another district that holds people of the caller's jurisdiction now (a live
  stay of a person under management within it). Readable: the site's own fields and only the caller's
  people in it; every write on it is "not found", as for any other site. Staff and the city host nothing.
- none: "not found" (never confirmed). Staff without a site see none.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, func, select, true
from sqlalchemy.orm import Session

from fangkong.core.jurisdiction import CITY, Jurisdiction
from fangkong.people.managed_models import ManagedPerson as MP
from fangkong.people.managed_queries import within
from fangkong.places import service as places_service
from fangkong.quarantine.models import LIVE_STATES, QuarantineSite, QuarantineStaff, QuarantineStay

STAFF_ROLE = "quarantine_site_staff"
OWN, HOSTING = "own", "hosting"
Site, Stay = QuarantineSite, QuarantineStay


@dataclass(frozen=True)
class SiteScope:
    jurisdiction: Jurisdiction
    staff: bool = False
    site_id: int | None = None  # the staff's own site

    def sites(self):
        """The condition on QuarantineSite of the caller's own sites (all writes need one)."""
        if self.staff:
            return Site.id == self.site_id if self.site_id is not None else false()
        if self.jurisdiction.is_city:
            return true()
        return Site.district_id.in_(places_service.district_ids_within(self.jurisdiction))

    def site_ids(self):
        """A select of the ids of the caller's own sites."""
        return select(Site.id).where(self.sites())

    @property
    def may_host(self) -> bool:
        """Whether another district's site can be "hosting" for the caller (not staff, not the city)."""
        return not self.staff and not self.jurisdiction.is_city

    def ours(self):
        """The condition on ManagedPerson of the caller's people (those shown on a hosting site)."""
        return within(self.jurisdiction)

    def people_at(self, access: str):
        """The people shown at a site of this access: everyone at an own site, only ours at a hosting one."""
        return true() if access == OWN else self.ours()

    def hosted(self):
        """A select of (site id, our people there) of every hosting site."""
        if not self.may_host:
            return select(Stay.site_id, func.count()).where(false()).group_by(Stay.site_id)
        return (select(Stay.site_id, func.count()).join(MP, MP.id == Stay.person_id)
                .where(Stay.state.in_(LIVE_STATES), self.ours(), Stay.site_id.not_in(self.site_ids()))
                .group_by(Stay.site_id))

    @property
    def people_scope(self) -> Jurisdiction:
        """Where the caller may look at people outside any site (staff: nowhere but their site)."""
        return self.jurisdiction


CITY_SCOPE = SiteScope(jurisdiction=CITY)


def scope_of(session: Session, actor) -> SiteScope:
    """The site scope of an Actor (a role's permission is checked by the route; this only narrows)."""
    if actor.user.role != STAFF_ROLE:
        return SiteScope(jurisdiction=actor.jurisdiction)
    site_id = session.scalar(select(QuarantineStaff.site_id).where(QuarantineStaff.user_id == actor.user.id))
    return SiteScope(jurisdiction=actor.jurisdiction, staff=True, site_id=site_id)


def hosted_counts(session: Session, scope: SiteScope, site_ids=None) -> dict[int, int]:
    """Hosting site id → how many of the caller's people live there now."""
    query = scope.hosted()
    if site_ids is not None:
        query = query.where(Stay.site_id.in_(site_ids))
    return dict(session.execute(query).all())


def accesses(session: Session, scope: SiteScope, hosted: dict[int, int] | None = None) -> dict[int, str]:
    """Every site the caller may read → "own" or "hosting" (`hosted`: hosted_counts, if read already)."""
    hosted = hosted_counts(session, scope) if hosted is None else hosted
    found = {site_id: HOSTING for site_id in hosted}
    found.update((site_id, OWN) for site_id in session.scalars(scope.site_ids()))
    return found


def site_access(session: Session, scope: SiteScope, site_id: int) -> str | None:
    """The caller's access to one site: "own", "hosting" or None (not found)."""
    if session.scalar(select(Site.id).where(Site.id == site_id, scope.sites())) is not None:
        return OWN
    return HOSTING if hosted_counts(session, scope, [site_id]) else None
