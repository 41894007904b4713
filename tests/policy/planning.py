"""Small helpers shared by the policy tests: ISO strings in, engine values out."""

from __future__ import annotations

from datetime import date

from fangkong.policy.engine import Plan
from fangkong.policy.registry import get_pack

ED9 = get_pack("ed9")
M20 = get_pack("measures20")


def d(text: str) -> date:
    return date.fromisoformat(text)


def shape(plan: Plan) -> list[tuple]:
    """A plan as (kind, start, end, [test days], pack) rows of ISO strings, easy to write by hand."""
    return [
        (p.kind, p.start.isoformat(), p.end.isoformat(), [t.isoformat() for t in p.test_days], p.pack)
        for p in plan.phases
    ]
