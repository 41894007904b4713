"""Policy packs (data) and the pure engine that turns (pack, category, anchor) into a plan.

No database here: people/ stores plans, this domain only computes them.
"""

from fangkong.policy.engine import (
    Plan,
    PlannedPhase,
    apply_override,
    centralized_days,
    compute_plan,
    phase_on,
    plan_to_json,
    scheduled_tests,
    stricter_than,
    switch_plan,
)
from fangkong.policy.registry import builtin_packs, get_pack, load_pack, load_packs, newest_first, pack_in_force
from fangkong.policy.schemas import CATEGORY_CODES, LocalOverride, Pack

__all__ = [
    "CATEGORY_CODES",
    "LocalOverride",
    "Pack",
    "Plan",
    "PlannedPhase",
    "apply_override",
    "builtin_packs",
    "centralized_days",
    "compute_plan",
    "get_pack",
    "load_pack",
    "load_packs",
    "newest_first",
    "pack_in_force",
    "phase_on",
    "plan_to_json",
    "scheduled_tests",
    "stricter_than",
    "switch_plan",
]
