"""A community worker sees her community; a district user his district; the command the city."""

import pytest

import factories
from fangkong.core.errors import NotFound
from fangkong.core.jurisdiction import CITY, parse_jurisdiction
from fangkong.people import service
from fangkong.places import service as places_service


@pytest.fixture
def two_districts(session):
    """One resident in 平城区 (140213) and one in 云冈区 (140214)."""
    pingcheng_unit = factories.place_chain(session, district_code="140213", district_name="平城区")
    yungang_unit = factories.place_chain(session, district_code="140214", district_name="云冈区")
    actor = factories.actor(session, jurisdiction="140200")
    ping = service.add_resident(
        session, actor=actor, name="王平", id_number=factories.id_number(), home_unit_id=pingcheng_unit.id
    )
    yun = service.add_resident(
        session, actor=actor, name="李云", id_number=factories.id_number(), home_unit_id=yungang_unit.id
    )
    return ping, yun, places_service.locate_unit(session, pingcheng_unit.id)


def test_district_user_reads_own_district_only(session, two_districts):
    ping, yun, _ = two_districts
    pingcheng = parse_jurisdiction("140213")
    assert service.get_resident(session, ping.id, scope=pingcheng).id == ping.id
    with pytest.raises(NotFound):
        service.get_resident(session, yun.id, scope=pingcheng)
    rows, total = service.list_residents(session, scope=pingcheng)
    assert total == 1 and [r["id"] for r in rows] == [ping.id]
    number = service.get_cipher().decrypt(yun.id_number_enc)
    assert service.find_by_id_number(session, number, scope=pingcheng) is None


def test_community_worker_sees_her_community(session, two_districts):
    ping, yun, location = two_districts
    from fangkong.places.models import Community

    code = session.get(Community, location.community_id).code
    mine = parse_jurisdiction(code)
    assert mine.level == "community"
    assert [r["id"] for r in service.list_residents(session, scope=mine)[0]] == [ping.id]
    other_community = parse_jurisdiction(code[:-3] + "999")
    assert service.list_residents(session, scope=other_community) == ([], 0)
    with pytest.raises(NotFound):
        service.get_resident(session, ping.id, scope=other_community)


def test_city_sees_both(session, two_districts):
    ping, yun, _ = two_districts
    assert {r["id"] for r in service.list_residents(session, scope=CITY)[0]} == {ping.id, yun.id}
    assert {d.code for d in places_service.list_districts(session, scope=CITY)} >= {"140213", "140214"}
    assert [d.code for d in places_service.list_districts(session, scope=parse_jurisdiction("140214"))] == ["140214"]


def test_cannot_register_a_resident_outside_the_jurisdiction(session, two_districts):
    _, yun, _ = two_districts
    worker = factories.actor(session, jurisdiction="140213", role="community_worker", username="w1")
    with pytest.raises(NotFound):
        service.add_resident(
            session, actor=worker, name="越界", id_number=factories.id_number(), home_unit_id=yun.home_unit_id
        )


@pytest.mark.parametrize("code", ["", "12", "1402130", "abcdef", "110101"])
def test_bad_jurisdiction_codes_are_refused(code):
    from fangkong.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        parse_jurisdiction(code)
