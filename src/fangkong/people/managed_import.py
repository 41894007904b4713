"""Excel import of people under management: a row-level report, nothing silently dropped, idempotent.

The first row of the first sheet holds the column headings, in Chinese (姓名, 身份证号, 证件类型,
证件号码, 类别, 锚定日期, 发现日期, 来源, 区县代码) or English (catalog `managed.columns`, or the
field codes). An unknown, repeated or missing required heading refuses the whole file, naming the
column. Each other row is one person: a resident by 身份证号 (looked up inside the importer's
jurisdiction), or a non-resident by 姓名 + 证件类型 + 证件号码; category and source may be given as
labels in either language or as codes. Rows go through `put_many_under_management`, each in a
savepoint: a row refused (here or by the service) is reported with its Excel row number (the
heading is row 1), field, code and message; a row already registered is "exists", so importing
the same file again changes nothing. The service audits each person created; the import itself
writes one `managed.import` audit row with the counts. An import that created many people ends by
refreshing the query planner's statistics (core.db.refresh_statistics), as bulk loads do.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from python_calamine import CalamineWorkbook
from sqlalchemy.orm import Session

from fangkong.core import audit, i18n
from fangkong.core.db import refresh_statistics
from fangkong.core.errors import DomainError, InvalidInput
from fangkong.core.files import NUMBER_CELL_REASON, column_warnings, typed_as_number
from fangkong.people import service as residents
from fangkong.people.bulk import MANAGED_TABLES
from fangkong.people.managed import put_many_under_management
from fangkong.people.managed_models import CATEGORIES, DOCUMENT_KINDS, SOURCES

FIELDS = (
    "name", "id_number", "document_kind", "document_number", "category", "anchor", "identified", "source", "district",
)
REQUIRED = ("category", "anchor")
# the field of the policy engine's refusals, which name none (they are about the category for the pack)
CODE_FIELDS = {"category_not_identified": "category", "category_not_planned": "category", "unknown_category": "category",
               "unknown_option": "category"}
MAX_ROWS = 20_000
REFRESH_STATISTICS_FROM = 1_000  # people created by one import: the planner's statistics are refreshed after it
MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class RefusedRow:
    row: int  # as Excel numbers it: the heading is row 1
    field: str | None
    code: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    existing: int = 0
    refused: list[RefusedRow] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)  # core.files.column_warnings

    def to_dict(self) -> dict:
        return {
            "created": self.created,
            "existing": self.existing,
            "refused": [{"row": r.row, "field": r.field, "code": r.code, "message": r.message} for r in self.refused],
            "warnings": self.warnings,
        }


def _aliases(prefix: str, codes) -> dict[str, str]:
    """label (zh or en, case-insensitive) or code → code, from the message catalogs."""
    table = {}
    for code in codes:
        table[code.lower()] = code
        for language in i18n.LANGUAGES:
            label = i18n.catalog(language).get(f"{prefix}.{code}")
            if label:
                table[_norm(label)] = code
    return table


def _norm(text: str) -> str:
    return " ".join(str(text).split()).lower()


def import_managed(session: Session, data: bytes, *, actor, filename: str = "") -> ImportReport:
    """Import an .xlsx (bytes) of people under management for `actor`; never commits."""
    sheet = _read(data)
    headings = sheet[0] if sheet else []
    columns = _columns(headings)
    if len(sheet) - 1 > MAX_ROWS:
        raise InvalidInput("too_many_rows", f"file: at most {MAX_ROWS} rows per import", details={"field": "file"})
    categories = _aliases("managed.categories", CATEGORIES)
    sources = _aliases("managed.sources", SOURCES)
    kinds = _aliases("managed.document_kinds", (*DOCUMENT_KINDS, "id_card"))
    report = ImportReport(warnings=column_warnings([h for c, h in enumerate(headings) if c not in columns.values()], ()))
    pending: list[tuple[int, dict]] = []
    for number, cells in enumerate(sheet[1:], start=2):
        values = {name: _cell(cells, col) for name, col in columns.items()}
        if all(v in (None, "") for v in values.values()):
            continue  # a blank line is not a person
        try:
            pending.append((number, _row(session, values, actor, categories, sources, kinds)))
        except DomainError as exc:
            report.refused.append(_refusal(number, exc))
    outcomes = put_many_under_management(session, [kwargs for _, kwargs in pending], actor=actor)
    for (number, _), outcome in zip(pending, outcomes):
        if outcome.status == "created":
            report.created += 1
        elif outcome.status == "exists":
            report.existing += 1
        else:
            code = outcome.code or "refused"
            field_name = outcome.field or CODE_FIELDS.get(code)
            report.refused.append(RefusedRow(number, field_name, code, outcome.message or ""))
    report.refused.sort(key=lambda r: r.row)
    if report.created >= REFRESH_STATISTICS_FROM:
        refresh_statistics(session.connection(), MANAGED_TABLES)
    audit.record(
        session, actor=actor, action="managed.import", object_type="managed_person",
        after={"file": filename[:200], "created": report.created, "existing": report.existing,
               "refused": len(report.refused), "refused_rows": [r.row for r in report.refused][:1000]},
    )
    return report


def _read(data: bytes) -> list[list]:
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput("file_too_large", "file: at most 5 MB", details={"field": "file"})
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types for every malformed file
        raise InvalidInput(
            "invalid_file", "file: not a readable .xlsx workbook", details={"field": "file", "reason": type(exc).__name__}
        ) from None


def _columns(headings: list) -> dict[str, int]:
    """field → column index, from the heading row; refuses repeated and missing headings (others are ignored)."""
    known = {}
    for name in FIELDS:
        known[name] = name
        for language in i18n.LANGUAGES:
            known[_norm(i18n.catalog(language)[f"managed.columns.{name}"])] = name
    columns: dict[str, int] = {}
    for col, heading in enumerate(headings):
        text = _norm(heading) if heading not in (None, "") else ""
        if not text:
            continue
        name = known.get(text)
        if name is None:
            continue
        if name in columns:
            raise InvalidInput(
                "repeated_column", f"column {_letter(col)} “{heading}”: appears twice",
                details={"field": "file", "column": str(heading)},
            )
        columns[name] = col
    zh = i18n.catalog("zh")
    for name in REQUIRED:
        if name not in columns:
            heading = zh[f"managed.columns.{name}"]
            raise InvalidInput(
                "missing_column", f"column “{heading}” ({name}) is missing", details={"field": "file", "column": heading}
            )
    if "id_number" not in columns and "document_number" not in columns:
        heading = zh["managed.columns.id_number"]
        raise InvalidInput(
            "missing_column", f"column “{heading}” (id_number) is missing", details={"field": "file", "column": heading}
        )
    return columns


def _row(session: Session, values: dict, actor, categories, sources, kinds) -> dict:
    """put_under_management's keyword arguments for one row, or a DomainError naming the field."""
    category = _text(values.get("category"))
    if not category:
        raise InvalidInput("category_required", "category: missing", details={"field": "category"})
    code = categories.get(_norm(category))
    if code is None:
        raise InvalidInput("invalid_category", f"category: unknown “{category}”", details={"field": "category"})
    row: dict = {"category": code, "anchor": _date(values.get("anchor"), "anchor", required=True)}
    identified = _date(values.get("identified"), "identified", required=False)
    if identified is not None:
        row["identified"] = identified
    source = _text(values.get("source"))
    if source:
        row["source"] = sources.get(_norm(source))
        if row["source"] is None:
            raise InvalidInput("invalid_source", f"source: unknown “{source}”", details={"field": "source"})
    id_number = _text(values.get("id_number"))
    if id_number and typed_as_number(values.get("id_number")):
        raise InvalidInput("invalid_id_number", f"id_number: {NUMBER_CELL_REASON}",
                           details={"field": "id_number", "reason": NUMBER_CELL_REASON})
    if id_number:
        resident = residents.find_by_id_number(session, id_number, scope=actor.jurisdiction)
        if resident is None:
            raise InvalidInput(
                "resident_not_found", "id_number: no resident with this ID number in your jurisdiction",
                details={"field": "id_number"},
            )
        row["resident_id"] = resident.id
        return row
    number = _text(values.get("document_number"))
    if not number:
        raise InvalidInput(
            "identity_required", "id_number: give a resident ID number, or a document kind and number",
            details={"field": "id_number"},
        )
    kind_text = _text(values.get("document_kind"))
    kind = kinds.get(_norm(kind_text)) if kind_text else None
    if kind is None or kind == "id_card":
        raise InvalidInput(
            "invalid_document_kind", f"document_kind: must be one of {', '.join(DOCUMENT_KINDS)}",
            details={"field": "document_kind"},
        )
    row.update(name=_text(values.get("name")), document_kind=kind, document_number=number)
    district = _text(values.get("district"))
    if district:
        row["district"] = district
    return row


def _refusal(number: int, exc: DomainError) -> RefusedRow:
    details = exc.details if isinstance(exc.details, dict) else {}
    return RefusedRow(number, details.get("field"), exc.code, exc.message)


def _cell(cells: list, col: int):
    return cells[col] if col < len(cells) else None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a cell: 140213.0 → "140213"
    return str(value).strip()


def _date(value, name: str, *, required: bool) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        if required:
            raise InvalidInput(f"{name}_required", f"{name}: missing", details={"field": name})
        return None
    for separator in ("-", "/", "."):
        parts = text.split(separator)
        if len(parts) == 3 and all(p.strip().isdigit() for p in parts):
            try:
                return date(*(int(p) for p in parts))
            except ValueError:
                break
    raise InvalidInput(f"invalid_{name}", f"{name}: not a date (YYYY-MM-DD): “{text}”", details={"field": name})


def _letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
