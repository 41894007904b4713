import pytest

import factories
from fangkong.core.errors import NotFound
from fangkong.core.jurisdiction import CITY
from fangkong.people.service import districts_with_residents
from fangkong.places import service


def test_districts_count_their_places_and_residents(session):
    unit = factories.place_chain(session)
    factories.place_chain(session)  # a second chain in the same district
    factories.resident(session, unit=unit)
    [pingcheng] = [d for d in districts_with_residents(session, scope=CITY) if d.code == "140213"]
    assert (pingcheng.subdistricts, pingcheng.communities, pingcheng.compounds, pingcheng.residents) == (2, 2, 2, 1)
    [bare] = [d for d in service.list_districts(session, scope=CITY) if d.code == "140213"]
    assert bare.residents is None


def test_locate_unit_walks_up_to_the_district(session):
    unit = factories.place_chain(session)
    location = service.locate_unit(session, unit.id)
    assert location.unit_id == unit.id
    assert location.district_id == service.get_district_by_code(session, "140213", scope=CITY).id
    with pytest.raises(NotFound):
        service.locate_unit(session, 10**9)
