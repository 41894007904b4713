"""Pages of people under management and the policy switch: list, detail timeline, tests due,
export, and the commander's switch with its preview."""

from __future__ import annotations

import io
import re
from datetime import date

from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

import factories
from fangkong.core.audit import AuditEvent
from fangkong.core.i18n import LANG_COOKIE, catalog
from fangkong.people.managed_models import ManagedPerson
from fangkong.places import service as places_service
from fangkong.places.models import Community

ZH, EN = catalog("zh"), catalog("en")


def community_unit(session, name: str, district_code: str = "140213"):
    """A unit in a community of its own (place_chain), renamed for the page."""
    unit = factories.place_chain(session, district_code=district_code,
                                 district_name="平城区" if district_code == "140213" else "云冈区")
    session.get(Community, places_service.locate_unit(session, unit.id).community_id).name = name
    session.flush()
    return unit


def test_list_in_chinese_and_english_with_filters(login_as, session):
    unit = factories.place_chain(session)
    person = factories.managed(session, anchor="2022-11-06", unit=unit)
    client = login_as("community_worker", "140213")
    page = client.get("/people/managed")
    assert page.status_code == 200
    assert ZH["managed.list_title"] in page.text and ZH["managed.categories.close_contact"] in page.text
    assert f'href="/people/managed/{person.id}"' in page.text and "王秀英" in page.text
    assert ZH["managed.import.title"] in page.text and ZH["people.export.button"] in page.text
    client.cookies.set(LANG_COOKIE, "en")
    english = client.get("/people/managed?category=close_contact&status=in_phase&phase_kind=centralized_quarantine")
    assert english.status_code == 200 and EN["managed.list_title"] in english.text
    assert f'href="/people/managed/{person.id}"' in english.text
    none = client.get("/people/managed?phase_kind=home_quarantine&release_from=2022-11-01")
    assert f'href="/people/managed/{person.id}"' not in none.text and EN["managed.empty"] in none.text
    assert client.get("/people/managed?release_from=yesterday").status_code == 422


def test_detail_timeline_and_404_outside_jurisdiction(login_as, session):
    here = factories.managed(session, anchor="2022-11-06", unit=community_unit(session, "新华社区"),
                             identified=date(2022, 11, 8))
    there = factories.managed(session, anchor="2022-11-06", unit=community_unit(session, "云冈社区", "140214"))
    client = login_as("community_worker", "140213")
    page = client.get(f"/people/managed/{here.id}")
    assert page.status_code == 200
    text = page.text
    # ed9 close contact anchored 11-06: centralized 11-07..11-13, home monitoring 11-14..11-16, release 11-17
    assert 'data-testid="release-on">2022-11-17<' in text
    assert text.count('class="bar kind-centralized_quarantine') == 7 and text.count('class="bar kind-home_monitoring') == 3
    assert text.count('data-test="not_owed"') == 1  # 11-07, before the identified date
    assert ZH["managed.phase_kinds.centralized_quarantine"] in text and ZH["managed.events.created"] in text
    assert client.get(f"/people/managed/{there.id}").status_code == 404
    assert client.get("/people/managed/99999999").status_code == 404


def test_tests_due_per_community_hand_computed(login_as, session, set_clock):
    """measures20 close contact: 5 days centralized (tests on days 1, 2, 3, 5), then 3 at home (days 1, 3).
    Anchored 11-10: tests 11-11, 11-12, 11-13, 11-15, 11-16, 11-18 — due on 11-13, not on 11-14.
    Anchored 11-09: 11-10, 11-11, 11-12, 11-14, … — not due on 11-13, due on 11-14.
    Anchored 11-11: 11-12, 11-13, 11-14, 11-16, … — due on both."""
    a, b = community_unit(session, "新华社区"), community_unit(session, "振华社区")
    for anchor, unit in (("2022-11-10", a), ("2022-11-10", a), ("2022-11-09", a), ("2022-11-11", b)):
        factories.managed(session, anchor=anchor, unit=unit, pack="measures20", identified=date(2022, 11, 11))
    client = login_as("community_worker", "140213")
    page = client.get("/people/managed/tests-due").text
    assert ZH["managed.due.title"] in page
    rows = _due_counts(page)
    assert rows == {"新华社区": 2, "振华社区": 1} and 'data-testid="due-total">3<' in page
    community_a = places_service.locate_unit(session, a.id).community_id
    listed = client.get(f"/people/managed/tests-due?community={community_a}").text
    assert 'data-testid="due-list"' in listed and len(re.findall(r'href="/people/managed/\d+"', listed)) == 2

    set_clock("2022-11-14T09:00")
    client = login_as("community_worker", "140213")  # a day later: a new session
    assert _due_counts(client.get("/people/managed/tests-due").text) == {"新华社区": 1, "振华社区": 1}
    outsider = login_as("community_worker", "140214")
    assert 'data-testid="due-empty"' in outsider.get("/people/managed/tests-due").text


