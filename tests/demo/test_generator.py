"""The demo city: structure, valid and unique ID numbers, encryption at rest, determinism."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import delete, func, select
from stdnum.cn import ric

from fangkong.core.errors import DomainError
from fangkong.core.pii import get_cipher, normalize_phone
from fangkong.demo.city import load_city
from fangkong.demo.generator import generate_city
from fangkong.demo.residents import check_digit
from fangkong.people.models import Household, Resident
from fangkong.places.models import Building, Community, Compound, District, Subdistrict, Unit, Venue

EXPECTED_DISTRICTS = {
    "140213": "平城区", "140214": "云冈区", "140212": "新荣区", "140215": "云州区",
    "140221": "阳高县", "140222": "天镇县", "140223": "广灵县", "140224": "灵丘县",
    "140225": "浑源县", "140226": "左云县", "140271": "山西大同经济开发区",
}
TABLES = (Resident, Household, Venue, Unit, Building, Compound, Community, Subdistrict, District)


def _count(conn, model) -> int:
    return conn.execute(select(func.count()).select_from(model)).scalar_one()


def _people(engine) -> list[tuple]:
    """Residents decrypted: (id, name, id number, phone, sex, birth date, household, unit, community, district)."""
    cipher = get_cipher()
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                Resident.id, Resident.name, Resident.id_number_enc, Resident.id_number_mac,
                Resident.phone_enc, Resident.phone_mac, Resident.sex, Resident.birth_date,
                Resident.household_id, Resident.home_unit_id, Resident.community_id, Resident.district_id,
            ).order_by(Resident.id)
        ).all()
    people = []
    for row in rows:
        id_number = cipher.decrypt(row.id_number_enc)
        assert cipher.lookup_mac(id_number) == row.id_number_mac
        phone = cipher.decrypt(row.phone_enc) if row.phone_enc is not None else None
        if phone is not None:
            assert cipher.lookup_mac(phone) == row.phone_mac
        people.append((
            row.id, row.name, id_number, phone, row.sex, row.birth_date,
            row.household_id, row.home_unit_id, row.community_id, row.district_id,
        ))
    return people


def _places(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            model.__tablename__: [tuple(r) for r in conn.execute(select(model.__table__).order_by(model.id))]
            for model in TABLES if model is not Resident
        }


def _wipe(engine) -> None:
    with engine.begin() as conn:
        for model in TABLES:
            conn.execute(delete(model))


def test_city_has_every_district_and_consistent_counts(fresh_database):
    summary = generate_city(fresh_database.engine, population=500, seed=7)
    with fresh_database.engine.connect() as conn:
        districts = {code: (name, kind) for code, name, kind in conn.execute(
            select(District.code, District.name, District.kind))}
        counts = {model.__tablename__: _count(conn, model) for model in TABLES}
        household_people = conn.execute(select(func.sum(Household.size))).scalar_one()
    assert {code: name for code, (name, _) in districts.items()} == EXPECTED_DISTRICTS
    assert districts["140271"][1] == "development_zone"
    assert districts["140222"][1] == "county" and districts["140213"][1] == "district"
    assert counts["resident"] == summary.residents == 500
    assert household_people == 500
    assert counts["household"] == summary.households
    assert counts["unit"] == summary.units and counts["building"] == summary.buildings
    assert counts["compound"] == summary.compounds and counts["venue"] == summary.venues
    assert counts["subdistrict"] == summary.subdistricts and counts["community"] == summary.communities


def test_id_numbers_are_valid_unique_and_match_district_sex_and_birth_date(fresh_database):
    generate_city(fresh_database.engine, population=500, seed=11)
    city = load_city()
    with fresh_database.engine.connect() as conn:
        code_of = dict(conn.execute(select(District.id, District.code)).all())
    people = _people(fresh_database.engine)
    assert len(people) == 500
    numbers = [person[2] for person in people]
    assert len(set(numbers)) == len(numbers)
    reference = date(2022, 11, 13)
    for _, name, number, phone, sex, birth, _, _, _, district_id in people:
        assert ric.validate(number) == number
        assert ric.get_birth_date(number) == birth
        assert sex == ("male" if int(number[16]) % 2 else "female")
        assert number[:6] in city.district(code_of[district_id]).id_area_codes(birth.year)
        assert 0 <= (reference - birth).days < 97 * 366 and birth <= reference
        assert 2 <= len(name) <= 3
        if phone is not None:
            assert normalize_phone(phone) == phone
    assert sum(1 for p in people if p[3] is not None) > 400
    assert {p[4] for p in people} == {"male", "female"}


def test_households_hold_their_members_in_their_unit(fresh_database):
    engine = fresh_database.engine
    generate_city(engine, population=800, seed=5)
    with engine.connect() as conn:
        households = {hid: (unit, size) for hid, unit, size in conn.execute(
            select(Household.id, Household.unit_id, Household.size))}
        unit_place = {uid: (community, district) for uid, community, district in conn.execute(
            select(Unit.id, Compound.community_id, Compound.district_id)
            .join(Building, Unit.building_id == Building.id)
            .join(Compound, Building.compound_id == Compound.id))}
        community_district = dict(conn.execute(select(Community.id, Community.district_id)).all())
        subdistrict_of = dict(conn.execute(select(Community.id, Community.subdistrict_id)).all())
        subdistrict_district = dict(conn.execute(select(Subdistrict.id, Subdistrict.district_id)).all())
        residents = conn.execute(select(
            Resident.household_id, Resident.home_unit_id, Resident.community_id, Resident.district_id)).all()
    assert all(1 <= size <= 6 for _, size in households.values())
    members = Counter(row.household_id for row in residents)
    assert members == Counter({hid: size for hid, (_, size) in households.items()})
    for household_id, unit_id, community_id, district_id in residents:
        assert households[household_id][0] == unit_id
        assert unit_place[unit_id] == (community_id, district_id)
    for community, district in community_district.items():
        assert subdistrict_district[subdistrict_of[community]] == district


def test_named_places_and_venues_exist(fresh_database):
    generate_city(fresh_database.engine, population=300, seed=2022)
    with fresh_database.engine.connect() as conn:
        chains = set(conn.execute(
            select(District.name, Subdistrict.name, Community.name, Compound.name)
            .join(Subdistrict, Subdistrict.district_id == District.id)
            .join(Community, Community.subdistrict_id == Subdistrict.id)
            .join(Compound, Compound.community_id == Community.id)
        ).all())
        venues = conn.execute(select(Venue.code, Venue.kind, Venue.name, District.code)
                              .join(District, Venue.district_id == District.id)).all()
    assert ("平城区", "开源街道", "民谐社区", "魏都新城C区") in chains
    assert ("平城区", "水泊寺街道", "文兴社区", "绿地璀璨天城") in chains
    assert any(chain[:3] == ("天镇县", "谷前堡镇", "一畔庄村") for chain in chains)
    assert ("lab", "大同体育馆气膜核酸检测实验室", "140213") in {(k, n, d) for _, k, n, d in venues}
    assert {kind for _, kind, _, _ in venues} >= {
        "supermarket", "hospital", "school", "bus_station", "restaurant", "workplace", "construction_site", "lab"}
    codes = [code for code, _, _, _ in venues]
    assert len(set(codes)) == len(codes) and all(code.startswith("V") for code in codes)


def test_same_seed_gives_the_same_city_and_another_seed_a_different_one(fresh_database):
    engine = fresh_database.engine
    generate_city(engine, population=600, seed=42)
    first = (_people(engine), _places(engine))
    _wipe(engine)
    generate_city(engine, population=600, seed=42)
    again = (_people(engine), _places(engine))
    _wipe(engine)
    generate_city(engine, population=600, seed=43)
    other = (_people(engine), _places(engine))
    assert again == first
    assert {p[2] for p in other[0]} != {p[2] for p in first[0]}
    assert [p[1] for p in other[0]] != [p[1] for p in first[0]]


def test_worker_processes_draw_the_same_residents(fresh_database):
    if fresh_database.backend != "sqlite":
        pytest.skip("process pool behaviour does not depend on the backend")
    engine = fresh_database.engine
    generate_city(engine, population=1500, seed=3, workers=0)
    alone = _people(engine)
    _wipe(engine)
    generate_city(engine, population=1500, seed=3, workers=2)
    assert _people(engine) == alone


def test_second_load_is_refused_and_changes_nothing(fresh_database):
    engine = fresh_database.engine
    generate_city(engine, population=200, seed=1)
    with pytest.raises(DomainError) as refused:
        generate_city(engine, population=200, seed=2)
    assert refused.value.code == "city_exists"
    with engine.connect() as conn:
        assert _count(conn, Resident) == 200 and _count(conn, District) == 11


@pytest.mark.parametrize("population", [-5, 0, 20_000_001])
def test_bad_population_is_refused_before_writing(fresh_database, population):
    with pytest.raises(DomainError) as refused:
        generate_city(fresh_database.engine, population=population, seed=2022)
    assert refused.value.code == "invalid_population"
    with fresh_database.engine.connect() as conn:
        assert _count(conn, District) == 0


def test_sqlite_file_holds_no_readable_id_number_or_phone(fresh_database):
    if fresh_database.backend != "sqlite":
        pytest.skip("inspects the SQLite file")
    generate_city(fresh_database.engine, population=1000, seed=9)
    people = _people(fresh_database.engine)
    fresh_database.engine.dispose()
    files = [fresh_database.path, fresh_database.path.with_name(fresh_database.path.name + "-wal")]
    data = b"".join(path.read_bytes() for path in files if path.exists())
    # the check can see text: names are stored in clear
    assert people[0][1].encode() in data
    for _, _, number, phone, *_ in people:
        assert number.encode() not in data
        assert number[:17].encode() not in data
        if phone is not None:
            assert phone.encode() not in data


def test_check_digit_agrees_with_stdnum():
    rng = random.Random(0)
    for _ in range(2000):
        first17 = "".join(str(rng.randrange(10)) for _ in range(17))
        assert check_digit(first17) == ric.calc_check_digit(first17 + "0")


def test_id_area_tables_are_valid_in_every_birth_year():
    for district in load_city().districts:
        for year in range(1900, 2023):
            codes = district.id_area_codes(year)
            for code in codes:
                for day in (date(year, 1, 1), date(year, 12, 31)):
                    first17 = f"{code}{day:%Y%m%d}001"
                    assert ric.is_valid(first17 + check_digit(first17)), (district.name, code, day)
