"""The daily report on the demo city: the Excel has a summary and one sheet per module with the rows
behind its figures; the PDF carries its Chinese text (read back as text and rendered to PNG); the CLI
writes both and refuses a bad format with one line."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from clirun import in_process_runner, one_line_error, restore
from fangkong.core import fonts
from fangkong.core.db import unit_of_work
from fangkong.core.jurisdiction import parse_jurisdiction
from fangkong.dashboard import report, report_pdf
from fangkong.dashboard.service import ReportActor

DAY = date(2022, 11, 13)
SHEETS = ["概览", "新增病例", "风险区", "管控人员", "集中隔离", "物资保供", "复工复产", "核酸检测", "12345热线", "督查", "层层加码与一刀切"]


def require_poppler() -> None:
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        reason = "pdftoppm/pdftotext are missing (apt-get install poppler-utils)"
        if os.environ.get("FANGKONG_REQUIRE_BROWSER") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


def built(engine, jurisdiction: str = "140200") -> report.DailyReport:
    with unit_of_work(engine) as session:
        return report.build(session, on=DAY, actor=ReportActor(jurisdiction=parse_jurisdiction(jurisdiction)))


def test_the_excel_has_one_sheet_per_module_with_the_rows_behind_the_figures(demo_city):
    daily = built(demo_city.engine)
    out = io.BytesIO()
    report.write_xlsx(daily, out)
    book = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue()))
    assert book.sheet_names[:len(SHEETS)] == SHEETS
    summary = book.get_sheet_by_name("概览").to_python()
    assert summary[0][0] == "大同市疫情防控指挥部日报（2022-11-13）"
    figures = {(s["key"], f["key"]): f["value"] for s in daily.board["sections"] for f in s["figures"]}
    zones = book.get_sheet_by_name("风险区").to_python()
    assert zones[1][:2] == ["高风险区（现行）", figures[("zones", "high_in_force")]]
    headers = zones.index(["编号", "等级", "区县", "范围", "划定日期", "感染者数", "最近感染日期"])
    listed = zones[headers + 1:]
    in_force = figures[("zones", "high_in_force")] + figures[("zones", "low_in_force")]
    assert len(listed) == in_force and {row[1] for row in listed} <= {"高风险区", "低风险区"}
    hotline = book.get_sheet_by_name("12345热线").to_python()
    start = next(i for i, row in enumerate(hotline) if row[0] == "工单号")
    assert len(hotline) - start - 1 == figures[("hotline", "overdue_open")] > 0


def test_the_pdf_shows_chinese_text(demo_city, tmp_path):
    require_poppler()
    pdf = report_pdf.write_pdf(built(demo_city.engine))
    assert pdf.startswith(b"%PDF") and b"NotoSansCJK" in pdf
    path = tmp_path / "daily.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-l", "1", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "大同市疫情防控指挥部日报（2022-11-13）" in text and "高风险区（现行）" in text
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-png", str(path), str(tmp_path / "page")],
                   check=True)
    from PIL import Image  # fpdf2's own dependency

    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    title_band = page.crop((0, 0, page.width, page.height // 12))
    dark = sum(title_band.histogram()[:128])  # pixels darker than mid-grey
    assert dark > 200, "the title band of page 1 is blank: the Chinese title did not render"


def test_a_district_report_holds_only_that_district(demo_city):
    city, district = built(demo_city.engine), built(demo_city.engine, "140213")
    assert district.board["jurisdiction_name"] == "平城区"
    cases = district.tables["cases"][1]
    assert cases and all(row[6] == "平城区" for row in cases)
    assert len(cases) < len(city.tables["cases"][1])


def test_the_cli_writes_both_formats_and_refuses_a_bad_one(demo_city, monkeypatch, capsys, tmp_path):
    run = in_process_runner(monkeypatch, capsys, "report")
    url = demo_city.url
    try:
        for fmt in ("xlsx", "pdf"):
            if fmt == "pdf" and fonts.find_cjk_font() is None:
                continue  # without fonts-noto-cjk the PDF is refused (503); the CI machine has it
            target = tmp_path / f"daily.{fmt}"
            result = run("daily", "--date", "2022-11-13", "--format", fmt, "--output", str(target), url=url)
            assert result.returncode in (0, None), result
            assert f"wrote {target}" in result.stdout and target.stat().st_size > 1000
        bad = run("daily", "--date", "2022-11-13", "--format", "docx", "--output", str(tmp_path / "x"), url=url)
        assert "--format" in one_line_error(bad) and not (tmp_path / "x").exists()
        day = run("daily", "--date", "2022-13-01", "--output", str(tmp_path / "y"), url=url)
        assert "--date" in one_line_error(day)
    finally:
        restore(monkeypatch)


def test_the_dashboard_button_downloads_the_report_and_audits_it(demo_city):
    from fastapi.testclient import TestClient
    from sqlalchemy import func, select

    import factories
    import weblogin
    from fangkong.app import create_app
    from fangkong.core.audit import AuditEvent

    with unit_of_work(demo_city.engine) as session:
        username = factories.user(session, role="commander").username
        before = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "report.daily"))
    with TestClient(create_app(engine=demo_city.engine), raise_server_exceptions=False) as client:
        weblogin.log_in(client, username, factories.ADMIN_PASSWORD)
        page = client.get("/dashboard").text
        assert 'href="/dashboard/report.xlsx?date=2022-11-13"' in page
        answer = client.get("/dashboard/report.xlsx?date=2022-11-13")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        assert 'filename="daily-report-2022-11-13.xlsx"' in answer.headers["content-disposition"]
        assert CalamineWorkbook.from_filelike(io.BytesIO(answer.content)).sheet_names[0] == "概览"
        assert client.get("/dashboard/report.docx").status_code == 404
        assert client.get("/dashboard/report.docx", headers={"accept": "application/json"}).status_code == 404
        assert client.get("/dashboard/report.xlsx?date=2022-02-30").status_code == 422  # InvalidInput
    with unit_of_work(demo_city.engine) as session:
        after = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "report.daily"))
    assert after == before + 1
