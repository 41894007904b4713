"""The daily report as a PDF: A4, Chinese text in an embedded Noto Sans CJK subset, charts drawn as vectors.

The charts are the dashboard's 14-day series drawn server-side (bars with the day's value on top),
so the file needs no browser and no network to make or to read.
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace

from fangkong.core import fonts
from fangkong.dashboard.report import ZH, DailyReport, figure_label, rate_text, section_title, title

PAGE_W, MARGIN = 210.0, 14.0
ACTION_LISTS = (("over_enforcement", "层层加码与一刀切清单"), ("hotline", "超时未答复工单"),
                ("inspection", "待整改督查事项"))
ACTION_ROWS = 25  # per list in the PDF; the Excel holds them all
BAR_RGB = (84, 112, 198)  # ECharts' first palette colour
HEADINGS = FontFace(emphasis="", fill_color=(235, 240, 250))  # the CJK font has no bold face


def write_pdf(report: DailyReport) -> bytes:
    path, index = fonts.cjk_font("report_font_missing")
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(title(report))
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.add_page()
    pdf.set_font("cjk", size=17)
    pdf.multi_cell(0, 9, title(report), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    pdf.cell(0, 6, f"{ZH('dashboard.jurisdiction')}：{report.board['jurisdiction_name']}", align="C",
             new_x="LMARGIN", new_y="NEXT")
    pack = report.board["pack"]
    pdf.cell(0, 6, ZH("dashboard.pack_in_force", pack=pack["zh"], since=pack["since"]), align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for section in report.board["sections"]:
        _section(pdf, section, report.board["days"])
    for key, heading in ACTION_LISTS:
        if key in report.tables:
            _action_list(pdf, heading, report.tables[key])
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    if pdf.get_y() > 250:
        pdf.add_page()
    pdf.set_font("cjk", size=12)
    pdf.set_fill_color(235, 240, 250)
    pdf.cell(0, 7, text, fill=True, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)


def _section(pdf: FPDF, section: dict, days) -> None:
    _heading(pdf, section_title(section["key"]))
    rows = [(figure_label(section["key"], f["key"]), str(f["value"])) for f in section["figures"]]
    rows += [(ZH(f"dashboard.rates.{k}"), rate_text(v)) for k, v in section["rates"].items()]
    with pdf.table(col_widths=(70, 25), width=95, align="LEFT", line_height=5.5, first_row_as_headings=False) as table:
        for label, value in rows:
            table.row((label, value))
    for key, series in list(section["trends"].items())[:1]:
        _bars(pdf, ZH(f"dashboard.trends.{key}"), series, days if key != "places_needed" else None)
    pdf.ln(2)


def _bars(pdf: FPDF, label: str, series: list[int], days) -> None:
    """A bar chart of one series, 14 bars with their values, the first and last day under the axis."""
    width, height = PAGE_W - 2 * MARGIN, 28.0
    if pdf.get_y() + height + 14 > 297 - MARGIN:
        pdf.add_page()
    top = pdf.get_y() + 5
    pdf.set_font("cjk", size=8)
    pdf.text(MARGIN, top - 1, label)
    peak = max(series) or 1
    slot = width / len(series)
    pdf.set_fill_color(*BAR_RGB)
    for i, value in enumerate(series):
        bar = height * value / peak
        x = MARGIN + i * slot + slot * 0.15
        if bar:
            pdf.rect(x, top + height - bar, slot * 0.7, bar, style="F")
        pdf.text(x, top + height - bar - 0.8, str(value))
    pdf.set_draw_color(120, 120, 120)
    pdf.line(MARGIN, top + height, MARGIN + width, top + height)
    if days:
        pdf.text(MARGIN, top + height + 4, days[0].isoformat())
        pdf.text(MARGIN + width - 16, top + height + 4, days[-1].isoformat())
    pdf.set_y(top + height + 6)
    pdf.set_font("cjk", size=9)


def _action_list(pdf: FPDF, heading: str, table) -> None:
    headers, rows = table
    _heading(pdf, f"{heading}（{len(rows)}）")
    if not rows:
        pdf.cell(0, 6, "无", new_x="LMARGIN", new_y="NEXT")
        return
    pdf.set_font("cjk", size=7)
    shown = [headers[:6]] + [[_text(v) for v in row[:6]] for row in rows[:ACTION_ROWS]]
    with pdf.table(line_height=4.5, text_align="LEFT", headings_style=HEADINGS) as out:
        for row in shown:
            out.row(row)
    if len(rows) > ACTION_ROWS:
        pdf.cell(0, 5, f"…其余 {len(rows) - ACTION_ROWS} 行见 Excel 日报", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime") and hasattr(value, "hour"):
        return value.strftime("%Y-%m-%d %H:%M")
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"
