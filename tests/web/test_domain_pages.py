"""Places and residents pages: counts, map data, the masked resident search and list."""

from __future__ import annotations

import json
import re

import factories
from markupsafe import escape

from fangkong.core import i18n
from fangkong.places.models import District, Venue

ZH = {key: str(escape(text)) for key, text in i18n.catalog("zh").items()}
EN = {key: str(escape(text)) for key, text in i18n.catalog("en").items()}
HTMX = {"hx-request": "true"}


def _county(session) -> District:
    county = District(code="140221", name="阳高县", name_en="Yanggao County", kind="county", lat=40.36, lon=113.75)
    session.add(county)
    session.flush()
    return county


def _map_points(html: str) -> list[dict]:
    match = re.search(r'<script type="application/json" id="district-map-data">(.*?)</script>', html, re.S)
    assert match, "the map data is missing"
    return json.loads(match.group(1))


def test_places_lists_districts_with_counts_and_a_map(user_client, session):
    factories.place_chain(session)
    _county(session)
    page = user_client.get("/places")
    assert page.status_code == 200
    table = page.text.split('data-testid="districts"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1].split("</tbody>")[0], re.S)
    assert len(rows) == 2
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    assert cells[0][:3] == ["<code>140213</code>", "平城区", ZH["places.kinds.district"]]
    assert cells[0][3:6] == ["1", "1", "1"]  # one subdistrict, community, compound
    assert cells[1][:3] == ["<code>140221</code>", "阳高县", ZH["places.kinds.county"]]
    assert cells[1][3:6] == ["0", "0", "0"]
    assert '<script src="/static/vendor/leaflet/leaflet.js' in page.text
    points = _map_points(page.text)
    assert [(p["code"], p["name"]) for p in points] == [("140213", "平城区"), ("140221", "阳高县")]
    assert points[1]["lat"] == 40.36 and points[1]["lon"] == 113.75


def test_places_in_english_uses_english_names(user_client, session):
    _county(session)
    user_client.get("/lang/en")
    page = user_client.get("/places")
    assert "Yanggao County" in page.text and EN["places.kinds.county"] in page.text
    assert [p["name"] for p in _map_points(page.text)] == ["Yanggao County"]


def test_places_without_districts_says_so(user_client):
    page = user_client.get("/places")
    assert ZH["places.empty"] in page.text
    assert "district-map-data" not in page.text


def test_venues_page_filters_by_district_and_pages(user_client, session):
    unit = factories.place_chain(session)
    county = _county(session)
    pingcheng = session.query(District).filter_by(code="140213").one()
    for n in range(3):
        session.add(Venue(code=f"V{n}", kind="market", name=f"农贸市场{n}", address="大同", district_id=pingcheng.id,
                          community_id=None, lat=40.0, lon=113.0))
    session.add(Venue(code="Y1", kind="school", name="阳高一中", address="阳高", district_id=county.id,
                      community_id=None, lat=40.3, lon=113.7))
    session.flush()
    assert unit is not None
    everything = user_client.get("/places/venues")
    assert all(name in everything.text for name in ("农贸市场0", "农贸市场2", "阳高一中"))
    only_county = user_client.get("/places/venues?district=140221")
    assert "阳高一中" in only_county.text and "农贸市场0" not in only_county.text
    first = user_client.get("/places/venues?per_page=2")
    assert "农贸市场1" in first.text and "农贸市场2" not in first.text
    assert 'href="/places/venues?page=2"' in first.text
    assert ZH["pager.page"].format(page=1, pages=2) in first.text
    unknown = user_client.get("/places/venues?district=999999", headers={"accept": "text/html"})
    assert unknown.status_code == 404 and ZH["errors.status.404"] in unknown.text


def test_resident_search_shows_only_the_masked_number(user_client, session):
    unit = factories.place_chain(session)
    number = factories.id_number(area="140212", birth="19850615", seq=124)
    factories.resident(session, name="王秀英", unit=unit, id_number=number, phone="13812345678")
    masked = number[:4] + "*" * 10 + number[-4:]

    partial = user_client.post("/people/residents/search", data={"id_number": number}, headers=HTMX)
    assert partial.status_code == 200
    assert "<html" not in partial.text  # an HTMX partial, not a page
    assert "王秀英" in partial.text and masked in partial.text and "138****5678" in partial.text
    assert "民谐社区" in partial.text and "平城区" in partial.text and ZH["people.sexes.female"] in partial.text
    assert number not in partial.text and "13812345678" not in partial.text

    page = user_client.post("/people/residents/search", data={"id_number": number.lower()})
    assert page.status_code == 200 and "<html" in page.text
    assert masked in page.text and number not in page.text and number[6:14] not in page.text.replace("1985-06-15", "")

    listing = user_client.get("/people/residents")
    assert masked in listing.text and number not in listing.text and "13812345678" not in listing.text


def test_resident_search_explains_an_invalid_number(user_client):
    short = user_client.post("/people/residents/search", data={"id_number": "1402"}, headers=HTMX)
    assert short.status_code == 200
    assert ZH["people.invalid"] + ZH["id_reasons.must have 18 characters"] in short.text
    bad_check = factories.id_number(seq=7)[:-1]
    bad_check += "0" if factories.id_number(seq=7)[-1] != "0" else "1"
    wrong = user_client.post("/people/residents/search", data={"id_number": bad_check})
    assert wrong.status_code == 422
    assert ZH["id_reasons.check digit does not match (GB 11643)"] in wrong.text
    assert bad_check not in wrong.text
    user_client.get("/lang/en")
    english = user_client.post("/people/residents/search", data={"id_number": "1402"}, headers=HTMX)
    assert EN["people.invalid"] + "must have 18 characters" in english.text


def test_resident_search_without_match_says_so(user_client):
    unknown = factories.id_number(seq=999)
    response = user_client.post("/people/residents/search", data={"id_number": unknown}, headers=HTMX)
    assert response.status_code == 200
    assert ZH["people.no_match"] in response.text


def test_resident_list_filters_by_district_and_pages(user_client, session):
    pingcheng_unit = factories.place_chain(session)
    yungang_unit = factories.place_chain(session, district_code="140214", district_name="云冈区")
    for n in range(3):
        factories.resident(session, name=f"平城居民{n}", unit=pingcheng_unit, id_number=factories.id_number(seq=300 + n))
    factories.resident(session, name="云冈居民", unit=yungang_unit, id_number=factories.id_number(seq=400))

    everyone = user_client.get("/people/residents")
    assert ZH["people.count"].format(total="4") in everyone.text
    yungang = user_client.get("/people/residents?district=140214")
    assert "云冈居民" in yungang.text and "平城居民0" not in yungang.text
    assert ZH["people.count"].format(total="1") in yungang.text
    assert '<option value="140214" selected>' in yungang.text
    first = user_client.get("/people/residents?district=140213&per_page=2")
    assert "平城居民1" in first.text and "平城居民2" not in first.text
    assert 'href="/people/residents?district=140213&amp;page=2"' in first.text
    second = user_client.get("/people/residents?district=140213&per_page=2&page=2")
    assert "平城居民2" in second.text and "平城居民0" not in second.text


def test_resident_pages_need_login(client):
    response = client.post("/people/residents/search", data={"id_number": "1402"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
