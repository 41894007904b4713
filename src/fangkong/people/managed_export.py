"""The export of people under management: the filtered list as an .xlsx, masked unless allowed, audited once.

The same rules and writer as the residents export (people/export.py: who may, the reason for full
numbers, constant-memory XlsxWriter, strings never formulas, further sheets past a worksheet's
limit, spooled download); only the query and the columns are this list's.
"""

from __future__ import annotations

from typing import IO

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import StreamingResponse

from fangkong.core import audit, clock, i18n
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.core.pii import get_cipher, mask_id_number
from fangkong.people import export
from fangkong.people import plans as stored
from fangkong.people.managed_models import ManagedPerson as MP
from fangkong.people.managed_queries import filter_conditions, kind_of_plan_on, mask_document
from fangkong.people.models import Resident
from fangkong.places.models import Community, District

# (catalog key under managed.columns, column width)
COLUMNS = (
    ("name", 10), ("document_kind", 10), ("document", 22), ("category", 16), ("status", 10), ("phase_kind", 16),
    ("anchor", 12), ("release_on", 12), ("pack", 10), ("district_name", 12), ("community", 18),
)
FILTERS = ("category", "status", "phase_kind", "district_code", "release_from", "release_to")


def export_managed(
    session: Session,
    *,
    actor,
    out: str | IO[bytes],
    unmasked: bool = False,
    reason: str | None = None,
    language: str = i18n.DEFAULT_LANGUAGE,
    **filters,
) -> int:
    """Write the people under management the actor may see, filtered like the list, to `out`.

    Filters are those of managed_queries.list_managed (status and phase as of today). Documents
    are masked unless `unmasked` (needs `residents.export_unmasked` and a reason). One
    `managed.export` audit row; never commits. Returns the number of rows written.
    """
    reason = (reason or "").strip() or None
    export.authorize(actor, unmasked=unmasked, reason=reason)
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise TypeError(f"unknown filters: {', '.join(sorted(unknown))}")
    filters = {k: v for k, v in filters.items() if v}
    scope: Jurisdiction = actor.jurisdiction
    day = clock.today()
    conditions = filter_conditions(session, scope=scope, day=day, **filters)
    query = (
        select(MP, Resident.id_number_enc, District.name, Community.name, kind_of_plan_on(day))
        .outerjoin(Resident, MP.resident_id == Resident.id)
        .outerjoin(District, MP.district_id == District.id)
        .outerjoin(Community, MP.community_id == Community.id)
        .where(*conditions)
        .order_by(MP.id)
    )
    t = i18n.translator(language)
    cipher = get_cipher()
    sheet_args = {"sheet_key": "managed.export.sheet", "columns": COLUMNS, "column_keys": "managed.columns"}
    rows = 0
    with xlsxwriter.Workbook(out, {"constant_memory": True}) as workbook:
        bold = workbook.add_format({"bold": True})
        as_date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        sheet = export.new_sheet(workbook, t, bold, number=1, **sheet_args)
        row = 0
        for person, resident_enc, district_name, community_name, kind in session.execute(
            query.execution_options(yield_per=export.BATCH_ROWS)
        ):
            if row == export.SHEET_ROWS:
                sheet, row = export.new_sheet(workbook, t, bold, number=rows // export.SHEET_ROWS + 1, **sheet_args), 0
            rows += 1
            row += 1
            if resident_enc is not None:
                kind_label, number = t("managed.document_kinds.id_card"), cipher.decrypt(resident_enc)
                shown = number if unmasked else mask_id_number(number)
            elif person.document_enc is not None:
                kind_label = t(f"managed.document_kinds.{person.document_kind}", default=person.document_kind or "")
                number = cipher.decrypt(person.document_enc)
                shown = number if unmasked else mask_document(number)
            else:
                kind_label, shown = "", ""
            status = stored.status_on(person, day)
            cells = (
                person.name, kind_label, shown, t(f"managed.categories.{person.category}", default=person.category),
                t(f"managed.statuses.{status}", default=status),
                t(f"managed.phase_kinds.{kind}", default=kind) if kind and status == "in_phase" else "",
            )
            for col, value in enumerate(cells):
                sheet.write_string(row, col, value)
            sheet.write_datetime(row, 6, person.anchor, as_date)
            sheet.write_datetime(row, 7, person.release_on, as_date)
            sheet.write_string(row, 8, person.pack)
            sheet.write_string(row, 9, district_name or "")
            sheet.write_string(row, 10, community_name or "")
    audit.record(
        session, actor=actor, action="managed.export", object_type="managed_person", reason=reason,
        after={"rows": rows, "unmasked": bool(unmasked), **{k: str(v) for k, v in filters.items()}},
    )
    return rows


def download(session: Session, *, actor, unmasked: bool = False, reason: str | None = None,
             language: str = i18n.DEFAULT_LANGUAGE, **filters) -> StreamingResponse:
    """The export as an attachment (complete and audited before the response starts)."""
    filename = f"managed-{actor.jurisdiction.code}-{clock.today():%Y%m%d}{'-full' if unmasked else ''}.xlsx"
    return export.xlsx_download(
        lambda out: export_managed(
            session, actor=actor, out=out, unmasked=unmasked, reason=reason, language=language, **filters
        ),
        filename,
    )
