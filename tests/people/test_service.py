import pytest
from sqlalchemy import text

import factories
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import CITY
from fangkong.people import service


def test_add_resident_derives_sex_birth_and_location(session):
    unit = factories.place_chain(session)
    # 新荣区's code 140212 exists from 1983 on: a 1958 birth with it is refused
    number = factories.id_number(area="140212", birth="19580101", seq=124)
    with pytest.raises(InvalidInput):
        factories.resident(session, unit=unit, id_number=number)
    number = factories.id_number(area="140212", birth="19850615", seq=124)
    resident = factories.resident(session, unit=unit, id_number=number, phone="139 0000 1111")
    assert resident.sex == "female"
    assert resident.birth_date.isoformat() == "1985-06-15"
    assert resident.community_id is not None and resident.district_id is not None
    view = service.resident_view(session, resident)
    assert view["id_number_masked"] == number[:4] + "*" * 10 + number[-4:]
    assert view["phone_masked"] == "139****1111"
    assert view["age"] == 37  # on the frozen clock, 2022-11-13
    assert view["community_name"] == "民谐社区"


def test_lookup_by_id_number_finds_exactly_one(session):
    first = factories.resident(session, name="李建国")
    second = factories.resident(session, name="张桂兰")
    assert service.find_by_id_number(session, service.get_cipher().decrypt(first.id_number_enc), scope=CITY).id == first.id
    assert service.find_by_id_number(session, service.get_cipher().decrypt(second.id_number_enc), scope=CITY).id == second.id
    assert service.find_by_id_number(session, factories.id_number(seq=999), scope=CITY) is None


def test_duplicate_id_number_is_refused(session):
    number = factories.id_number(seq=500)
    factories.resident(session, id_number=number)
    with pytest.raises(DomainError) as caught:
        factories.resident(session, id_number=number.lower())
    assert caught.value.code == "duplicate_id_number" and caught.value.status == 409


def test_unknown_home_unit_is_not_found(session):
    with pytest.raises(NotFound):
        service.add_resident(
            session, actor=factories.actor(session), name="赵强", id_number=factories.id_number(), home_unit_id=999_999
        )


def test_id_number_and_phone_are_not_stored_in_clear(session):
    number = factories.id_number(seq=321)
    factories.resident(session, id_number=number, phone="13912345678")
    rows = session.execute(text("SELECT * FROM resident")).all()
    flat = repr(rows)
    assert number not in flat and "13912345678" not in flat


def test_list_residents_by_district_is_masked_and_paginated(session):
    unit = factories.place_chain(session)
    for i in range(3):
        factories.resident(session, unit=unit, name=f"居民{i}")
    factories.resident(session, name="无住址")
    rows, total = service.list_residents(session, scope=CITY, district_code="140213", page=1, per_page=2)
    assert total == 3 and len(rows) == 2
    assert all("*" in row["id_number_masked"] for row in rows)
    with pytest.raises(NotFound):
        service.list_residents(session, scope=CITY, district_code="999999")
