"""The zones' use cases, in one place for callers (the lab domain, a scheduler, the pages).

Split by use case: coverage.py (which zones cover a place; tiers on any day), designation.py
(proposals from cases, approval, rejection, widening), lifting.py (lifting rules, the daily
job, proposals and their decisions, test rounds), queries.py (lists, detail, residents),
public.py (public list, map data, over-enforcement items). Services never commit.
"""

from fangkong.zones.coverage import NONE, PlaceRef, TierAnswer, place_ref, tier_of, unit_ref
from fangkong.zones.designation import ZoneLink, approve, get_zone, link_infection, propose_for_case, reject, widen
from fangkong.zones.lifting import (
    DailyReport, Due, approve_proposal, evaluate, get_proposal, proposals_on, record_round, reject_proposal,
    run_daily,
)
from fangkong.zones.public import map_data, map_dates, over_enforcement_items, public_rows, write_public_xlsx
from fangkong.zones.queries import list_zones, zone_detail, zone_residents

__all__ = [
    "NONE", "DailyReport", "Due", "PlaceRef", "TierAnswer", "ZoneLink", "approve", "approve_proposal", "evaluate",
    "get_proposal", "get_zone", "link_infection", "list_zones", "map_data", "map_dates", "over_enforcement_items",
    "place_ref", "proposals_on", "propose_for_case", "public_rows", "record_round", "reject", "reject_proposal",
    "run_daily", "tier_of", "unit_ref", "widen", "write_public_xlsx", "zone_detail", "zone_residents",
]
