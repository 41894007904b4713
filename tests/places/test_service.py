import pytest

import factories
from fangkong.core.errors import NotFound
from fangkong.core.jurisdiction import CITY
from fangkong.places import service


def test_districts_count_their_places(session):
    unit = factories.place_chain(session)
    factories.place_chain(session)  # a second chain in the same district
    factories.resident(session, unit=unit)
    [pingcheng] = [d for d in service.list_districts(session, scope=CITY) if d.code == "140213"]
    assert (pingcheng.subdistricts, pingcheng.communities, pingcheng.compounds) == (2, 2, 2)
    assert pingcheng.residents is None  # resident counts are not a places concern


def test_locate_unit_walks_up_to_the_district(session):
    unit = factories.place_chain(session)
    location = service.locate_unit(session, unit.id)
    assert location.unit_id == unit.id
    assert location.district_id == service.get_district_by_code(session, "140213", scope=CITY).id
    with pytest.raises(NotFound):
        service.locate_unit(session, 10**9)
