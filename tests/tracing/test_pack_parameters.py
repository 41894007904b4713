"""The tracing parameters are pack data: the figures of both packs, and a pack that would propose
secondary contacts without identifying them is refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from fangkong.policy import get_pack
from fangkong.policy.schemas import Pack


def test_both_packs_state_the_tracing_rules():
    for pack_id, secondary in (("measures20", False), ("ed9", True)):
        tracing = get_pack(pack_id).tracing
        assert (tracing.close_contact_window_days, tracing.copresence_gap_minutes, tracing.fever_threshold_celsius,
                tracing.propose_secondary_contacts) == (4, 15, 37.3, secondary)
        assert "supermarket" in tracing.venue_kinds and "park" not in tracing.venue_kinds


def test_proposing_secondary_contacts_needs_the_category_identified():
    data = get_pack("measures20").model_dump(exclude_none=True)
    data["tracing"]["propose_secondary_contacts"] = True
    with pytest.raises(ValidationError, match="propose_secondary_contacts"):
        Pack.model_validate(data)
