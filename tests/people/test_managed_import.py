"""Excel import of people under management: row-level report, nothing silently dropped, idempotent,
a wrong heading refuses the whole file. Files are built with XlsxWriter (tests/sheets.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

import factories
from sheets import xlsx
from fangkong.core.audit import AuditEvent
from fangkong.core.errors import InvalidInput
from fangkong.people.managed_import import import_managed
from fangkong.people.managed_models import ManagedPerson

HEADINGS = ["姓名", "身份证号", "证件类型", "证件号码", "类别", "锚定日期", "发现日期", "来源"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def bad_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


@pytest.fixture
def importer(session):
    return factories.actor(session, role="prevention", jurisdiction="140200")


@pytest.fixture
def fifteen_rows(session, importer) -> list[list]:
    """Rows 2–16 of the sheet: residents by ID number, two non-residents by passport; row 7 has a bad
    ID number, row 12 no anchor date; dates as date cells and as text, labels in Chinese and English."""
    unit = factories.place_chain(session)
    rows = []
    for i in range(15):
        excel_row = i + 2
        anchor = date(2022, 11, 6 + i % 7)
        if excel_row in (9, 14):
            rows.append([f"Traveller {i}", None, "护照", f"E{i:08d}", "入境人员", anchor.isoformat(), None, "入境"])
            continue
        number = factories.id_number(seq=700 + i)
        factories.resident(session, name=f"居民{i}", unit=unit, id_number=number, by=importer)
        if excel_row == 7:
            number = bad_check_digit(number)
        category = "close_contact" if i % 3 == 0 else ("Close contact" if i % 3 == 1 else "密切接触者")
        rows.append([f"居民{i}", number, None, None, category, None if excel_row == 12 else anchor,
                     date(2022, 11, 12) if i % 2 else None, "流调"])
    return rows


def count_managed(session) -> int:
    return session.scalar(select(func.count()).select_from(ManagedPerson))


def test_fifteen_rows_bad_id_in_row_7_missing_anchor_in_row_12(session, importer, fifteen_rows):
    before = count_managed(session)
    report = import_managed(session, xlsx(HEADINGS, fifteen_rows), actor=importer, filename="名单.xlsx")
    assert (report.created, report.existing) == (13, 0)
    assert [(r.row, r.field) for r in report.refused] == [(7, "id_number"), (12, "anchor")]
    assert [r.code for r in report.refused] == ["invalid_id_number", "anchor_required"]
    assert count_managed(session) == before + 13

    again = import_managed(session, xlsx(HEADINGS, fifteen_rows), actor=importer, filename="名单.xlsx")
    assert (again.created, again.existing) == (0, 13)
    assert again.refused == report.refused
    assert count_managed(session) == before + 13

    audits = session.scalars(select(AuditEvent).where(AuditEvent.action == "managed.import").order_by(AuditEvent.id))
    assert [(a.after["created"], a.after["existing"], a.after["refused"]) for a in audits] == [(13, 0, 2), (0, 13, 2)]


@pytest.mark.parametrize(
    ("headings", "named"),
    [
        ([*HEADINGS[:5], "锚定日", *HEADINGS[6:]], "锚定日期"),  # a renamed heading: the column is missing
        ([h for h in HEADINGS if h != "锚定日期"], "锚定日期"),  # a missing one
        ([*HEADINGS, "类别"], "类别"),  # a repeated one
    ],
)
def test_a_wrong_or_missing_heading_refuses_the_whole_file(session, importer, fifteen_rows, headings, named):
    before = count_managed(session)
    rows = [row[: len(headings)] for row in fifteen_rows]
    with pytest.raises(InvalidInput) as refused:
        import_managed(session, xlsx(headings, rows), actor=importer)
    assert named in refused.value.message and refused.value.details["column"] == named
    assert count_managed(session) == before


def test_english_headings_and_labels(session, importer):
    unit = factories.place_chain(session)
    number = factories.id_number(seq=801)
    factories.resident(session, unit=unit, id_number=number, by=importer)
    headings = ["Resident ID number", "category", "Anchor date", "Source"]
    report = import_managed(session, xlsx(headings, [[number, "Close contact", "2022/11/12", "Tracing"]]), actor=importer)
    assert (report.created, report.refused) == (1, [])
    person = session.scalar(select(ManagedPerson).where(ManagedPerson.resident_id.is_not(None)).order_by(
        ManagedPerson.id.desc()))
    assert (person.category, person.anchor, person.source, person.pack) == (
        "close_contact", date(2022, 11, 12), "tracing", "measures20")


def test_rows_refused_for_their_own_reasons(session, importer):
    unit = factories.place_chain(session)
    known = factories.id_number(seq=811)
    factories.resident(session, unit=unit, id_number=known, by=importer)
    rows = [
        [known, "ghost", "2022-11-12"],  # 2: unknown category
        [known, "密切接触者", "2022-12-01"],  # 3: anchor after today (and after the identified date)
        [factories.id_number(seq=812), "密切接触者", "2022-11-12"],  # 4: nobody with this number here
        [known, "密切接触者", "11/12/2022"],  # 5: not a date
        [None, None, None],  # 6: blank, skipped
        [known, "密接的密接", "2022-11-12"],  # 7: measures20 does not identify secondary contacts
    ]
    report = import_managed(session, xlsx(["身份证号", "类别", "锚定日期"], rows), actor=importer)
    assert report.created == 0
    assert [(r.row, r.field, r.code) for r in report.refused] == [
        (2, "category", "invalid_category"),
        (3, "anchor", "anchor_after_identified"),
        (4, "id_number", "resident_not_found"),
        (5, "anchor", "invalid_anchor"),
        (7, "category", "category_not_identified"),
    ]


def test_not_a_workbook_is_refused(session, importer):
    with pytest.raises(InvalidInput) as refused:
        import_managed(session, b"PK\x03\x04 not really a zip", actor=importer)
    assert refused.value.code == "invalid_file"


def test_import_over_the_api_and_the_page(login_as, session, fifteen_rows):
    writer = login_as("prevention")
    data = xlsx(HEADINGS, fifteen_rows)
    answer = writer.post("/api/v1/managed/import", files={"file": ("m.xlsx", data, XLSX)})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["created"], body["existing"]) == (13, 0)
    assert [(r["row"], r["field"]) for r in body["refused"]] == [(7, "id_number"), (12, "anchor")]

    page = writer.post("/people/managed/import", files={"file": ("m.xlsx", data, XLSX)})
    assert page.status_code == 200 and 'data-testid="import-report"' in page.text
    assert "已登记（未变动） 13 人" in page.text and "未导入 2 行" in page.text
    wrong = writer.post("/people/managed/import", files={"file": ("m.xlsx", xlsx(["姓名", "类"], [["x", "y"]]), XLSX)})
    assert wrong.status_code == 422 and "“类别”" in wrong.text  # 类 is not a column: ignored, 类别 is missing

    refused = writer.post("/api/v1/managed/import", files={"file": ("m.xlsx", b"garbage", XLSX)})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_file"
    reader = login_as("coordination")
    assert reader.post("/api/v1/managed/import", files={"file": ("m.xlsx", data, XLSX)}).status_code == 403
