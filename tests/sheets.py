"""Excel files as people save them, built with XlsxWriter: text cells, date cells, and number cells
(a float is written as a number, the way a spreadsheet types a column of digits)."""

from __future__ import annotations

import io
from datetime import date

import xlsxwriter


def xlsx(headings: list, rows: list[list], sheet_name: str = "名单") -> bytes:
    out = io.BytesIO()
    with xlsxwriter.Workbook(out) as workbook:
        sheet = workbook.add_worksheet(sheet_name)
        as_date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, headings)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, value, as_date)
                elif isinstance(value, float):
                    sheet.write_number(r, c, value)
                elif value is not None:
                    sheet.write_string(r, c, str(value))
    return out.getvalue()
