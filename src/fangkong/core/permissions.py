"""Roles and what they may do, declared once; `require(action)` enforces it on every route.

Each route declares exactly one action through `require` (or `public()` for the few pages
anyone may open); the authorization matrix test reads these declarations from the route table,
so a route without one fails the suite.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from fangkong.core.auth import LoginRequired, Principal, not_authenticated, resolve_principal
from fangkong.core.deps import SESSION
from fangkong.core.errors import DomainError
from fangkong.core.jurisdiction import Jurisdiction, parse_jurisdiction

# glossary names; one task force role each
TASK_FORCES = ("coordination", "supplies", "prevention", "construction_sites", "public_areas")
ROLES = (
    "admin", "commander", *TASK_FORCES, "community_worker", "investigator", "lab_operator",
    "quarantine_site_staff", "hotline_agent", "department_handler", "inspector",
)

SHELL = "shell.view"  # home and module pages: every role
PLACES_READ = "places.read"
RESIDENTS_READ = "residents.read"
RESIDENTS_WRITE = "residents.write"
RESIDENTS_REVEAL = "residents.reveal"  # the full ID number and phone, audited
RESIDENTS_EXPORT = "residents.export"  # an .xlsx of the residents list, masked, audited
RESIDENTS_EXPORT_UNMASKED = "residents.export_unmasked"  # the same with full numbers, for a stated reason
AUDIT_READ = "audit.read"
USERS_MANAGE = "users.manage"
MANAGED_READ = "managed.read"  # people under management: lists, plans as timelines, overrides
MANAGED_WRITE = "managed.write"  # put people under management
POLICY_SWITCH = "policy.switch"  # recompute every live plan with another pack (preview or apply)
OVERRIDES_WRITE = "overrides.write"  # record a local measure stricter than the pack, as its approver
REPORTS_OVER_ENFORCEMENT = "reports.over_enforcement"  # overrides and plans stricter than the pack in force
CASES_WRITE = "cases.write"  # register a case (which proposes its risk zones)
ZONES_VIEW = "zones.view"  # risk zones: lists, map, the public list, tiers of places
ZONES_ROUNDS = "zones.rounds"  # record a full test round of a zone (the lab module will too)
ZONES_APPROVE = "zones.approve"  # designate, reject, widen, lift or downgrade zones; run the daily job
TRACING_SCAN = "tracing.scan"  # record venue scans and entry checks (scanners' tokens, gate staff)
TRACING_INVESTIGATE = "tracing.investigate"  # contact candidates of cases: propose, confirm, dismiss
TRACING_ALERTS = "tracing.alerts"  # fever alerts of entry checks, for the site's task force
TRACING_CHAINS = "tracing.chains"  # transmission chains: clusters of cases and confirmed contacts
LAB_VIEW = "lab.view"  # lab capacity, turnaround, positive pools being resolved, a person's test history
LAB_ROUNDS = "lab.rounds"  # start a sampling round
LAB_SAMPLE = "lab.sample"  # sampling records (sampling apps' tokens, upload)
LAB_RESULTS = "lab.results"  # tube receptions and results (labs' tokens, upload)
QUARANTINE_VIEW = "quarantine.view"  # sites, room boards, stays, arrivals/departures, occupancy (staff: their site)
QUARANTINE_ALLOCATE = "quarantine.allocate"  # the queue, assigning and transferring people, the forecast by pack
QUARANTINE_SITE_WORK = "quarantine.site_work"  # check-in, check-out home, early exit to hospital (staff: their site)
QUARANTINE_MANAGE = "quarantine.manage"  # open sites, add rooms, change a site's status, name its staff
HOTLINE_INTAKE = "hotline.intake"  # 12345 agents: take tickets in, dispatch, close, return visits, the sweep
HOTLINE_HANDLE = "hotline.handle"  # a department's handler: accept or send back, notes, the reply
HOTLINE_READ = "hotline.read"  # tickets, the hotline board and figures (handlers: their department's only)
INSPECTION_READ = "inspection.read"  # supervision items: over-enforcement signals and the groups' findings
INSPECTION_WRITE = "inspection.write"  # collect items, record findings (with a photo), close rectified items
SUPPLIES_VIEW = "supplies.view"  # supply points, catalogue, orders, delivery lists, late and not-served lists, board
SUPPLIES_ORDER = "supplies.order"  # order for sealed households (a building, one household, a hotline ticket)
SUPPLIES_DELIVER = "supplies.deliver"  # move orders along: prepared, out for delivery, delivered or failed
SUPPLIES_MANAGE = "supplies.manage"  # supply points, packs and prices; the special-needs register is ORDER
ENTERPRISES_VIEW = "enterprises.view"  # work resumption: enterprises, sites, rosters, problems, the board
ENTERPRISES_WRITE = "enterprises.write"  # register enterprises and sites, statuses, rosters, raise problems
ENTERPRISES_COORDINATE = "enterprises.coordinate"  # assign, handle and close problems (一企一策); the sweep
DASHBOARD_VIEW = "dashboard.view"  # the command dashboard: the sections a role may read, in its jurisdiction
REPORTS_DAILY = "reports.daily"  # the daily report (日报) as Excel or PDF

ACTIONS = (
    SHELL, PLACES_READ, RESIDENTS_READ, RESIDENTS_WRITE, RESIDENTS_REVEAL, RESIDENTS_EXPORT, RESIDENTS_EXPORT_UNMASKED,
    AUDIT_READ, USERS_MANAGE,
    MANAGED_READ, MANAGED_WRITE, POLICY_SWITCH, OVERRIDES_WRITE, REPORTS_OVER_ENFORCEMENT,
    CASES_WRITE, ZONES_VIEW, ZONES_ROUNDS, ZONES_APPROVE, TRACING_SCAN, TRACING_INVESTIGATE, TRACING_ALERTS,
    TRACING_CHAINS, LAB_VIEW, LAB_ROUNDS, LAB_SAMPLE, LAB_RESULTS,
    QUARANTINE_VIEW, QUARANTINE_ALLOCATE, QUARANTINE_SITE_WORK, QUARANTINE_MANAGE,
    HOTLINE_INTAKE, HOTLINE_HANDLE, HOTLINE_READ, INSPECTION_READ, INSPECTION_WRITE,
    SUPPLIES_VIEW, SUPPLIES_ORDER, SUPPLIES_DELIVER, SUPPLIES_MANAGE, ENTERPRISES_VIEW, ENTERPRISES_WRITE,
    ENTERPRISES_COORDINATE, DASHBOARD_VIEW, REPORTS_DAILY,
)

_EVERYONE = {SHELL, PLACES_READ, ZONES_VIEW, DASHBOARD_VIEW}
_READ_PEOPLE = _EVERYONE | {RESIDENTS_READ, MANAGED_READ}
_WORK_WITH_PEOPLE = _READ_PEOPLE | {RESIDENTS_WRITE, RESIDENTS_REVEAL, RESIDENTS_EXPORT, RESIDENTS_EXPORT_UNMASKED}
_WORK_WITH_PEOPLE |= {MANAGED_WRITE, CASES_WRITE}
_ENTERPRISES_ALL = {ENTERPRISES_VIEW, ENTERPRISES_WRITE, ENTERPRISES_COORDINATE}
_QUARANTINE_ALL = {QUARANTINE_VIEW, QUARANTINE_ALLOCATE, QUARANTINE_SITE_WORK, QUARANTINE_MANAGE}
_SUPPLIES_ALL = {SUPPLIES_VIEW, SUPPLIES_ORDER, SUPPLIES_DELIVER, SUPPLIES_MANAGE}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {SHELL, PLACES_READ, ZONES_VIEW, RESIDENTS_READ, AUDIT_READ, USERS_MANAGE, MANAGED_READ, POLICY_SWITCH,
         QUARANTINE_VIEW, LAB_VIEW, HOTLINE_READ, INSPECTION_READ, SUPPLIES_VIEW, ENTERPRISES_VIEW, DASHBOARD_VIEW,
         REPORTS_DAILY}
    ),
    "commander": frozenset(
        _READ_PEOPLE | {AUDIT_READ, RESIDENTS_EXPORT, POLICY_SWITCH, OVERRIDES_WRITE, REPORTS_OVER_ENFORCEMENT}
        | {ZONES_ROUNDS, ZONES_APPROVE, TRACING_CHAINS, HOTLINE_READ, INSPECTION_READ, LAB_VIEW, LAB_ROUNDS}
        | _QUARANTINE_ALL | {SUPPLIES_VIEW, ENTERPRISES_VIEW, REPORTS_DAILY}
    ),
    "coordination": frozenset(_READ_PEOPLE | {TRACING_ALERTS, QUARANTINE_VIEW, HOTLINE_READ, SUPPLIES_VIEW,
                                              REPORTS_DAILY} | _ENTERPRISES_ALL),
    "supplies": frozenset(_READ_PEOPLE | {TRACING_ALERTS, ENTERPRISES_VIEW, ENTERPRISES_COORDINATE} | _SUPPLIES_ALL),
    "prevention": frozenset(_WORK_WITH_PEOPLE | {ZONES_ROUNDS, TRACING_SCAN, TRACING_INVESTIGATE, TRACING_ALERTS,
                                                       TRACING_CHAINS, LAB_VIEW, LAB_ROUNDS, LAB_SAMPLE}
                                      | _QUARANTINE_ALL),
    "construction_sites": frozenset(_READ_PEOPLE | {TRACING_SCAN, TRACING_ALERTS} | _ENTERPRISES_ALL),
    "public_areas": frozenset(_READ_PEOPLE | {TRACING_SCAN, TRACING_ALERTS}),
    "community_worker": frozenset(_WORK_WITH_PEOPLE | {TRACING_SCAN, LAB_VIEW, LAB_SAMPLE}
                                  | {SUPPLIES_VIEW, SUPPLIES_ORDER, SUPPLIES_DELIVER}),
    "investigator": frozenset(_WORK_WITH_PEOPLE | {TRACING_INVESTIGATE, TRACING_CHAINS}),
    "lab_operator": frozenset(_EVERYONE | {ZONES_ROUNDS, LAB_VIEW, LAB_RESULTS}),
    # only their own site's people, through the quarantine pages (no residents or managed lists)
    "quarantine_site_staff": frozenset(_EVERYONE | {QUARANTINE_VIEW, QUARANTINE_SITE_WORK}),
    "hotline_agent": frozenset(_EVERYONE | {HOTLINE_INTAKE, HOTLINE_READ, SUPPLIES_ORDER}),  # orders from tickets
    "department_handler": frozenset(_EVERYONE | {HOTLINE_HANDLE, HOTLINE_READ}),
    "inspector": frozenset(
        _READ_PEOPLE | {AUDIT_READ, REPORTS_OVER_ENFORCEMENT, HOTLINE_READ, INSPECTION_READ, INSPECTION_WRITE}
    ),
}


# where a login without a target lands: the command and its task forces open on the dashboard
LANDING_PAGES: dict[str, str] = {role: "/dashboard" for role in ("commander", *TASK_FORCES, "inspector")}


def landing_page(role: str) -> str:
    return LANDING_PAGES.get(role, "/")


def role_allows(role: str, action: str) -> bool:
    return action in ROLE_PERMISSIONS.get(role, frozenset())


@dataclass(frozen=True)
class Actor:
    """The caller of a use case: who, through what, and where they may look."""

    principal: Principal
    jurisdiction: Jurisdiction

    @property
    def user(self):
        return self.principal.user

    @property
    def name(self) -> str:
        return self.principal.user.username

    def may(self, action: str) -> bool:
        return role_allows(self.principal.user.role, action) and self.principal.allows(action)


class Forbidden(DomainError):
    status = 403

    def __init__(self, action: str) -> None:
        super().__init__("forbidden", f"your role may not do this ({action})", details={"action": action})


def require(action: str):
    """A dependency that lets the request through only for roles (and token scopes) allowed `action`."""
    if action not in ACTIONS:
        raise ValueError(f"undeclared action {action!r}")

    def dependency(request: Request, session: Session = SESSION) -> Actor:
        return authorize(request, session, action)

    dependency.fangkong_action = action
    return dependency


def authorize(request: Request, session: Session, action: str) -> Actor:
    """The caller as an Actor allowed `action`; 401 (API) or the login page when not authenticated, else 403."""
    principal = resolve_principal(request, session)
    is_api = request.url.path.startswith("/api/")
    if principal is None or (not is_api and principal.via != "session"):
        if is_api:
            raise not_authenticated(request)
        raise LoginRequired()
    actor = Actor(principal=principal, jurisdiction=parse_jurisdiction(principal.user.jurisdiction_code))
    if not actor.may(action):
        raise Forbidden(action)
    request.state.actor = actor
    return actor


def checked_in_trip(action: str):
    """Declares `action` for a route that checks it itself, with its work, in the writer's round (core.one_trip)."""

    async def dependency() -> None:  # the check needs the database: it runs with the route's work
        return None

    dependency.fangkong_action = action
    dependency.fangkong_in_trip = True
    return dependency


def public():
    """Declares a route open to anyone (login page, health, language switch)."""

    async def dependency() -> None:  # async: nothing to wait for, so no trip through the thread pool
        return None

    dependency.fangkong_action = None
    return dependency