def _due_counts(html: str) -> dict[str, int]:
    return {name: int(n) for name, n in re.findall(r"<td>([^<]*社区)</td>\s*<td class=\"num\"><a [^>]*>(\d+)</a>", html)}


def test_export_masked_filtered_and_audited(login_as, session):
    unit = factories.place_chain(session)
    number = factories.id_number(seq=901)
    resident = factories.resident(session, name="赵管控", unit=unit, id_number=number)
    factories.managed(session, anchor="2022-11-06", resident_id=resident.id)
    client = login_as("commander")
    answer = client.post("/people/managed/export", data={"category": "close_contact", "district": "140213"})
    assert answer.status_code == 200, answer.text
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(answer.content)).get_sheet_by_index(0).to_python()
    assert sheet[0][:4] == ["姓名", "证件类型", "证件号码（身份证号）", "类别"]
    row = next(r for r in sheet[1:] if r[0] == "赵管控")
    assert row[2] == number[:4] + "*" * 10 + number[-4:] and row[3] == "密切接触者" and row[7] == date(2022, 11, 17)
    assert not any(number in str(v) for r in sheet for v in r)
    assert client.post("/people/managed/export", data={"unmasked": "true", "reason": "x"}).status_code == 403
    audits = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "managed.export"))
    assert audits == 1


def test_policy_page_lists_the_packs(login_as):
    client = login_as("inspector")
    page = client.get("/policy")
    assert page.status_code == 200 and "ed9" in page.text and "measures20" in page.text
    assert ZH["policy.in_force"] in page.text and 'data-testid="switch-link"' not in page.text
    assert client.get("/policy/switch").status_code == 403


def test_switch_preview_then_apply(login_as, session):
    person = factories.managed(session, anchor="2022-11-06", unit=factories.place_chain(session))
    assert person.release_on == date(2022, 11, 17)
    commander = login_as("commander", "140200")
    assert commander.get("/policy/switch").status_code == 200
    form = {"to": "measures20", "effective": "2022-11-11"}
    preview = commander.post("/policy/switch/preview", data=form, headers={"HX-Request": "true"})
    assert preview.status_code == 200
    html = preview.text
    assert "<html" not in html and 'data-testid="switch-report"' in html
    assert 'data-testid="r-total">1<' in html and 'data-testid="r-changed">1<' in html
    assert 'data-chart="bar"' in html and 'data-testid="apply-form"' in html
    session.expire_all()
    assert session.get(ManagedPerson, person.id).release_on == date(2022, 11, 17)  # a preview changes nothing

    assert commander.post("/policy/switch/apply", data=form).status_code == 422  # not confirmed
    district = login_as("commander", "140213")  # the same client, now a district's commander
    assert district.post("/policy/switch/apply", data={**form, "confirm": "yes"}).status_code == 403
    commander = login_as("commander", "140200")
    applied = commander.post("/policy/switch/apply", data={**form, "confirm": "yes"})
    assert applied.status_code == 200 and ZH["policy.report_applied"] in applied.text
    session.expire_all()
    assert session.get(ManagedPerson, person.id).release_on == date(2022, 11, 15)
    detail = commander.get(f"/people/managed/{person.id}").text
    assert 'data-testid="release-on">2022-11-15<' in detail and ZH["managed.events.switched"] in detail

    commander.cookies.set(LANG_COOKIE, "en")
    bad = commander.post("/policy/switch/preview", data={"to": "measures20", "effective": "2022-11-01"},
                         headers={"HX-Request": "true"})
    assert bad.status_code == 200 and 'data-testid="switch-error"' in bad.text
