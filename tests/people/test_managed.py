"""Putting people under management: plans from the pack in force, their phases and test appointments.

Dates are hand-computed from rules.md §1 and the counting convention of issue 4 (anchor = day 0,
first phase on day 1, test days numbered within their phase, release = the day after the last
phase day). The clock is frozen at 2022-11-13 09:00 (tests/conftest.py).
"""

from datetime import date

import pytest
from sqlalchemy import func, select, text

import factories
from fangkong.core.audit import AuditEvent
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import CITY, parse_jurisdiction
from fangkong.people import managed, managed_queries
from fangkong.people.managed_models import ManagedEvent, ManagedPerson

D = date.fromisoformat


def phases_of(detail):
    return [(p["kind"], p["start"].isoformat(), p["end"].isoformat(), p["pack"]) for p in detail["phases"]]


def test_ed9_close_contact_gets_seven_plus_three_days(session):
    person = factories.managed(session, anchor="2022-11-06", identified=D("2022-11-08"))
    assert person.pack == "ed9"  # in force on the anchor date
    detail = managed_queries.person_detail(session, person)
    assert phases_of(detail) == [
        ("centralized_quarantine", "2022-11-07", "2022-11-13", "ed9"),
        ("home_monitoring", "2022-11-14", "2022-11-16", "ed9"),
    ]
    assert detail["release_on"] == D("2022-11-17")
    # centralized tests d1,2,3,5,7; home monitoring test d3; days before the identified date not owed
    assert [(a["day"].isoformat(), a["owed"]) for a in detail["appointments"]] == [
        ("2022-11-07", False), ("2022-11-08", True), ("2022-11-09", True), ("2022-11-11", True),
        ("2022-11-13", True), ("2022-11-16", True),
    ]
    assert detail["status"] == "in_phase" and detail["phase_kind"] == "centralized_quarantine"
    assert [p["current"] for p in detail["phases"]] == [True, False]
    assert [e["kind"] for e in detail["history"]] == ["created"]
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "managed.create")).all()
    assert [a.object_id for a in audit] == [str(person.id)]


def test_measures20_close_contact_and_a_pending_plan(session):
    person = factories.managed(session, anchor="2022-11-12")
    detail = managed_queries.person_detail(session, person)
    assert person.pack == "measures20"
    assert phases_of(detail) == [
        ("centralized_quarantine", "2022-11-13", "2022-11-17", "measures20"),
        ("home_quarantine", "2022-11-18", "2022-11-20", "measures20"),
    ]
    assert [a["day"].isoformat() for a in detail["appointments"]] == [
        "2022-11-13", "2022-11-14", "2022-11-15", "2022-11-17", "2022-11-18", "2022-11-20",
    ]
    assert detail["release_on"] == D("2022-11-21") and detail["status"] == "in_phase"

    pending = factories.managed(session, category="from_high_risk_zone", anchor="2022-11-13")
    view = managed_queries.person_detail(session, pending)
    assert view["status"] == "pending" and view["phase_kind"] is None
    assert phases_of(view) == [("home_quarantine", "2022-11-14", "2022-11-20", "measures20")]
    assert view["release_on"] == D("2022-11-21")
    assert managed_queries.person_detail(session, pending, on=D("2022-11-21"))["status"] == "released"


def test_a_pack_that_does_not_identify_the_category_refuses(session):
    with pytest.raises(DomainError) as caught:
        factories.managed(session, category="secondary_contact", anchor="2022-11-12")
    assert caught.value.code == "category_not_identified"
    # under ed9 (anchor before the switch) a secondary contact is identified: 7 d home quarantine
    person = factories.managed(session, category="secondary_contact", anchor="2022-11-08")
    assert person.pack == "ed9" and person.release_on == D("2022-11-16")


