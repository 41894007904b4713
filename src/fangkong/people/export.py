"""The residents export: an .xlsx of the list the caller may see, masked unless the caller has the
right and says why; every export writes one audit row.

Rows stream from the database in batches (``yield_per``: a server-side cursor on PostgreSQL) into
XlsxWriter in constant-memory mode, so neither side ever holds the whole list. Every cell is
written as a string (or a date), never through ``write()``: ID numbers keep their digits and a
name such as ``=HYPERLINK(…)`` stays text, not a formula. A list longer than a worksheet holds
(a city-wide export) continues on further sheets: 居民, 居民 (2), …
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from typing import IO

import xlsxwriter
from sqlalchemy.orm import Session
from starlette.responses import StreamingResponse

from fangkong.core import audit, clock, i18n
from fangkong.core.errors import InvalidInput
from fangkong.core.permissions import RESIDENTS_EXPORT, RESIDENTS_EXPORT_UNMASKED, Forbidden
from fangkong.core.pii import get_cipher, mask_id_number, mask_phone
from fangkong.people import service

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BATCH_ROWS = 1000  # rows fetched per round trip
SPOOL_BYTES = 8 * 1024 * 1024  # a download stays in memory up to this size, then moves to a temporary file
CHUNK_BYTES = 64 * 1024
MAX_REASON = 500  # audit_event.reason
SHEET_ROWS = 1_048_575  # data rows per worksheet (Excel's limit is 1,048,576 with the heading row)
# (catalog key under people.export.columns, column width)
COLUMNS = (
    ("name", 10), ("id_number", 22), ("phone", 14), ("sex", 6), ("birth_date", 12), ("district", 12),
    ("community", 18),
)


def authorize(actor, *, unmasked: bool, reason: str | None) -> None:
    """Who may export, and when full numbers need a reason (shared by every personal-data export)."""
    if not actor.may(RESIDENTS_EXPORT):
        raise Forbidden(RESIDENTS_EXPORT)
    if unmasked and not actor.may(RESIDENTS_EXPORT_UNMASKED):
        raise Forbidden(RESIDENTS_EXPORT_UNMASKED)
    if unmasked and not reason:
        raise InvalidInput(
            "reason_required", "reason: say why the full numbers are needed", details={"field": "reason"}
        )
    if reason and len(reason) > MAX_REASON:
        raise InvalidInput(
            "reason_too_long", f"reason: at most {MAX_REASON} characters", details={"field": "reason"}
        )


def export_residents(
    session: Session,
    *,
    actor,
    district_code: str | None = None,
    unmasked: bool = False,
    reason: str | None = None,
    out: str | IO[bytes],
    language: str = i18n.DEFAULT_LANGUAGE,
) -> int:
    """Write the residents inside the actor's jurisdiction (one district of it, if given) to `out`
    (a path or a seekable binary file) and return how many rows were written.

    ID numbers and phones are masked unless `unmasked`, which needs `residents.export_unmasked`
    (else 403) and a reason (else 422). Column headings follow `language` (Chinese by default).
    Records exactly one `resident.export` audit row; never commits.
    """
    reason = (reason or "").strip() or None
    authorize(actor, unmasked=unmasked, reason=reason)
    district_code = district_code or None
    query, _ = service.residents_query(session, scope=actor.jurisdiction, district_code=district_code)
    t = i18n.translator(language)
    cipher = get_cipher()
    rows = 0
    with xlsxwriter.Workbook(out, {"constant_memory": True}) as workbook:
        bold = workbook.add_format({"bold": True})
        as_date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        sheet = new_sheet(workbook, t, bold, number=1)
        row = 0
        for resident, district_name, community_name in session.execute(
            query.execution_options(yield_per=BATCH_ROWS)
        ):
            if row == SHEET_ROWS:
                sheet, row = new_sheet(workbook, t, bold, number=rows // SHEET_ROWS + 1), 0
            rows += 1
            row += 1
            id_number = cipher.decrypt(resident.id_number_enc)
            phone = cipher.decrypt(resident.phone_enc) if resident.phone_enc else ""
            if not unmasked:
                id_number = mask_id_number(id_number)
                phone = mask_phone(phone) if phone else ""
            sheet.write_string(row, 0, resident.name)
            sheet.write_string(row, 1, id_number)
            sheet.write_string(row, 2, phone)
            sheet.write_string(row, 3, t(f"people.sexes.{resident.sex}", default=resident.sex))
            sheet.write_datetime(row, 4, resident.birth_date, as_date)
            sheet.write_string(row, 5, district_name or "")
            sheet.write_string(row, 6, community_name or "")
    audit.record(
        session,
        actor=actor,
        action="resident.export",
        object_type="resident",
        reason=reason,
        after={"rows": rows, "unmasked": bool(unmasked), "district": district_code},
    )
    return rows


def new_sheet(workbook, t, bold, *, number: int, sheet_key: str = "people.export.sheet",
              columns: tuple = COLUMNS, column_keys: str = "people.export.columns"):
    """A worksheet with the heading row frozen; constant-memory mode writes it strictly row by row.

    `columns` are (catalog key under `column_keys`, width); the sheet is named by `sheet_key`.
    """
    name = t(sheet_key) + (f" ({number})" if number > 1 else "")
    sheet = workbook.add_worksheet(name)
    for col, (key, width) in enumerate(columns):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, t(f"{column_keys}.{key}"), bold)
    sheet.freeze_panes(1, 0)
    return sheet


def download(
    session: Session,
    *,
    actor,
    district_code: str | None = None,
    unmasked: bool = False,
    reason: str | None = None,
    language: str = i18n.DEFAULT_LANGUAGE,
) -> StreamingResponse:
    """The export as an attachment. The file is complete (and audited) before the response starts,
    so the request's unit of work commits as usual; it is spooled to disk when large."""
    # the district code was checked against the database by the export; the jurisdiction is parsed
    scope = district_code or actor.jurisdiction.code
    filename = f"residents-{scope}-{clock.today():%Y%m%d}{'-full' if unmasked else ''}.xlsx"
    return xlsx_download(
        lambda out: export_residents(
            session, actor=actor, district_code=district_code, unmasked=unmasked, reason=reason,
            out=out, language=language,
        ),
        filename,
    )


def xlsx_download(write: Callable[[IO[bytes]], object], filename: str) -> StreamingResponse:
    """Run `write(buffer)` to completion (it audits), then stream the buffer as an attachment.

    The file is complete before the response starts, so the request's unit of work commits as
    usual; it is spooled to disk when large. `filename` must be plain ASCII.
    """
    buffer = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    try:
        write(buffer)
        size = buffer.seek(0, 2)
        buffer.seek(0)
    except BaseException:
        buffer.close()
        raise
    return StreamingResponse(
        _chunks(buffer),
        media_type=XLSX_MEDIA_TYPE,
        headers={"content-disposition": f'attachment; filename="{filename}"', "content-length": str(size)},
    )


def _chunks(buffer: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := buffer.read(CHUNK_BYTES):
            yield chunk
    finally:
        buffer.close()
