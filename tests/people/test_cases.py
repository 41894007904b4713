"""The case register: residents and non-residents, escalation of a person under management, refusals,
masked lists inside the jurisdiction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

import factories
from fangkong.core.audit import AuditEvent
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.people import cases
from fangkong.people.managed_models import ManagedPerson


def test_a_person_under_management_registered_as_a_case_is_escalated(session):
    person = factories.managed(session, anchor="2022-11-10")
    worker = factories.actor(session, role="investigator")
    case = cases.register_case(session, actor=worker, resident_id=person.resident_id, reported_on=date(2022, 11, 13),
                               source="managed")
    assert case.managed_person_id == person.id
    assert session.get(ManagedPerson, person.id).status == "case"
    view = cases.case_detail(session, case)
    assert view["document_kind"] == "id_card" and "*" in view["document_masked"]
    assert view["home_unit_id"] is not None and view["district_name"] == "平城区"
    actions = [a for (a,) in session.execute(select(AuditEvent.action).order_by(AuditEvent.id))]
    assert actions[-2:] == ["managed.case", "case.create"]
    with pytest.raises(DomainError) as twice:
        cases.register_case(session, actor=worker, resident_id=person.resident_id, reported_on=date(2022, 11, 13))
    assert (twice.value.code, twice.value.status) == ("case_exists", 409)


def test_a_non_resident_case_needs_a_document_and_a_unit_in_reach(session):
    unit = factories.place_chain(session)
    other = factories.place_chain(session, district_code="140214", district_name="云冈区")
    worker = factories.actor(session, role="community_worker", jurisdiction="140213")
    case = cases.register_case(session, actor=worker, name="KIM MINJUN", document_kind="passport",
                               document_number="M1234 5678", home_unit_id=unit.id, frequent_units=[other.id, unit.id],
                               reported_on=date(2022, 11, 13), kind="asymptomatic")
    view = cases.case_detail(session, case)
    assert (view["document_kind"], view["document_masked"]) == ("passport", "M1*****78")
    assert view["frequent_units"] == [other.id]  # the home is not a frequent place of its own; elsewhere is fine
    with pytest.raises(NotFound):
        cases.register_case(session, actor=worker, name="LI", document_kind="other", document_number="HK123",
                            home_unit_id=other.id, reported_on=date(2022, 11, 13))
    for fields, code in (
        ({"name": "LI", "document_kind": "other", "document_number": "H1", "home_unit_id": unit.id},
         "invalid_document_number"),
        ({"name": "LI", "document_kind": "other", "document_number": "HK12345"}, "home_required"),
        ({"name": "LI", "document_kind": "other", "document_number": "HK12345", "home_unit_id": unit.id,
          "kind": "probable"}, "invalid_case_kind"),
    ):
        with pytest.raises(InvalidInput) as refused:
            cases.register_case(session, actor=worker, reported_on=date(2022, 11, 13), **fields)
        assert refused.value.code == code
    with pytest.raises(InvalidInput) as future:
        cases.register_case(session, actor=worker, reported_on=date(2022, 11, 14), name="LI", document_kind="other",
                            document_number="HK12345", home_unit_id=unit.id)
    assert future.value.code == "reported_in_future"


def test_cases_api_lists_masked_cases_inside_the_jurisdiction(login_as, session):
    pingcheng = factories.place_chain(session)
    yungang = factories.place_chain(session, district_code="140214", district_name="云冈区")
    writer = login_as("prevention")
    for unit, number in ((pingcheng, "E10000001"), (yungang, "E10000002")):
        created = writer.post("/api/v1/cases", json={"reported_on": "2022-11-13", "name": "Jane Roe",
                                                     "document_kind": "passport", "document_number": number,
                                                     "home_unit_id": unit.id})
        assert created.status_code == 201, created.text
    everyone = writer.get("/api/v1/cases").json()
    assert everyone["total"] == 2 and writer.get("/api/v1/cases?reported_from=2022-11-14").json()["total"] == 0
    worker = login_as("community_worker", "140213")  # the same client, now a Pingcheng worker
    listed = worker.get("/api/v1/cases").json()
    assert listed["total"] == 1 and listed["items"][0]["document_masked"] == "E1*****01"
    assert worker.get(f"/api/v1/cases/{everyone['items'][1]['id']}").status_code == 404
