"""The printable venue poster: a PDF whose embedded CJK font subset carries the venue's name (read back
through the font's ToUnicode map, the way a PDF reader extracts text), and a PNG of A4 at 150 dpi."""

from __future__ import annotations

import re
import struct
import zlib

import factories
import tracing_factories as tf


def _streams(pdf: bytes) -> list[bytes]:
    out = []
    for match in re.finditer(rb"(?<!end)stream\r?\n", pdf):
        start = match.end()
        end = pdf.index(b"endstream", start)
        raw = pdf[start:end].rstrip(b"\r\n")
        try:
            out.append(zlib.decompress(raw))
        except zlib.error:
            out.append(raw)
    return out


def _mapped_text(pdf: bytes) -> set[str]:
    """Every character the document's ToUnicode maps name (the glyphs of the embedded subset)."""
    chars = set()
    for stream in _streams(pdf):
        if b"begincmap" not in stream:
            continue
        for _gid, code in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]{4,8})>", stream):
            chars.add(bytes.fromhex(code.decode()).decode("utf-16-be"))
    return chars


def test_poster_pdf_embeds_the_venue_name_in_a_cjk_font(login_as, session):
    market = tf.venue(session, factories.place_chain(session), name="御河东岸集贸市场")
    staff = login_as("public_areas", "140213")
    response = staff.get(f"/tracing/venues/{market.id}/poster.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+NotoSans(Serif)?CJK", pdf), "the CJK font is not embedded as a subset"
    assert b"/FontFile" in pdf
    mapped = _mapped_text(pdf)
    assert set("御河东岸集贸市场") <= mapped, sorted(mapped)
    assert set("场所码") <= mapped and set(market.code) <= mapped
    other = tf.venue(session, factories.place_chain(session), name="华林超市")
    assert "华" in _mapped_text(staff.get(f"/tracing/venues/{other.id}/poster.pdf").content)
    assert "华" not in mapped  # the map follows the name: a poster of another venue differs


def test_poster_png_is_an_a4_page(login_as, session):
    market = tf.venue(session, factories.place_chain(session))
    staff = login_as("public_areas", "140213")
    response = staff.get(f"/tracing/venues/{market.id}/poster.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", response.content[16:24]) == (1240, 1754)
    page = staff.get(f"/tracing/venues/{market.id}/poster")
    assert f"/tracing/venues/{market.id}/poster.pdf" in page.text


def test_poster_of_an_unknown_venue_is_404_and_needs_a_login(login_as, client, session):
    assert client.get("/tracing/venues/1/poster.pdf", follow_redirects=False).status_code in (303, 401)
    staff = login_as("public_areas", "140213")
    assert staff.get("/tracing/venues/999999/poster.pdf").status_code == 404
