"""Reading imported table files: CSV (UTF-8) or .xlsx, a header line first, checked before any row.

A file is read in blocks of lines that end where a record ends, so that each block is parsed on its
own (in a worker process: lab.workers) and every record keeps the number of its line in the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import islice

from python_calamine import CalamineWorkbook

from fangkong.core.errors import InvalidInput

BLOCK_LINES = 20_000
MAX_RECORD_LINES = 1_000
MAX_FIELD_CHARS = 131_072  # csv's own limit, named so that its refusal can say it
NUMBER_CELL_REASON = ("the cell is a number, not text, so the sheet kept only its first 15 digits: "
                      "format the column as text and enter the numbers again")
Block = tuple[int, "str | list[list[str]]"]  # (first line, CSV text or workbook rows)


def blocks(name: str, data: io.BufferedIOBase, columns: tuple, required: tuple,
           size: int = BLOCK_LINES) -> tuple[list[str], Iterator[Block]]:
    """The file's header (checked) and its lines in blocks of about `size`: (first line, CSV text) or, from a
    workbook, (first line, rows). A block of CSV text ends where a record ends, so each is parsed on its own."""
    if name.lower().endswith((".xlsx", ".xls")):
        try:
            rows = iter(CalamineWorkbook.from_filelike(data).get_sheet_by_index(0).to_python())
        except Exception as exc:  # noqa: BLE001 - calamine raises its own error types for every malformed file
            raise InvalidInput("invalid_file", f"{name}: not a readable workbook ({type(exc).__name__})") from None
        header = [str(c).strip() for c in next(rows, [])]
        check_header(name, header, columns, required)
        return header, _read(([_cell(c) for c in row] for row in rows), size)
    text = io.TextIOWrapper(data, encoding="utf-8-sig", newline="")
    header_line = _decoded(name, data, text.readline)
    header = [h.strip() for h in _parsed(header_line, 1)[1][0]] if header_line.strip() else []
    check_header(name, header, columns, required)
    return header, _csv_blocks(name, data, text, size)


class NumberCell(str):
    """A workbook cell typed as a number, as text: in an ID column it has lost its last digits."""


def typed_as_number(value) -> bool:
    """Whether a cell that must hold text (an ID or document number) was typed as a number by the sheet."""
    return isinstance(value, (int, float, NumberCell)) and not isinstance(value, bool)


def column_warnings(header: list, columns) -> list[dict]:
    """The warning for the file's columns that the import does not read (a user's own 备注): ignored."""
    unknown = [str(c) for c in header if c not in (None, "") and c not in columns]
    if not unknown:
        return []
    return [{"code": "ignored_columns", "columns": unknown,
             "message": f"ignored column{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}: "
                        "not read by this import"}]


def rows_of(block: Block) -> tuple[list[int], list[list[str]]]:
    """The line numbers and rows of a block; blank lines are skipped."""
    first, part = block
    if not isinstance(part, str):
        return list(range(first, first + len(part))), part
    if '"' not in part:  # most blocks: one line a record, so numbered by counting unless a line is blank
        try:
            rows = list(csv.reader(io.StringIO(part, newline=""), strict=True))
        except csv.Error:
            rows = []  # numbered below, where the refusal finds its line
        if rows and all(rows):
            return list(range(first, first + len(rows))), rows
    return _parsed(part, first)


def _parsed(part: str, first: int) -> tuple[list[int], list[list[str]]]:
    """Rows of CSV text and the line each starts on; strict, so that a quote never closed or text after a
    closing quote is refused at its line instead of swallowing the lines after it."""
    reader = csv.reader(io.StringIO(part, newline=""), strict=True)
    lines, rows, start = [], [], first
    try:
        for row in reader:
            if row:
                lines.append(start)
                rows.append(row)
            start = first + reader.line_num
    except csv.Error as exc:
        reason = _csv_reason(str(exc))
        raise InvalidInput("invalid_csv", f"line {start}: {reason}", details={"line": start, "reason": reason}) from None
    return lines, rows


def _csv_reason(error: str) -> str:
    if "field limit" in error:
        return f"a field is longer than {MAX_FIELD_CHARS:,} characters (or a quote never closed runs on)"
    if "unexpected end of data" in error:
        return "a quote is opened and never closed"
    if "expected after" in error:
        return "text after a closing quote (a field holding a quote is quoted whole, its quotes doubled)"
    return f"not readable as CSV ({error})"


def block_records(header: list[str], block: Block) -> tuple[list[int], list[dict]]:
    """The line numbers and records of a block, as dicts keyed by the header."""
    lines, rows = rows_of(block)
    return lines, [dict(zip(header, row)) for row in rows]


def records(name: str, data: io.BufferedIOBase, columns: tuple, required: tuple) -> tuple[list[int], list[dict], list]:
    """A whole (small) file's line numbers and records, as dicts keyed by the header, and its warnings."""
    header, parts = blocks(name, data, columns, required)
    lines, found = [], []
    for block in parts:
        numbers, part = block_records(header, block)
        lines += numbers
        found += part
    return lines, found, column_warnings(header, columns)


def _csv_blocks(name: str, data: io.BufferedIOBase, text: io.TextIOWrapper, size: int) -> Iterator[tuple[int, str]]:
    """Blocks of `size` lines, each run on while its quotes are unbalanced (a quoted field holds a line
    break, so its record goes on) — but not past MAX_RECORD_LINES: an odd quote may also be a literal one
    in an unquoted field, which would otherwise pull the rest of the file into one block."""
    line = 2
    while lines := _decoded(name, data, lambda: list(islice(text, size))):
        part = "".join(lines)
        quotes, extra = part.count('"'), []
        while quotes % 2 and len(extra) < MAX_RECORD_LINES and (more := _decoded(name, data, text.readline)):
            extra.append(more)
            quotes += more.count('"')
        yield line, part + "".join(extra) if extra else part
        line += len(lines) + len(extra)


def _decoded(name: str, data: io.BufferedIOBase, read):
    try:
        return read()
    except UnicodeDecodeError:
        raise InvalidInput("invalid_encoding", f"{name}: line {_first_undecodable(data)}: not UTF-8 text "
                                               "(save the sheet as \"CSV UTF-8\")") from None


def _first_undecodable(data: io.BufferedIOBase) -> int:
    """The number of the file's first line that is not UTF-8 (text is decoded in blocks of lines)."""
    data.seek(0)
    for number, line in enumerate(data, 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return 1


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return NumberCell(int(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return NumberCell(value)
    return "" if value is None else str(value)


def _read(rows: Iterator, chunk: int) -> Iterator[tuple[int, list]]:
    """(first line, rows) of each chunk; line 1 is the header."""
    line = 2
    while part := list(islice(rows, chunk)):
        yield line, part
        line += len(part)


def check_header(name: str, header: list[str], columns: tuple, required: tuple) -> None:
    """Refuse a header that lacks a required column (a renamed one lacks it too); other columns are ignored."""
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidInput("invalid_header", f"{name}: line 1: the header needs {', '.join(required)} and may have "
                                             f"{', '.join(c for c in columns if c not in required)}; "
                                             f"missing column {missing[0]!r}",
                           details={"line": 1, "column": missing[0]})