def test_non_resident_document_is_encrypted_masked_and_deduplicated(session):
    unit = factories.place_chain(session)
    by = factories.actor(session, role="prevention")
    kwargs = dict(name="John Smith", document_kind="passport", document_number="E12345678", unit_id=unit.id)
    person = managed.put_under_management(
        session, actor=by, category="inbound", anchor=D("2022-11-12"), source="inbound", **kwargs
    )
    assert person.resident_id is None and person.district_id is not None
    raw = repr(session.execute(text("SELECT * FROM managed_person")).all())
    assert "E12345678" not in raw
    view = managed_queries.person_detail(session, person)
    assert view["document_kind"] == "passport" and view["document_masked"] == "E1*****78"
    with pytest.raises(DomainError) as again:
        managed.put_under_management(session, actor=by, category="inbound", anchor=D("2022-11-12"), **kwargs)
    assert again.value.code == "already_registered" and again.value.status == 409
    with pytest.raises(DomainError) as other:
        managed.put_under_management(session, actor=by, category="close_contact", anchor=D("2022-11-11"), **kwargs)
    assert other.value.code == "already_under_management"


def test_refusals_name_the_field(session):
    by = factories.actor(session, role="prevention")
    with pytest.raises(InvalidInput) as caught:
        managed.put_under_management(session, actor=by, category="inbound", anchor=D("2022-11-12"), name="无证件")
    assert caught.value.details["field"] == "document_kind"
    with pytest.raises(InvalidInput) as caught:
        factories.managed(session, anchor="2022-11-12", identified=D("2022-11-10"))
    assert caught.value.details["field"] == "anchor"
    with pytest.raises(InvalidInput) as caught:
        factories.managed(session, anchor="2022-11-12", source="rumour")
    assert caught.value.details["field"] == "source"


def test_jurisdiction_hides_other_districts(session):
    own = factories.managed(session, unit=factories.place_chain(session, district_code="140213"))
    other = factories.managed(session, unit=factories.place_chain(session, district_code="140214", district_name="云冈区"))
    worker = factories.actor(session, role="community_worker", jurisdiction="140213")
    assert managed_queries.get_person(session, own.id, scope=worker.jurisdiction).id == own.id
    with pytest.raises(NotFound):
        managed_queries.get_person(session, other.id, scope=worker.jurisdiction)
    items, total = managed_queries.list_managed(session, scope=worker.jurisdiction, per_page=200)
    assert other.id not in {i["id"] for i in items} and own.id in {i["id"] for i in items}
    with pytest.raises(NotFound):
        managed_queries.list_managed(session, scope=worker.jurisdiction, district_code="140214")
    with pytest.raises(NotFound):  # putting another district's resident under management
        managed.put_under_management(
            session, actor=worker, category="close_contact", anchor=D("2022-11-12"),
            resident_id=factories.resident(session, unit=factories.place_chain(session, district_code="140214")).id,
        )


def test_list_filters_and_pagination(session):
    unit = factories.place_chain(session)
    centralized = [factories.managed(session, anchor="2022-11-12", unit=unit) for _ in range(3)]
    home = factories.managed(session, category="from_high_risk_zone", anchor="2022-11-11", unit=unit)  # m20: home
    pending = factories.managed(session, category="high_risk_job", anchor="2022-11-13", unit=unit)
    released = factories.managed(session, category="from_low_risk_zone", anchor="2022-11-11", unit=unit)  # 11-12
    scope = CITY

    def ids(**filters):
        items, total = managed_queries.list_managed(session, scope=scope, per_page=200, **filters)
        assert total == len(items)
        return {i["id"] for i in items}

    assert ids(category="close_contact") == {p.id for p in centralized}
    assert ids(phase_kind="centralized_quarantine") == {p.id for p in centralized}
    assert ids(phase_kind="home_quarantine") == {home.id}
    assert ids(status="pending") == {pending.id}
    assert ids(status="released") == {released.id}
    assert ids(status="in_phase") == {p.id for p in centralized} | {home.id}
    assert ids(release_from=D("2022-11-19"), release_to=D("2022-11-19")) == {home.id, pending.id}  # 7 d and 5 d
    assert ids(district_code="140213") >= {p.id for p in centralized}
    first, total = managed_queries.list_managed(session, scope=scope, category="close_contact", per_page=2)
    second, _ = managed_queries.list_managed(session, scope=scope, category="close_contact", per_page=2, page=2)
    assert total == 3 and len(first) == 2 and len(second) == 1
    assert first[0]["document_masked"].count("*") == 10


