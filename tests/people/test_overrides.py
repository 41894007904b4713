"""Local overrides: only stricter, recorded with reason, approver and end date; the over-enforcement report."""

from datetime import date

import pytest
from sqlalchemy import select

import factories
from fangkong.core.audit import AuditEvent
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import CITY
from fangkong.people import managed_queries, overrides
from fangkong.people.managed_models import ManagedPlan
from fangkong.people.switch import switch_policy

D = date.fromisoformat


def home_plus_two(session, by, district="140213", **changes):
    """平城区: close contacts' home quarantine +2 days and a test on its day 5, 11-11..11-30 (under measures20)."""
    kwargs = dict(
        district=district, category="close_contact", phase_kind="home_quarantine", extra_days=2,
        extra_test_days=[5], reason="楼栋聚集性疫情", starts_on=D("2022-11-11"), ends_on=D("2022-11-30"),
    )
    kwargs.update(changes)
    return overrides.create_override(session, actor=by, **kwargs)


@pytest.fixture
def commander(session):
    factories.place_chain(session, district_code="140213")
    factories.place_chain(session, district_code="140214", district_name="云冈区")
    return factories.actor(session, role="commander", jurisdiction="140213")


def test_an_override_is_recorded_with_approver_and_audited(session, commander):
    row = home_plus_two(session, commander)
    assert (row.pack, row.approver_name, row.scope_code) == ("measures20", commander.name, "140213")
    [view] = overrides.list_overrides(session, scope=commander.jurisdiction)
    assert view["active"] and view["extra_days"] == 2 and view["extra_test_days"] == [5]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "override.create")).one()
    assert event.reason == "楼栋聚集性疫情" and event.after["stricter"]


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"reason": "  "}, "reason_required"),
        ({"ends_on": D("2022-11-10")}, "invalid_period"),
        ({"extra_days": 0, "extra_test_days": []}, "override_not_stricter"),
        ({"extra_days": -1, "extra_test_days": []}, "override_not_stricter"),
    ],
)
def test_invalid_or_laxer_overrides_are_refused(session, commander, changes, code):
    with pytest.raises(InvalidInput) as caught:
        home_plus_two(session, commander, **changes)
    assert caught.value.code == code


def test_an_override_that_adds_nothing_or_misses_the_plan_is_refused(session, commander):
    with pytest.raises(DomainError) as same:  # measures20 already tests home quarantine on days 1 and 3
        home_plus_two(session, commander, extra_days=0, extra_test_days=[1, 3])
    assert same.value.code == "override_not_stricter" and same.value.status == 409
    with pytest.raises(DomainError) as missing:  # a measures20 close contact has no home monitoring phase
        home_plus_two(session, commander, phase_kind="home_monitoring")
    assert missing.value.code == "override_refused"
    with pytest.raises(NotFound):  # another district than the commander's own
        home_plus_two(session, commander, district="140214")


def test_new_plans_in_scope_get_the_override_and_others_do_not(session, commander):
    row = home_plus_two(session, commander)
    inside = factories.managed(session, anchor="2022-11-12", unit=factories.place_chain(session, district_code="140213"))
    outside = factories.managed(
        session, anchor="2022-11-12", unit=factories.place_chain(session, district_code="140214")
    )
    detail = managed_queries.person_detail(session, inside)
    # measures20 from 11-12: centralized 11-13..17, home quarantine 11-18..20 → 11-18..22 (+2), test day 5 = 11-22
    assert [(p["kind"], p["end"].isoformat()) for p in detail["phases"]] == [
        ("centralized_quarantine", "2022-11-17"), ("home_quarantine", "2022-11-22"),
    ]
    assert detail["release_on"] == D("2022-11-23") and detail["overrides"] == [str(row.id)]
    assert [d.isoformat() for d in detail["phases"][1]["test_days"]] == ["2022-11-18", "2022-11-20", "2022-11-22"]
    assert outside.release_on == D("2022-11-21") and session.get(ManagedPlan, outside.plan_id).overrides == []


def test_over_enforcement_report_lists_overrides_and_stricter_plans(session, commander):
    row = home_plus_two(session, commander)
    unit = factories.place_chain(session, district_code="140213")
    overridden = factories.managed(session, anchor="2022-11-12", unit=unit)
    plain = factories.managed(session, category="from_high_risk_zone", anchor="2022-11-12", unit=unit)  # no override
    kept_ed9 = factories.managed(session, anchor="2022-11-10", unit=unit)  # ed9, never switched: 11-21 vs 11-19
    report = overrides.over_enforcement_report(session, scope=commander.jurisdiction)
    assert report["pack_in_force"] == "measures20"
    assert [o["id"] for o in report["overrides"]] == [row.id]
    listed = {p["person_id"]: p for p in report["plans"]}
    assert set(listed) == {overridden.id, kept_ed9.id}
    assert plain.id not in listed
    assert any(r.startswith("longer") for r in listed[overridden.id]["reasons"])
    assert listed[overridden.id]["overrides"] == [str(row.id)]
    assert listed[kept_ed9.id]["pack"] == "ed9"

    # the switch brings the ed9 plan in line; the override stays in force and is applied again
    switch_policy(session, to_pack_id="measures20", effective=D("2022-11-11"), dry_run=False)
    session.expire_all()
    after = overrides.over_enforcement_report(session, scope=CITY)
    assert {p["person_id"] for p in after["plans"]} == {overridden.id, kept_ed9.id}
    switched = managed_queries.person_detail(session, managed_queries.get_person(session, kept_ed9.id, scope=CITY))
    # ed9 close contact from 11-10 → measures20 release 11-19, plus the 平城区 override's 2 days
    assert switched["release_on"] == D("2022-11-21") and switched["overrides"] == [str(row.id)]


def test_site_overrides_are_recorded_and_reported(session, commander):
    row = home_plus_two(session, commander, scope_kind="site", site="QS-014")
    assert (row.scope_kind, row.scope_code) == ("site", "QS-014")
    person = factories.managed(session, anchor="2022-11-12", unit=factories.place_chain(session, district_code="140213"))
    # applied by site assignment (quarantine domain), not by district
    assert session.get(ManagedPlan, person.plan_id).overrides == []
    assert [o["scope_code"] for o in overrides.over_enforcement_report(session, scope=CITY)["overrides"]] == ["QS-014"]
