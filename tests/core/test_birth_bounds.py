"""ID numbers that cannot exist: a birth date after the clock's today (2022-11-13 in tests) or before
1900-01-01 is refused with the field and the reason on every path that takes an ID number — the
resident API, the search form, the lab's import and batch API, the import of people under management."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clirun import runner_fixture

import factories
import lab_factories as lf
from fangkong.core import clock, i18n
from fangkong.core.errors import InvalidInput
from fangkong.core.pii import parse_id_number
from fangkong.core.tokens import create_token
from fangkong.lab import ids
from fangkong.lab.models import Sample
from fangkong.people.managed_import import import_managed
from fangkong.people.models import Resident
from sheets import xlsx

AFTER_TODAY = "birth date is after today"
TOO_EARLY = "birth date is before 1900-01-01"
TOMORROW = factories.id_number("140213", "20221114", seq=1)  # the tests' clock reads 2022-11-13
BORN_2030 = factories.id_number("140213", "20300105", seq=2)
BORN_1899 = factories.id_number("110101", "18991231", seq=3)  # 东城区, a code stdnum knows for 1899
BORN_1900 = factories.id_number("110101", "19000101", seq=4)
BORN_TODAY = factories.id_number("140213", "20221113", seq=5)


@pytest.mark.parametrize(("number", "reason"), [(TOMORROW, AFTER_TODAY), (BORN_2030, AFTER_TODAY),
                                                (BORN_1899, TOO_EARLY)])
def test_both_checks_refuse_a_birth_outside_the_bounds(number, reason):
    with pytest.raises(InvalidInput) as refused:
        parse_id_number(number)
    assert refused.value.details == {"field": "id_number", "reason": reason}
    assert ids.id_number_problem(number, date(2022, 11, 13)) == reason


def test_the_bounds_themselves_are_accepted_and_today_follows_the_clock():
    assert parse_id_number(BORN_1900).birth_date == date(1900, 1, 1)
    assert parse_id_number(BORN_TODAY).birth_date == date(2022, 11, 13)
    assert ids.id_number_problem(BORN_TODAY, date(2022, 11, 13)) is None
    with clock.frozen(datetime(2022, 11, 14, 8, tzinfo=clock.zone())):
        assert parse_id_number(TOMORROW).birth_date == date(2022, 11, 14)
    assert ids.id_number_problem(TOMORROW, date(2022, 11, 14)) is None


def test_the_resident_api_refuses_them_with_field_and_reason_and_stores_nothing(login_as, session):
    writer = login_as("prevention")
    before = session.scalar(select(func.count()).select_from(Resident))
    for number, reason in ((BORN_2030, AFTER_TODAY), (BORN_1899, TOO_EARLY)):
        answer = writer.post("/api/v1/residents", json={"name": "王秀英", "id_number": number})
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["code"] == "invalid_id_number"
        assert error["details"] == {"field": "id_number", "reason": reason}
        assert error["message"] == f"id_number: {reason}"
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Resident)) == before
    oldest = writer.post("/api/v1/residents", json={"name": "王秀英", "id_number": BORN_1900})
    assert oldest.status_code == 201 and oldest.json()["age"] == 122, oldest.text


def test_the_search_form_says_why_in_chinese(login_as):
    zh = i18n.catalog("zh")
    page = login_as("prevention").post("/people/residents/search", data={"id_number": BORN_2030})
    assert page.status_code == 422
    assert zh["id_reasons.birth date is after today"] == "出生日期晚于今天"
    assert zh["people.invalid"] + "出生日期晚于今天" in page.text and BORN_2030 not in page.text


run = runner_fixture("lab")


def test_the_lab_import_refuses_those_lines_and_keeps_the_rest(fresh_database, run, tmp_path):
    round_id, point = lf.committed_world(fresh_database.engine)
    good = factories.id_number(seq=20)
    csv_file = tmp_path / "round.csv"
    csv_file.write_text("tube_barcode,pool_size,point_code,sampled_at,id_number,document_kind,document_number\n"
                        f"A1,10,{point},2022-11-12T08:00,{good},,\n"
                        f"A1,10,{point},2022-11-12T08:01,{BORN_2030},,\n"
                        f"A1,10,{point},2022-11-12T08:02,,id_card,{BORN_1899}\n", encoding="utf-8")
    answer = run("import-samples", str(csv_file), "--round", str(round_id), "--json", url=fresh_database.url)
    assert answer.returncode == 0, answer.stderr
    report = json.loads(answer.stdout)
    assert report["inserted"] == 1
    assert report["refused"] == [
        {"line": 3, "code": "invalid_document", "reason": f"id_number: {AFTER_TODAY}"},
        {"line": 4, "code": "invalid_document", "reason": f"id_number: {TOO_EARLY}"}]
    with Session(fresh_database.engine) as session:
        assert session.scalar(select(func.count()).select_from(Sample)) == 1


def test_the_sampling_batch_api_refuses_them(client, session):
    world = lf.world(session)
    owner = factories.user(session, role="community_worker", jurisdiction="140200")
    _row, token = create_token(session, username=owner.username, name="app", scopes=["lab.sample"])
    samples = [{"tube_barcode": "B1", "pool_size": 1, "point_code": world["point"].code,
                "sampled_at": "2022-11-12T08:00", "id_number": TOMORROW}]
    answer = client.post("/api/v1/lab/samples:batch", json={"round_id": world["round"].id, "samples": samples},
                         headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["refused"] == [{"line": 1, "code": "invalid_document", "reason": f"id_number: {AFTER_TODAY}"}]


def test_the_import_of_people_under_management_refuses_those_rows(session):
    importer = factories.actor(session, role="prevention", jurisdiction="140200")
    unit = factories.place_chain(session)
    known = factories.id_number(seq=30)
    factories.resident(session, unit=unit, id_number=known, by=importer)
    headings = ["身份证号", "类别", "锚定日期"]
    sheet = xlsx(headings, [[known, "密切接触者", "2022-11-12"], [BORN_2030, "密切接触者", "2022-11-12"],
                            [BORN_1899, "密切接触者", "2022-11-12"]])
    report = import_managed(session, sheet, actor=importer, filename="名单.xlsx")
    assert report.created == 1
    assert [(r.row, r.field, r.code, r.message) for r in report.refused] == [
        (3, "id_number", "invalid_id_number", f"id_number: {AFTER_TODAY}"),
        (4, "id_number", "invalid_id_number", f"id_number: {TOO_EARLY}")]
