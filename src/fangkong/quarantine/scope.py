"""Which sites a caller may see: a site's staff only their own site; everyone else the sites of their jurisdiction.

A site outside the caller's reach is "not found" (never confirmed). Staff without a site see none.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, select, true
from sqlalchemy.orm import Session

from fangkong.core.jurisdiction import CITY, Jurisdiction
from fangkong.places import service as places_service
from fangkong.quarantine.models import QuarantineSite, QuarantineStaff

STAFF_ROLE = "quarantine_site_staff"


@dataclass(frozen=True)
class SiteScope:
    jurisdiction: Jurisdiction
    staff: bool = False
    site_id: int | None = None  # the staff's own site

    def sites(self):
        """The condition on QuarantineSite (or on any column holding a site id via `site_ids`)."""
        if self.staff:
            return QuarantineSite.id == self.site_id if self.site_id is not None else false()
        if self.jurisdiction.is_city:
            return true()
        return QuarantineSite.district_id.in_(places_service.district_ids_within(self.jurisdiction))

    def site_ids(self):
        """A select of the ids of the sites in reach."""
        return select(QuarantineSite.id).where(self.sites())

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
