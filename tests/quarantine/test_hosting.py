"""Sites of another district that host people of a district user's jurisdiction ("hosting", quarantine.scope):
the access of each site, only the user's people on such a site, the district's totals from its own sites
only, the city seeing every site as its own, and the pages' badge (quarantine_factories.hosting_world)."""

from __future__ import annotations

from datetime import date

import factories
import quarantine_factories as qf
from fangkong.core.jurisdiction import parse_jurisdiction
from fangkong.quarantine import service

PINGCHENG = service.SiteScope(jurisdiction=parse_jurisdiction("140213"))
CITY = service.CITY_SCOPE
OURS, HIDDEN = "平城住外区", ("云冈同屋", "云冈隔壁", "云冈自住")


def test_one_function_decides_each_sites_access(session):
    w = qf.hosting_world(session)
    assert [service.site_access(session, PINGCHENG, w[k]) for k in ("own", "hosting", "neither")] == [
        "own", "hosting", None]
    assert service.accesses(session, PINGCHENG) == {w["own"]: "own", w["hosting"]: "hosting"}
    assert service.accesses(session, CITY) == dict.fromkeys((w["own"], w["hosting"], w["neither"]), "own")
    service.exit_to_hospital(session, w["stays"]["ours"].id, actor=qf.commander(session), scope=CITY, reason="转院")
    assert service.site_access(session, PINGCHENG, w["hosting"]) is None  # nobody of ours left there


def test_a_hosting_site_shows_only_the_users_people(session):
    w = qf.hosting_world(session)
    board = service.board(session, w["hosting"], scope=PINGCHENG)
    rooms = [room for floor in board["floors"] for room in floor["rooms"]]
    assert [(r["number"], r["occupied"], [o["name"] for o in r["occupants"]]) for r in rooms] == [("101", 1, [OURS])]
    assert [v["name"] for v in service.site_stays(session, w["hosting"], scope=PINGCHENG)] == [OURS]
    day = service.day_lists(session, w["hosting"], scope=PINGCHENG, day=date(2022, 11, 13))
    assert [v["name"] for v in day["arrivals"]] == [OURS]
    listed = {s["id"]: (s["access"], s["beds"], s["occupied"], s["free"]) for s in
              service.list_sites(session, scope=PINGCHENG)}
    assert listed == {w["own"]: ("own", 4, 1, 3), w["hosting"]: ("hosting", 12, 1, 0)}
    own_board = service.board(session, w["own"], scope=PINGCHENG)  # an own site shows everyone in it
    assert [o["name"] for f in own_board["floors"] for r in f["rooms"] for o in r["occupants"]] == ["云冈住本区"]


def test_the_district_totals_count_only_its_own_sites(session):
    w = qf.hosting_world(session)
    result = service.occupancy(session, scope=PINGCHENG, start=date(2022, 11, 16))  # the ed9 contacts leave 11-17
    rows = {r["site_id"]: r for r in result["sites"]}
    assert (result["beds"], result["occupied"]) == (4, 1)
    assert {k: (r["access"], r["beds"], r["occupied"], r["departing"], r["rooms_freed"]) for k, r in rows.items()} == {
        w["own"]: ("own", 4, 1, 1, 1), w["hosting"]: ("hosting", 12, 1, 1, None)}
    assert (result["tomorrow"]["departing"], result["tomorrow"]["rooms_freed"]) == (1, 1)
    assert rows[w["hosting"]]["current"][0] == 1 and result["city"]["current"][0] == 1  # our one person
    forecast = service.forecast(session, scope=PINGCHENG, pack_id="measures20", effective=date(2022, 11, 13))
    assert {r["site_id"]: r["access"] for r in forecast["sites"]} == {w["own"]: "own", w["hosting"]: "hosting"}
    assert (forecast["beds"], forecast["occupied"]) == (4, 1)


def test_the_city_sees_every_site_as_its_own(session):
    w = qf.hosting_world(session)
    result = service.occupancy(session, scope=CITY, start=date(2022, 11, 16))
    assert {r["site_id"]: (r["access"], r["occupied"], r["departing"]) for r in result["sites"]} == {
        w["own"]: ("own", 1, 1), w["hosting"]: ("own", 3, 3), w["neither"]: ("own", 1, 1)}
    assert (result["beds"], result["occupied"], result["tomorrow"]["departing"]) == (18, 5, 5)
    names = [o["name"] for f in service.board(session, w["hosting"], scope=CITY)["floors"]
             for r in f["rooms"] for o in r["occupants"]]
    assert sorted(names) == sorted([OURS, "云冈同屋", "云冈隔壁"])


def test_the_pages_mark_a_hosting_site_and_show_only_our_people(login_as, session):
    w = qf.hosting_world(session)
    client = login_as("prevention", "140213")
    for path in ("/quarantine", "/quarantine/occupancy"):
        html = client.get(path).text
        assert html.count('data-testid="hosting-badge"') == 1 and "收治本辖区人员" in html, path
        assert "云冈收治酒店" in html and "云冈自管酒店" not in html, path
    for path in (f"/quarantine/sites/{w['hosting']}", f"/quarantine/sites/{w['hosting']}/day?on=2022-11-13"):
        page = client.get(path)
        assert page.status_code == 200 and OURS in page.text and 'data-testid="hosting-note"' in page.text, path
        assert not [name for name in HIDDEN if name in page.text], path
        assert 'data-testid="check-in"' not in page.text, path  # nothing to do there
    assert 'data-testid="hosting-badge"' not in client.get(f"/quarantine/sites/{w['own']}").text
    client.get("/lang/en")
    assert "Hosts people of your jurisdiction" in client.get("/quarantine").text


def test_the_daily_report_names_each_sites_access_in_chinese(session):
    from fangkong.dashboard import report_rows

    qf.hosting_world(session)
    actor = factories.actor(session, role="prevention", jurisdiction="140213")
    headers, rows = report_rows.quarantine_rows(session, actor, date(2022, 11, 13))
    assert headers[:3] == ["隔离点", "归属", "状态"]
    assert {row[0]: tuple(row[1:3]) for row in rows} == {
        "平城本区宾馆": ("本辖区隔离点", "开放"), "云冈收治酒店": ("收治本辖区人员", "开放")}
