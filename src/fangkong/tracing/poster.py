"""Venue-code posters to print: an A4 PDF (vector QR, the venue's name in an embedded CJK font) and a PNG.

The QR comes from segno; the PDF is written by fpdf2, which embeds only the glyphs used (a subset of
Noto Sans CJK SC from Debian's fonts-noto-cjk, a few kilobytes), so the name prints the same on any
machine; the PNG is drawn with Pillow (fpdf2's own dependency) from the same font. Nothing is
fetched from outside. A machine without the font answers 503 `poster_font_missing`. The font's
parsing and subsetting take about a second, so the last posters made are kept in memory.
"""

from __future__ import annotations

import io
from functools import lru_cache

import segno

from fangkong.core import fonts

A4_MM = (210.0, 297.0)
QR_MM = 130.0


def cjk_font() -> tuple[str, int]:
    return fonts.cjk_font("poster_font_missing")


@lru_cache(maxsize=256)  # a poster costs ~1 s of font parsing and subsetting; venues are printed again and again
def poster_pdf(*, name: str, code: str, url: str, title: str, note: str) -> bytes:
    """One A4 page: title, the venue's name, the QR of `url`, the code and the note."""
    from fpdf import FPDF

    path, index = cjk_font()
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(f"{title} · {name}")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    width = A4_MM[0]
    pdf.set_font("cjk", size=40)
    pdf.set_xy(0, 22)
    pdf.cell(width, 18, title, align="C")
    pdf.set_font("cjk", size=_name_size(name))
    pdf.set_xy(10, 46)
    pdf.multi_cell(width - 20, 14, name, align="C")
    qr = segno.make(url, error="m")
    modules = qr.matrix
    cell = QR_MM / len(modules)
    left, top = (width - QR_MM) / 2, 92.0
    pdf.set_fill_color(0, 0, 0)
    for y, row in enumerate(modules):
        x = 0
        while x < len(row):  # one rectangle per run of dark modules: a small, crisp vector QR
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                pdf.rect(left + start * cell, top + y * cell, (x - start) * cell, cell, style="F")
            else:
                x += 1
    pdf.set_font("cjk", size=16)
    pdf.set_xy(0, top + QR_MM + 8)
    pdf.cell(width, 10, code, align="C")
    pdf.set_font("cjk", size=22)
    pdf.set_xy(0, top + QR_MM + 24)
    pdf.cell(width, 12, note, align="C")
    return bytes(pdf.output())


def _name_size(name: str) -> int:
    return 34 if len(name) <= 10 else 26 if len(name) <= 16 else 20


@lru_cache(maxsize=256)
def poster_png(*, name: str, code: str, url: str, title: str, note: str) -> bytes:
    """The same poster as a 1240 × 1754 PNG (A4 at 150 dpi)."""
    from PIL import Image, ImageDraw, ImageFont

    path, index = cjk_font()
    width, height = 1240, 1754
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)

    def centered(text: str, y: int, size: int) -> None:
        font = ImageFont.truetype(path, size=size, index=index)
        draw.text((width // 2, y), text, font=font, fill=0, anchor="mt")

    centered(title, 120, 110)
    centered(name, 290, 96 if len(name) <= 10 else 64)
    qr = io.BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=20, border=0)
    code_image = Image.open(io.BytesIO(qr.getvalue())).convert("L")
    side = 760
    code_image = code_image.resize((side, side), Image.NEAREST)
    image.paste(code_image, ((width - side) // 2, 470))
    centered(code, 470 + side + 50, 48)
    centered(note, 470 + side + 140, 60)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
