"""The quarantine API: a site's staff see only their site; refusals in the error envelope; the forecast view
against the policy switch's dry run, both through the API."""

from __future__ import annotations

import factories
import quarantine_factories as qf
import weblogin
from fangkong.quarantine import service

SCOPE = service.CITY_SCOPE


def _two_sites(session):
    """大同宾馆 (平城区) and 云冈国际酒店 (云冈区), each with one person assigned: (site, stay) pairs."""
    by = qf.commander(session)
    found = []
    for name, district in (("大同宾馆", "140213"), ("云冈国际酒店", "140214")):
        site = qf.site(session, name=name, district=district, rooms=((1, 1), (1, 1)))
        person = qf.waiting(session, district=district)
        [stay] = service.assign(session, actor=by, scope=SCOPE, person_ids=[person.id],
                                room_id=qf.rooms_of(session, site.id)["101"])
        found.append((site, stay))
    return found


def _staff_client(client, session, site):
    user = factories.user(session, role="quarantine_site_staff", jurisdiction="140200")
    service.add_staff(session, site.id, actor=qf.commander(session), scope=SCOPE, username=user.username)
    assert weblogin.log_in(client, user.username, factories.ADMIN_PASSWORD).status_code == 303
    return client


def test_site_staff_see_only_their_own_site(client, session):
    (own, own_stay), (other, other_stay) = _two_sites(session)
    staff = _staff_client(client, session, own)
    assert [s["id"] for s in staff.get("/api/v1/quarantine/sites").json()] == [own.id]
    for path in (f"/api/v1/quarantine/sites/{other.id}", f"/api/v1/quarantine/sites/{other.id}/stays",
                 f"/api/v1/quarantine/sites/{other.id}/day", f"/quarantine/sites/{other.id}"):
        response = staff.get(path)
        assert response.status_code == 404, path
    refused = staff.post(f"/api/v1/quarantine/stays/{other_stay.id}/check-in")
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"
    stays = staff.get(f"/api/v1/quarantine/sites/{own.id}/stays").json()
    assert [s["id"] for s in stays] == [own_stay.id] and stays[0]["document_masked"].count("*") == 10
    assert staff.post(f"/api/v1/quarantine/stays/{own_stay.id}/check-in").json()["state"] == "checked_in"
    occupancy = staff.get("/api/v1/quarantine/occupancy").json()
    assert [s["site_id"] for s in occupancy["sites"]] == [own.id]
    assert occupancy["unassigned"]["current"] == [0] * 14 and occupancy["city"]["current"][0] == 1
    # no lists of residents or people under management, no queue
    for path in ("/api/v1/managed", "/api/v1/residents", "/api/v1/quarantine/queue"):
        assert staff.get(path).status_code == 403, path


def test_refusals_come_in_the_error_envelope(login_as, session):
    operator = login_as("prevention")
    site = qf.site(session, rooms=((1, 1),))
    room = qf.rooms_of(session, site.id)["101"]
    first, second = qf.waiting(session), qf.waiting(session)
    assert operator.post("/api/v1/quarantine/assignments", json={"person_ids": [first.id], "room_id": room}
                         ).status_code == 201
    full = operator.post("/api/v1/quarantine/assignments", json={"person_ids": [second.id], "room_id": room})
    assert full.status_code == 409
    assert full.json() == {"error": {"code": "room_full", "message": "room 101 has no 1 free bed(s)",
                                     "details": {"room_id": room, "capacity": 1, "occupied": 1, "wanted": 1}}}
    malformed = operator.post("/api/v1/quarantine/assignments", json={"person_ids": [], "room_id": room})
    assert malformed.status_code == 422 and "error" in malformed.json()
    bad_rooms = operator.post(f"/api/v1/quarantine/sites/{site.id}/rooms",
                              json={"rooms": [{"number": "101", "floor": 1, "capacity": 1}]})
    assert bad_rooms.status_code == 409 and bad_rooms.json()["error"]["code"] == "room_exists"
    assert operator.get("/api/v1/quarantine/sites/999999").status_code == 404


def test_forecast_view_moves_by_exactly_the_dry_run(login_as, session):
    commander = login_as("commander")
    by = qf.commander(session)
    site = qf.site(session, rooms=((2, 2),))
    people = [qf.waiting(session, anchor=anchor, pack="ed9").id
              for anchor in ("2022-11-08", "2022-11-09", "2022-11-12", "2022-11-12")]
    service.assign(session, actor=by, scope=SCOPE, person_ids=people[:2], room_id=qf.rooms_of(session, site.id)["101"])
    now = commander.get("/api/v1/quarantine/occupancy?start=2022-11-13").json()
    forecast = commander.get("/api/v1/quarantine/forecast?pack=measures20&effective=2022-11-13&start=2022-11-13")
    assert forecast.status_code == 200
    body = forecast.json()
    assert body["city"]["current"] == now["city"]["current"]
    dry = commander.post("/api/v1/policy/switch", json={"to": "measures20", "effective": "2022-11-13",
                                                         "dry_run": True}).json()
    freed = [row["places"] for row in dry["freed_centralized"]]
    assert [a - b for a, b in zip(body["city"]["current"], body["city"]["other"])] == freed == body["freed"]
    # by hand: 11-08 ed9 centralized to 11-15 → measures20 to 11-13; 11-09 to 11-16 → 11-14; 11-12 (×2) to 11-19 → 11-17
    assert freed == [0, 1, 2, 1, 0, 2, 2] + [0] * 7


def test_a_new_pack_file_is_offered_by_the_forecast_without_code(login_as, session, monkeypatch):
    from datetime import date

    from fangkong.policy import get_pack, registry

    city_pack = get_pack("measures20").model_copy(update={"id": "measures20_city", "effective_from": date(2022, 11, 12)})
    packs = (*registry.builtin_packs(), city_pack)
    monkeypatch.setattr(registry, "builtin_packs", lambda: packs)
    commander = login_as("commander")
    qf.waiting(session, anchor="2022-11-12", pack="ed9")
    asked = commander.get("/api/v1/quarantine/forecast?pack=measures20_city&effective=2022-11-13&start=2022-11-13")
    newest = commander.get("/api/v1/quarantine/forecast?effective=2022-11-13&start=2022-11-13")
    same_rules = commander.get("/api/v1/quarantine/forecast?pack=measures20&effective=2022-11-13&start=2022-11-13")
    assert asked.status_code == newest.status_code == same_rules.status_code == 200
    assert asked.json()["pack"] == newest.json()["pack"] == "measures20_city"
    assert asked.json()["city"] == same_rules.json()["city"]
    unknown = commander.get("/api/v1/quarantine/forecast?pack=nosuch&effective=2022-11-13")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_pack"
    page = commander.get("/quarantine/occupancy")
    assert 'value="measures20_city"' in page.text and 'value="ed9"' in page.text