def test_positive_result_escalates_to_case_with_history(session):
    by = factories.actor(session, role="prevention")
    person = factories.managed(session, anchor="2022-11-12", by=by)
    managed.record_result(session, person.id, day=D("2022-11-13"), result="negative", actor=by)
    managed.record_result(session, person.id, day=D("2022-11-14"), result="positive", actor=by)
    detail = managed_queries.person_detail(session, person)
    assert detail["status"] == "case" and detail["phase_kind"] is None
    assert [e["kind"] for e in detail["history"]] == ["created", "status"]
    assert detail["history"][1]["before"] == {"status": "in_phase"}
    results = {a["day"].isoformat(): a["result"] for a in detail["appointments"]}
    assert results["2022-11-13"] == "negative" and results["2022-11-14"] == "positive"
    items, _ = managed_queries.list_managed(session, scope=CITY, status="case", per_page=200)
    assert person.id in {i["id"] for i in items}
    with pytest.raises(NotFound):
        managed.record_result(session, person.id, day=D("2022-11-16"), result="negative", actor=by)


def test_put_many_reports_each_refused_row_and_rerun_changes_nothing(session):
    unit = factories.place_chain(session)
    by = factories.actor(session, role="prevention")
    residents = [factories.resident(session, unit=unit, by=by) for _ in range(3)]
    rows = [
        {"resident_id": residents[0].id, "category": "close_contact", "anchor": D("2022-11-12")},
        {"resident_id": residents[1].id, "category": "secondary_contact", "anchor": D("2022-11-12")},
        {"resident_id": 999_999, "category": "close_contact", "anchor": D("2022-11-12")},
        {"resident_id": residents[2].id, "category": "inbound", "anchor": D("2022-11-12"), "source": "inbound"},
    ]
    outcomes = managed.put_many_under_management(session, rows, actor=by)
    assert [(o.status, o.code) for o in outcomes] == [
        ("created", None), ("refused", "category_not_identified"), ("refused", "not_found"), ("created", None),
    ]
    count = session.scalar(select(func.count()).select_from(ManagedPerson))
    again = managed.put_many_under_management(session, rows, actor=by)
    assert [o.status for o in again] == ["exists", "refused", "refused", "exists"]
    assert again[0].person_id == outcomes[0].person_id
    assert session.scalar(select(func.count()).select_from(ManagedPerson)) == count


def test_advance_statuses_writes_transitions_once(session):
    person = factories.managed(session, category="high_risk_job", anchor="2022-11-13")  # 11-14..11-18, release 11-19
    assert person.status == "pending"
    assert managed_queries.advance_statuses(session, on=D("2022-11-14")) >= 1
    session.refresh(person)
    assert (person.status, person.phase_kind) == ("in_phase", "home_monitoring")
    managed_queries.advance_statuses(session, on=D("2022-11-19"))
    session.refresh(person)
    assert (person.status, person.phase_kind) == ("released", None)
    assert managed_queries.advance_statuses(session, on=D("2022-11-19")) == 0
    kinds = session.scalars(
        select(ManagedEvent.kind).where(ManagedEvent.person_id == person.id).order_by(ManagedEvent.id)
    ).all()
    assert kinds == ["created", "status", "status"]


def test_subdistrict_worker_must_say_the_unit_of_a_non_resident(session):
    unit = factories.place_chain(session)
    community_code = session.execute(text(
        "SELECT c.code FROM community c JOIN compound p ON p.community_id = c.id JOIN building b ON b.compound_id = p.id "
        "JOIN unit u ON u.building_id = b.id WHERE u.id = :u"), {"u": unit.id}).scalar()
    worker = factories.actor(session, role="community_worker", jurisdiction=community_code)
    assert worker.jurisdiction == parse_jurisdiction(community_code)
    common = dict(category="inbound", anchor=D("2022-11-12"), name="Anna", document_kind="passport")
    with pytest.raises(InvalidInput):
        managed.put_under_management(session, actor=worker, document_number="P100", district="140213", **common)
    person = managed.put_under_management(session, actor=worker, document_number="P101", unit_id=unit.id, **common)
    assert managed_queries.get_person(session, person.id, scope=worker.jurisdiction).id == person.id
