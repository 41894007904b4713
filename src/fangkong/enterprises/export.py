"""The resumption board as an Excel workbook (Chinese headers): the same numbers as the board, sheet by sheet."""

from __future__ import annotations

from typing import IO

import xlsxwriter

COUNTS = (("total", "企业数"), ("resumed", "复工（含部分）"), ("partial", "部分复工"), ("stopped", "停工"),
          ("rate", "复工率%"), ("above_scale_total", "规上企业数"), ("above_scale_resumed", "规上复工"),
          ("above_scale_rate", "规上复工率%"))
TREND = (("day", "日期"), ("total", "企业数"), ("resumed", "复工"), ("rate", "复工率%"),
         ("above_scale_total", "规上企业数"), ("above_scale_resumed", "规上复工"), ("above_scale_rate", "规上复工率%"))
PROBLEMS = (("kind", "问题类型"), ("total", "待解决"), ("age_0_1", "0–1天"), ("age_2_3", "2–3天"), ("age_4_7", "4–7天"),
            ("age_8_plus", "8天以上"))
SITES = (("project", "工地"), ("workers", "人员"), ("sampled", "已采样"), ("not_sampled", "未采样"), ("rate", "采样率%"))


def _sheet(workbook, bold, name: str, columns, rows) -> None:
    sheet = workbook.add_worksheet(name)
    sheet.write_row(0, 0, [label for _, label in columns], bold)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, ["" if row.get(key) is None else row[key] for key, _ in columns])


def write_board_xlsx(out: IO[bytes], found: dict) -> None:
    resumption = found["resumption"]
    area = (("name", "区域"),) + COUNTS
    with xlsxwriter.Workbook(out) as workbook:
        bold = workbook.add_format({"bold": True})
        _sheet(workbook, bold, "合计", (("on", "日期"),) + COUNTS, [{"on": resumption["on"], **resumption["total"]}])
        _sheet(workbook, bold, "按区县", area, resumption["by_district"])
        _sheet(workbook, bold, "按园区", area, resumption["by_park"])
        _sheet(workbook, bold, "趋势", TREND, resumption["trend"])
        _sheet(workbook, bold, "待解决问题", PROBLEMS, found["problems"]["by_kind"])
        _sheet(workbook, bold, "工地采样", SITES, found["sites"]["worst"])
