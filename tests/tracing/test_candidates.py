"""Contact candidates by hand: the infectious window, the co-presence gap at its boundary, venue kinds,
households, ranking, confirmation under management, and secondary contacts under ed9 only.

Case 病例甲 reported 2022-11-12; look-back 4 days (both packs) → window 2022-11-08 00:00 to 11-13 00:00.
Gap N = 15 minutes (both packs). The case stays at 华林超市 11-10 10:00–10:30:
  F 10:10–10:20 overlap 10 min            → candidate, rank 2 (after the household)
  A 10:30–10:50 touches the case's exit    → candidate (overlap 0, gap 0), rank 3
  B 10:45 (point)                           → candidate (gap exactly 15), rank 4
  X 10:46 (point)                           → not a candidate (gap 16 = N + 1)
  E with the case on 11-07 10:00            → not a candidate (outside the window)
  P at a park (kind not in the pack) with the case → not a candidate
  H lives in the case's unit, no scan       → candidate (household), rank 1
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

import factories
import tracing_factories as tf
import zone_factories as zf
from fangkong.core.audit import AuditEvent
from fangkong.core.errors import DomainError
from fangkong.people.managed_models import ManagedPerson
from fangkong.tracing import flows, service
from fangkong.tracing.models import ContactCandidate


@pytest.fixture
def outbreak(session):
    unit = factories.place_chain(session)
    market = tf.venue(session, unit)
    park = tf.venue(session, unit, kind="park", name="文瀛湖公园")
    shop = tf.venue(session, unit, kind="restaurant", name="凤临阁")
    case = tf.case(session, unit=unit, reported_on="2022-11-12")
    people = {}
    for name in ("F", "A", "B", "X", "E", "P", "S"):
        people[name] = factories.resident(session, name=f"居民{name}", unit=factories.place_chain(session)).id
    people["H"] = factories.resident(session, name="家人H", unit=unit).id
    tf.scan(session, market, "2022-11-10 10:00", until="10:30", resident_id=case.resident_id)
    tf.scan(session, market, "2022-11-10 10:10", until="10:20", resident_id=people["F"])
    tf.scan(session, market, "2022-11-10 10:30", until="10:50", resident_id=people["A"])
    tf.scan(session, market, "2022-11-10 10:45", resident_id=people["B"])
    tf.scan(session, market, "2022-11-10 10:46", resident_id=people["X"])
    tf.scan(session, market, "2022-11-07 10:00", resident_id=case.resident_id)
    tf.scan(session, market, "2022-11-07 10:00", resident_id=people["E"])
    tf.scan(session, park, "2022-11-09 16:00", resident_id=case.resident_id)
    tf.scan(session, park, "2022-11-09 16:00", resident_id=people["P"])
    # A later eats at 凤临阁 with S: a secondary contact where the pack identifies them
    tf.scan(session, shop, "2022-11-11 12:00", until="12:40", resident_id=people["A"])
    tf.scan(session, shop, "2022-11-11 12:20", until="13:00", resident_id=people["S"])
    return {"case": case, "market": market, "people": people}


@pytest.mark.parametrize("pack", ["measures20", "ed9"])
def test_window_gap_boundary_venue_kinds_and_household_by_hand(session, outbreak, pack):
    p = outbreak["people"]
    found = service.candidates_for(session, outbreak["case"], pack=pack)
    assert [(c["rank"], c["resident_id"]) for c in found] == [(1, p["H"]), (2, p["F"]), (3, p["A"]), (4, p["B"])]
    h, f, a, b = found
    assert h["household"] and h["venue_id"] is None and h["evidence"] == [] and h["last_exposure_on"] == date(2022, 11, 12)
    assert (f["overlap_minutes"], f["gap_minutes"], f["venue_id"]) == (10, 0, outbreak["market"].id)
    assert (a["overlap_minutes"], a["gap_minutes"]) == (0, 0)
    assert (b["overlap_minutes"], b["gap_minutes"]) == (0, 15)
    assert a["last_at"].isoformat() == "2022-11-10T10:30:00+08:00"
    assert f["first_at"].isoformat() == "2022-11-10T10:10:00+08:00" and f["last_at"].hour == 10
    assert f["evidence"] == [{"venue_id": outbreak["market"].id, "case_at": "2022-11-10T10:00:00+08:00",
                              "contact_at": "2022-11-10T10:10:00+08:00", "overlap_minutes": 10, "gap_minutes": 0}]


def test_onset_moves_the_window(session, outbreak):
    """Onset 11-11 → window from 11-07 00:00: E (with the case on 11-07 10:00) becomes a candidate."""
    found = service.candidates_for(session, outbreak["case"], pack="measures20", onset=date(2022, 11, 11))
    assert outbreak["people"]["E"] in [c["resident_id"] for c in found]


def _confirm_a(session, outbreak, pack):
    investigator = zf.actor(session, "investigator")
    stored = service.propose(session, outbreak["case"].id, actor=investigator, pack=pack)
    [a] = [c for c in stored if c.resident_id == outbreak["people"]["A"]]
    flows.confirm(session, a.id, actor=investigator)
    return a, investigator


def test_measures20_confirming_puts_a_close_contact_under_management_and_proposes_no_secondary(session, outbreak):
    a, _ = _confirm_a(session, outbreak, "measures20")
    person = session.get(ManagedPerson, a.managed_person_id)
    assert (person.category, person.anchor, person.source, person.resident_id) == (
        "close_contact", date(2022, 11, 10), "tracing", outbreak["people"]["A"])
    assert a.state == "confirmed"
    categories = set(session.scalars(select(ContactCandidate.category).where(
        ContactCandidate.case_id == outbreak["case"].id)))
    assert categories == {"close_contact"}
    assert session.scalar(select(AuditEvent.action).where(
        AuditEvent.object_type == "contact_candidate", AuditEvent.object_id == str(a.id))) == "tracing.confirm"


def test_ed9_confirming_proposes_the_contacts_of_the_contact_as_secondary(session, outbreak):
    a, investigator = _confirm_a(session, outbreak, "ed9")
    secondary = list(session.scalars(select(ContactCandidate).where(
        ContactCandidate.case_id == outbreak["case"].id, ContactCandidate.category == "secondary_contact")))
    # S: 12:20–12:40 with A; X: 10:46 during A's 10:30–10:50 (not the case's contact: 16 min apart).
    # The case and the close-contact candidates (F, B, …) are not proposed again.
    assert sorted((c.rank, c.resident_id, c.via_candidate_id, c.overlap_minutes) for c in secondary) == [
        (1, outbreak["people"]["S"], a.id, 20), (2, outbreak["people"]["X"], a.id, 0)]
    flows.confirm(session, secondary[0].id, actor=investigator)
    person = session.get(ManagedPerson, secondary[0].managed_person_id)
    assert (person.category, person.anchor) == ("secondary_contact", date(2022, 11, 11))


def test_dismiss_needs_a_reason_and_a_decision_is_final(session, outbreak):
    investigator = zf.actor(session, "investigator")
    stored = service.propose(session, outbreak["case"].id, actor=investigator, pack="measures20")
    with pytest.raises(DomainError) as refused:
        service.dismiss(session, stored[1].id, actor=investigator, reason=" ")
    assert refused.value.status == 422
    service.dismiss(session, stored[1].id, actor=investigator, reason="戴口罩，未近距离接触")
    service.mark_general(session, stored[2].id, actor=investigator)
    with pytest.raises(DomainError) as again:
        flows.confirm(session, stored[1].id, actor=investigator)
    assert again.value.status == 409
    # proposing again keeps the decisions and adds nothing
    again_stored = service.propose(session, outbreak["case"].id, actor=investigator, pack="measures20")
    assert [c.state for c in again_stored] == ["proposed", "dismissed", "general", "proposed"]
