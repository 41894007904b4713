"""Ingesting venue scans: validate each record, collapse duplicates, insert in bulk, report every line.

One path for the batch API, the CSV import and the scan page. A record names a venue by its code,
a time, and a person (a resident id, or a document kind and number). Malformed records are refused
with their line and reason; valid ones are inserted through `bulk.insert_scans` (executemany on
SQLite, COPY into a staging table on PostgreSQL), where a second scan of the same person at the
same venue in the same minute collapses into the first. Re-sending a batch changes nothing.
Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.db import MAX_ROW_ID
from fangkong.core.pii import get_cipher
from fangkong.people.managed_models import DOCUMENT_KINDS
from fangkong.places import service as places_service
from fangkong.places.models import Venue
from fangkong.tracing import bulk
from fangkong.tracing.models import MAX_STAY_MINUTES, SCAN_SOURCES

MAX_BATCH = 5000


@dataclass
class IngestReport:
    received: int = 0
    inserted: int = 0
    duplicates: int = 0  # valid records already stored (or repeated within the minute)
    refused: list[dict] = field(default_factory=list)  # {"line", "code", "reason"}
    warnings: list[dict] = field(default_factory=list)  # of a file: core.files.column_warnings

    def to_dict(self) -> dict:
        answer = {"received": self.received, "inserted": self.inserted, "duplicates": self.duplicates,
                  "refused": self.refused}
        return {**answer, "warnings": self.warnings} if self.warnings else answer


class Refused(ValueError):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


def resident_key(resident_id: int) -> str:
    return f"r{resident_id}"


def document_key(kind: str, number: str) -> str:
    return "d" + get_cipher().lookup_mac(f"{kind}:{number}").hex()


def parse_time(value, what: str = "scanned_at", now: datetime | None = None, zone=None) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value or "").strip())
        except ValueError:
            raise Refused("invalid_time", f"{what}: {value!r} is not a time like 2022-11-12T09:30") from None
    zone = zone or clock.zone()
    moment = (moment.replace(tzinfo=zone) if moment.tzinfo is None else moment).astimezone(zone)
    if not 2000 <= moment.year <= 2099:
        raise Refused("invalid_time", f"{what}: {moment.date()} is not a plausible day")
    if moment > (now or clock.now()):
        raise Refused("time_in_future", f"{what}: cannot be in the future")
    return moment


def epoch_minute(moment: datetime) -> int:
    """Whole minutes since the Unix epoch (a naive time read back from SQLite is the city's wall time)."""
    return int(clock.aware(moment).timestamp() // 60)


def person_of(record: Mapping) -> tuple[str, int | None, str | None, str | None]:
    """(person_key, resident_id, document_kind, normalized number) of a record, or Refused."""
    resident_id = record.get("resident_id")
    kind, number = record.get("document_kind"), record.get("document_number")
    if resident_id not in (None, ""):
        if kind or number:
            raise Refused("resident_or_document", "resident_id: give a resident or a document, not both")
        try:
            resident_id = int(resident_id)
        except (TypeError, ValueError):
            raise Refused("invalid_resident", f"resident_id: {resident_id!r} is not a number") from None
        if not 1 <= resident_id <= MAX_ROW_ID:
            raise Refused("invalid_resident", f"resident_id: {resident_id} is not a resident id")
        return resident_key(resident_id), resident_id, None, None
    if kind not in DOCUMENT_KINDS:
        raise Refused("person_required",
                      f"resident_id, or document_kind ({', '.join(DOCUMENT_KINDS)}) and document_number")
    number = "".join(str(number or "").split()).upper()
    if not 3 <= len(number) <= 40:
        raise Refused("invalid_document_number", "document_number: must have 3 to 40 characters")
    return document_key(kind, number), None, kind, number


@dataclass
class ScanBatch:
    """One sender's scans: a request of the API, a chunk of a file, a scan of the page."""

    records: list[Mapping]
    actor: Any
    source: str = "app"
    first_line: int = 1
    request: tuple[str | None, str | None] | None = None  # audit: (request id, client address), if not the current
    lines: list[int] | None = None  # of the records in their file, when not counted from first_line


def ingest(session: Session, records: Iterable[Mapping], *, actor, source: str = "app", first_line: int = 1,
           lines: list[int] | None = None, audit_it: bool = True, venues: dict[str, int] | None = None) -> IngestReport:
    """Validate and store scans; venues outside the actor's jurisdiction are refused like unknown ones.

    `venues` (code → id, from `venue_codes`) spares a file import one look-up per chunk.
    """
    batch = ScanBatch(list(records), actor, source, first_line, lines=lines)
    return ingest_many(session, [batch], audit_it=audit_it, venues=venues)[0]


def ingest_many(session: Session, batches: list[ScanBatch], *, audit_it: bool = True,
                venues: dict[str, int] | None = None) -> list[IngestReport]:
    """`ingest` of several senders' batches, in order, with one look-up of their venues and residents and one
    audit statement: a batch reads as if it had been stored alone after those before it."""
    all_records = [record for batch in batches for record in batch.records]
    codes = [] if venues is not None else sorted({_code(r) for r in all_records} - {""})
    located, residents = bulk.venues_and_residents(session.connection(), codes, _resident_ids(all_records))
    checked = [_checked(batch, venues if venues is not None else _within(located, batch.actor.jurisdiction),
                        residents) for batch in batches]
    inserted = bulk.insert_scan_groups(session.connection(), [rows for _report, rows in checked])
    for (report, rows), new in zip(checked, inserted, strict=True):
        report.inserted, report.duplicates = new, len(rows) - new
    if audit_it:
        audit.record_many(session, [audit.event(
            actor=batch.actor, action="tracing.scans", object_type="venue_scan", request=batch.request,
            after={"source": batch.source, **{k: v for k, v in report.to_dict().items() if k != "refused"},
                   "refused": len(report.refused)}) for batch, (report, _rows) in zip(batches, checked)])
    return [report for report, _rows in checked]


def _checked(batch: ScanBatch, venues: dict[str, int], residents: set[int]) -> tuple[IngestReport, list[tuple]]:
    """The batch's report (received, refused lines) and its valid rows, in SCAN_COLUMNS order."""
    report = IngestReport(received=len(batch.records))
    cipher = get_cipher()
    now, zone = clock.now(), clock.zone()
    rows = []
    for offset, record in enumerate(batch.records):
        try:
            row_source = record.get("source") or batch.source
            if row_source not in SCAN_SOURCES:
                raise Refused("invalid_source", f"source: one of {', '.join(SCAN_SOURCES)}")
            venue_id = venues.get(_code(record))
            if venue_id is None:
                raise Refused("unknown_venue", f"venue_code: {record.get('venue_code')!r} is not a venue code here")
            key, resident_id, kind, number = person_of(record)
            if resident_id is not None and resident_id not in residents:
                raise Refused("unknown_resident", f"resident_id: {resident_id} is not a resident")
            at = parse_time(record.get("scanned_at"), now=now, zone=zone)
            minute = until = int(at.timestamp()) // 60
            if record.get("left_at") not in (None, ""):
                until = int(parse_time(record.get("left_at"), "left_at", now, zone).timestamp()) // 60
                if not 0 <= until - minute <= MAX_STAY_MINUTES:
                    raise Refused("invalid_stay", f"left_at: between scanned_at and {MAX_STAY_MINUTES} minutes after")
        except Refused as exc:
            line = batch.lines[offset] if batch.lines else batch.first_line + offset
            report.refused.append({"line": line, "code": exc.code, "reason": str(exc)})
            continue
        rows.append((key, resident_id, kind, cipher.encrypt(number) if number else None, venue_id, at,
                     minute, until, row_source))
    return report, rows


@dataclass(frozen=True)
class ScanWork:
    """A request's scans as a job of the app's writer (core.one_trip): stored alone, or with the other
    requests of its round in one `ingest_many`."""

    records: list[Mapping]
    source: str
    request: tuple[str | None, str | None] = field(default_factory=audit.current_request)

    def __call__(self, session: Session, actor) -> dict:
        return ingest_many(session, [self._batch(actor)])[0].to_dict()

    @staticmethod
    def run_together(session: Session, jobs: list[tuple[ScanWork, Any]]) -> list[dict]:
        reports = ingest_many(session, [work._batch(actor) for work, actor in jobs])
        return [report.to_dict() for report in reports]

    def _batch(self, actor) -> ScanBatch:
        return ScanBatch(self.records, actor, self.source, request=self.request)


def venue_codes(session: Session, scope) -> dict[str, int]:
    """Every venue code inside `scope` with its id (for imports of many chunks)."""
    query = select(Venue.code, Venue.id)
    if not scope.is_city:
        query = query.where(Venue.district_id.in_(places_service.district_ids_within(scope)))
    return dict(session.execute(query).all())


def _code(record: Mapping) -> str:
    return str(record.get("venue_code") or "").strip()


def _within(located: dict[str, tuple[int, str]], scope) -> dict[str, int]:
    """code → id of those venues inside `scope` (one outside is unknown to its sender)."""
    if scope.is_city:
        return {code: venue_id for code, (venue_id, _district) in located.items()}
    return {code: venue_id for code, (venue_id, district) in located.items() if district == scope.district_code}


def _resident_ids(records: list[Mapping]) -> list[int]:
    ids = set()
    for record in records:
        try:
            ids.add(int(record.get("resident_id")))
        except (TypeError, ValueError):
            pass
    return sorted(i for i in ids if 1 <= i <= MAX_ROW_ID)  # others are refused, not looked up
