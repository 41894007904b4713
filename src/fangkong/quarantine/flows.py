"""Work that crosses into people: a person leaving a site early becomes a case (→ hospital)."""

from __future__ import annotations

from fangkong.core.jurisdiction import CITY
from fangkong.core.permissions import Actor
from fangkong.people.managed import escalate_to_case
from fangkong.quarantine.assignment import end_for_case, get_stay
from fangkong.quarantine.models import QuarantineStay
from fangkong.quarantine.scope import SiteScope


def exit_to_hospital(session, stay_id: int, *, actor, scope: SiteScope, reason: str) -> QuarantineStay:
    """Early exit: the bed is freed, the stay ends as exited, and the person becomes a case (audited).

    The site scope was checked on the stay; the person may live outside the caller's jurisdiction
    (a site takes people from every district), so the escalation acts with the city's reach.
    """
    stay = get_stay(session, stay_id, scope=scope)
    end_for_case(session, stay, actor=actor, note=reason)
    acting = Actor(principal=actor.principal, jurisdiction=CITY) if isinstance(actor, Actor) else actor
    escalate_to_case(session, stay.person_id, actor=acting, reason=f"quarantine early exit: {reason}")
    return stay
