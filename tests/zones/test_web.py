"""Zone pages through TestClient: list with today's proposals, a zone's actions answered in the page,
residents (masked), the public list with its Excel file, the over-enforcement page, the map page."""

from __future__ import annotations

import io

from markupsafe import escape
from python_calamine import CalamineWorkbook
from sqlalchemy import select

import factories
import zone_factories as zf
from fangkong.core import i18n
from fangkong.core.audit import AuditEvent
from fangkong.zones.models import Zone

ZH = {key: str(escape(text)) for key, text in i18n.catalog("zh").items()}
EN = {key: str(escape(text)) for key, text in i18n.catalog("en").items()}


def test_list_shows_todays_proposals_and_only_commanders_may_act(login_as, session):
    lifted = zf.with_proposal(session, unit=factories.place_chain(session))[0]
    _, links = zf.case(session, unit=factories.place_chain(session), reported_on="2022-11-13")
    commander = login_as("commander")
    page = commander.get("/zones")
    assert page.status_code == 200
    due = page.text.split('data-testid="due"')[1].split("</section>")[0]
    assert f'href="/zones/{lifted}"' in due and 'data-testid="approve-proposal"' in due
    assert "最近一例感染者 2022-11-07 报告后连续 5 天无新增" in due  # the reason in the page's language
    assert f'href="/zones/{links[0].zone_id}"' in page.text and 'data-testid="run-daily"' in page.text
    agent = login_as("hotline_agent")
    seen = agent.get("/zones")
    assert seen.status_code == 200 and 'data-testid="approve-proposal"' not in seen.text
    assert 'data-testid="run-daily"' not in seen.text and "/zones/over-enforcement" not in seen.text


def test_zone_actions_answer_with_the_page_and_keep_nothing_refused(login_as, session):
    unit = factories.place_chain(session)
    factories.resident(session, name="李建国", unit=unit)
    _, links = zf.case(session, unit=unit, reported_on="2022-11-13")
    zone_id = links[0].zone_id
    commander = login_as("commander")
    approved = commander.post(f"/zones/{zone_id}/approve")
    assert approved.status_code == 200 and ZH["zones.done.approved"] in approved.text
    refused = commander.post(f"/zones/{zone_id}/widen", data={"to": "compound", "reason": ""})
    assert refused.status_code == 422 and 'data-testid="zone-error"' in refused.text
    assert session.get(Zone, zone_id).granularity == "unit"
    widened = commander.post(f"/zones/{zone_id}/widen", data={"to": "compound", "reason": "传播链不清"})
    assert widened.status_code == 200 and 'data-testid="zone-overrides"' in widened.text
    round_page = commander.post(f"/zones/{zone_id}/rounds", data={"sampled_at": "2022-11-13T08:00",
                                                                  "result": "negative"})
    assert round_page.status_code == 200 and "2022-11-13 08:00" in round_page.text
    bad_time = commander.post(f"/zones/{zone_id}/rounds", data={"sampled_at": "yesterday", "result": "negative"})
    assert bad_time.status_code == 422
    actions = [a for (a,) in session.execute(select(AuditEvent.action).where(AuditEvent.object_type == "zone"))]
    assert actions == ["zone.approve", "zone.widen", "zone.round"]

    residents = commander.get(f"/zones/{zone_id}/residents")
    assert residents.status_code == 200 and "李建国" in residents.text and "138****5678" in residents.text
    assert "13812345678" not in residents.text


def test_lift_and_keep_sealed_from_the_zone_page(login_as, session):
    keep, keep_proposal = zf.with_proposal(session, unit=factories.place_chain(session))
    lift, lift_proposal = zf.with_proposal(session, unit=factories.place_chain(session))
    commander = login_as("commander")
    page = commander.get(f"/zones/{lift}")
    assert 'data-testid="open-proposal"' in page.text
    lifted = commander.post(f"/zones/proposals/{lift_proposal}/approve")
    assert lifted.status_code == 200 and ZH["zones.states.lifted"] in lifted.text
    no_day = commander.post(f"/zones/proposals/{keep_proposal}/reject", data={"reason": "周边仍有病例"})
    assert no_day.status_code == 422
    kept = commander.post(f"/zones/proposals/{keep_proposal}/reject",
                          data={"reason": "周边仍有病例", "keep_until": "2022-11-15"})
    assert kept.status_code == 200 and ZH["zones.oe.kinds.keep_sealed"] in kept.text
    report = commander.get("/zones/over-enforcement")
    assert report.status_code == 200
    overrides = report.text.split('data-testid="oe-overrides"')[1].split("</section>")[0]
    assert f'href="/zones/{keep}"' in overrides and "周边仍有病例" in overrides
    assert login_as("supplies").get("/zones/over-enforcement").status_code == 403


def test_public_list_page_excel_and_english(login_as, session):
    unit = factories.place_chain(session)
    zf.zone(session, unit=unit, reported_on="2022-11-12")
    reader = login_as("hotline_agent")
    page = reader.get("/zones/public")
    assert page.status_code == 200 and ZH["zones.public.title_high"] in page.text
    table = page.text.split('data-testid="public-list"')[1].split("</table>")[0]
    assert all(cell in table for cell in ("平城区", "开源街道", "魏都新城C区", "1号楼1单元", "2022-11-12"))
    assert "@media print" in reader.get("/static/css/fangkong.css").text
    xlsx = reader.get("/zones/public.xlsx?on=2022-11-13")
    assert xlsx.status_code == 200 and "zones-high-20221113.xlsx" in xlsx.headers["content-disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    assert rows[0] == [ZH["zones.public.columns." + k] for k in ("district", "subdistrict", "compound", "place",
                                                                 "since")]
    assert rows[1][:4] == ["平城区", "开源街道", "魏都新城C区", "1号楼1单元"]
    assert reader.get("/zones/public?on=2022-11-11").text.count('data-testid="public-empty"') == 1
    assert reader.get("/zones/public?on=not-a-day", headers={"accept": "text/html"}).status_code == 422
    reader.get("/lang/en")
    english = reader.get("/zones/public")
    assert EN["zones.public.title_high"] in english.text and "Building 1, Unit 1" in english.text
    assert "Pingcheng" in english.text


def test_map_page_has_its_slider_and_loads_local_scripts_only(login_as, session):
    zf.zone(session, unit=factories.place_chain(session), reported_on="2022-11-10")
    page = login_as("hotline_agent").get("/zones/map")
    assert page.status_code == 200
    assert 'data-first="2022-11-10"' in page.text and 'max="3"' in page.text and 'value="3"' in page.text
    assert '<script src="/static/js/zones-map.js' in page.text and "http" not in page.text.split("<body")[0]
