"""Where a caller may look at orders and special-needs residents: the communities of their jurisdiction
(a community worker sees their own community only); and the name an actor is recorded under."""

from __future__ import annotations

from sqlalchemy import true

from fangkong.core.jurisdiction import Jurisdiction
from fangkong.places import service as places_service


def in_reach(column, scope: Jurisdiction):
    """The condition that keeps rows whose community (`column`) lies inside `scope`."""
    if scope.is_city:
        return true()
    return column.in_(places_service.community_ids_within(scope))


def who(actor) -> str:
    """The user name of an Actor, or the `via` of a system actor (the demo, a job)."""
    user = getattr(actor, "user", None)
    return getattr(user, "username", None) or getattr(getattr(actor, "principal", None), "via", None) or "system"
