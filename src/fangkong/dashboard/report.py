"""The daily report (日报): the dashboard of a day, city-wide or for one district, as Excel or PDF.

Fixed layout, in Chinese: title and date, the headline figures, one table per section, the
14-day charts, and the lists that need action (over-enforcement, overdue tickets and items).
The Excel has a summary sheet and one sheet per section with the rows behind its figures.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import IO

import xlsxwriter
from sqlalchemy.orm import Session

from fangkong.core import i18n
from fangkong.dashboard import report_rows
from fangkong.dashboard.service import compute

FORMATS = ("xlsx", "pdf")
ZH = i18n.translator("zh")


@dataclass(frozen=True)
class DailyReport:
    on: date
    board: dict  # dashboard.service.dashboard(...) of the day, every section
    tables: dict[str, report_rows.Table]  # section key → headers and rows behind its figures


def build(session: Session, *, on: date, actor) -> DailyReport:
    board = compute(session, actor=actor, day=on, view_all=True)  # a report is always computed afresh
    tables = {}
    for section in board["sections"]:
        rows = report_rows.ROWS.get(section["key"])
        if rows is not None:
            tables[section["key"]] = rows(session, actor, on)
    return DailyReport(on=on, board=board, tables=tables)


def section_title(key: str) -> str:
    return ZH(f"dashboard.sections.{key}")


def figure_label(section: str, key: str) -> str:
    return ZH(f"dashboard.{section}.{key}", default=key)


def rate_text(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def title(report: DailyReport) -> str:
    return f"{ZH('dashboard.report_title')}（{report.on.isoformat()}）"


def write_xlsx(report: DailyReport, out: IO[bytes]) -> None:
    """A summary sheet, then one sheet per section: its figures, then the rows behind them."""
    with xlsxwriter.Workbook(out, {"constant_memory": True, "default_date_format": "yyyy-mm-dd",
                                   "remove_timezone": True}) as book:
        bold = book.add_format({"bold": True})
        summary = book.add_worksheet("概览")
        summary.write_row(0, 0, [title(report)], bold)
        summary.write_row(2, 0, ["板块", "指标", "数值"], bold)
        row = 3
        for section in report.board["sections"]:
            for figure in section["figures"]:
                summary.write_row(row, 0, [section_title(section["key"]), figure_label(section["key"], figure["key"]),
                                           figure["value"]])
                row += 1
            for key, value in section["rates"].items():
                summary.write_row(row, 0, [section_title(section["key"]), ZH(f"dashboard.rates.{key}"),
                                           rate_text(value)])
                row += 1
        for section in report.board["sections"]:
            _section_sheet(book, bold, section, report.tables.get(section["key"]))


def _section_sheet(book, bold, section: dict, table) -> None:
    sheet = book.add_worksheet(section_title(section["key"])[:31])
    sheet.write_row(0, 0, ["指标", "数值"], bold)
    row = 1
    for figure in section["figures"]:
        sheet.write_row(row, 0, [figure_label(section["key"], figure["key"]), figure["value"]])
        row += 1
    if table is None:
        return
    headers, rows = table
    row += 1
    sheet.write_row(row, 0, headers, bold)
    for values in rows:
        row += 1
        sheet.write_row(row, 0, [_excel(v) for v in values])


def _excel(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)
    return value


def to_bytes(daily: DailyReport, fmt: str) -> bytes:
    """The report as a file of `fmt` (xlsx or pdf)."""
    if fmt == "pdf":
        from fangkong.dashboard.report_pdf import write_pdf  # it imports this module

        return write_pdf(daily)
    out = io.BytesIO()
    write_xlsx(daily, out)
    return out.getvalue()
