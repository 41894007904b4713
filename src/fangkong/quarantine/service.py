"""The quarantine use cases, in one place for callers (api, web, cli, demo, bench).

Who sees which site, and how ("own" or "hosting"), is decided once in scope.py.
Split by use case: sites.py (sites, rooms, staff, the board), queue.py (who waits for a room),
assignment.py (assign, check in, transfer, check out), bulk.py (the whole queue at once),
flows.py (early exit: the person becomes a case), stays.py (a site's people, arrivals and
departures, their export), occupancy.py (14-day occupancy and the forecast under another pack).
Services never commit.
"""

from fangkong.quarantine.assignment import RoomFull, assign, check_in, check_out, get_room, get_stay, transfer
from fangkong.quarantine.bulk import AutoReport, auto_assign
from fangkong.quarantine.flows import exit_to_hospital
from fangkong.quarantine.occupancy import forecast, occupancy
from fangkong.quarantine.queue import queue_page, queued
from fangkong.quarantine.scope import CITY_SCOPE, HOSTING, OWN, SiteScope, accesses, scope_of, site_access
from fangkong.quarantine.sites import (
    add_rooms, add_staff, board, create_site, get_site, list_sites, read_site, set_status,
)
from fangkong.quarantine.stays import day_lists, site_stays, write_day_xlsx

__all__ = [
    "CITY_SCOPE", "HOSTING", "OWN", "AutoReport", "RoomFull", "SiteScope", "accesses", "add_rooms", "add_staff",
    "assign", "auto_assign", "board", "check_in", "check_out", "create_site", "day_lists", "exit_to_hospital",
    "forecast", "get_room", "get_site", "get_stay", "list_sites", "occupancy", "queue_page", "queued", "read_site",
    "scope_of", "set_status", "site_access", "site_stays", "transfer", "write_day_xlsx",
]
