"""The hotline figures as an Excel workbook: one sheet for the totals and one per breakdown."""

from __future__ import annotations

from typing import IO

import xlsxwriter

from fangkong.core import i18n

COLUMNS = ("received", "responded", "replied", "on_time", "late", "resolved", "visited", "satisfied",
           "response_rate", "reply_rate", "on_time_rate", "resolution_rate", "satisfaction_rate")
SHEETS = ("by_department", "by_topic", "by_day")


def write_figures_xlsx(out: IO[bytes], found: dict, language: str) -> None:
    t = i18n.translator(language)
    with xlsxwriter.Workbook(out) as workbook:
        bold = workbook.add_format({"bold": True})
        for sheet_name in ("total", *SHEETS):
            sheet = workbook.add_worksheet(t(f"hotline.sheets.{sheet_name}"))
            headers = ([] if sheet_name == "total" else [t(f"hotline.keys.{sheet_name}")]) + [
                t(f"hotline.figures.{c}") for c in COLUMNS]
            sheet.write_row(0, 0, headers, bold)
            rows = [found["total"]] if sheet_name == "total" else found[sheet_name]
            for i, row in enumerate(rows, start=1):
                values = ([] if sheet_name == "total" else [row["key"]]) + [
                    "" if row[c] is None else row[c] for c in COLUMNS]
                sheet.write_row(i, 0, values)
        workbook.add_worksheet(t("hotline.sheets.period")).write_row(0, 0, [found["start"], found["end"]])
