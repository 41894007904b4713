"""Lab results and receptions: one path for the batch API, the file import and the upload page.

A record names a tube of the round by barcode and the lab; with `received_at` only it is the scan
of the tube arriving; with a `result` (negative, positive with Ct values, invalid) and `tested_at`
it is the tube's result (a result without a reception scan counts the tube received when tested).
Results are insert-only: the same result again is a duplicate, a different one is refused.
The per-lab-day counters are incremented once per batch. A positive or invalid tube sets off
lab.flows in the same transaction. Nothing here commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from itertools import count

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.lab import bulk, flows
from fangkong.lab.models import OUTCOMES, LabDay, SamplingRound, Tube, TubeReceipt, TubeResult
from fangkong.lab.rounds import labs_by_code
from fangkong.lab.sampling import IngestReport, Refused
from fangkong.places import service as places_service

MAX_BATCH = 10_000
CT_RANGE = (0.0, 50.0)


def _time(value, what: str, now: datetime, cache: dict | None = None) -> datetime:
    if cache is not None:
        found = cache.get((value, what))
        if found is None:
            try:
                found = _time(value, what, now)
            except Refused as exc:
                found = exc
            cache[(value, what)] = found
        if isinstance(found, Refused):
            raise found
        return found
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise Refused("invalid_time", f"{what}: {value!r} is not a time like 2022-11-13T14:30") from None
    zone = clock.zone()
    moment = (moment.replace(tzinfo=zone) if moment.tzinfo is None else moment).astimezone(zone)
    if moment > now:
        raise Refused("time_in_future", f"{what}: cannot be in the future")
    return moment


def _ct(record: Mapping, name: str) -> float | None:
    value = record.get(name)
    if value in (None, ""):
        return None
    try:
        ct = float(value)
    except (TypeError, ValueError):
        raise Refused("invalid_ct", f"{name}: {value!r} is not a number") from None
    if not CT_RANGE[0] < ct <= CT_RANGE[1]:
        raise Refused("invalid_ct", f"{name}: a Ct value between {CT_RANGE[0]:g} and {CT_RANGE[1]:g}")
    return ct


def parse(record: Mapping, labs: dict[str, int], now: datetime, times: dict) -> tuple:
    """(barcode, lab_id, received_at, outcome, ct_orf, ct_n, tested_at), or Refused."""
    barcode = str(record.get("tube_barcode") or "").strip()
    lab_id = labs.get(str(record.get("lab_code") or "").strip())
    if lab_id is None:
        raise Refused("unknown_lab", f"lab_code: {record.get('lab_code')!r} is not a lab")
    received = record.get("received_at")
    received = _time(received, "received_at", now, times) if received not in (None, "") else None
    outcome = str(record.get("result") or "").strip() or None
    if outcome is None:
        if received is None:
            raise Refused("nothing_to_record", "received_at or result: a record needs one")
        return barcode, lab_id, received, None, None, None, None
    if outcome not in OUTCOMES:
        raise Refused("invalid_result", f"result: one of {', '.join(OUTCOMES)}")
    if record.get("tested_at") in (None, ""):
        raise Refused("tested_at_required", "tested_at: the time of the result")
    tested = _time(record.get("tested_at"), "tested_at", now, times)
    ct_orf, ct_n = _ct(record, "ct_orf"), _ct(record, "ct_n")
    if outcome == "positive" and ct_orf is None and ct_n is None:
        raise Refused("ct_required", "ct_orf, ct_n: a positive result carries its Ct values")
    if received is not None and received > tested:
        raise Refused("tested_before_received", "tested_at: before the tube was received")
    return barcode, lab_id, received, outcome, ct_orf, ct_n, tested


def ingest(session: Session, records: Iterable[Mapping], *, round_: SamplingRound, actor, first_line: int = 1,
           lines: Iterable[int] | None = None, audit_it: bool = True,
           labs: dict[str, int] | None = None) -> IngestReport:
    """Check and store results; a refused record is reported with its line (`lines`, or counted from
    `first_line`)."""
    records = list(records)
    report = IngestReport(received=len(records))
    labs = labs if labs is not None else labs_by_code(session)
    now, times = clock.now(), {}
    parsed = []
    for line, record in zip(count(first_line) if lines is None else lines, records):
        try:
            parsed.append((line, parse(record, labs, now, times)))
        except Refused as exc:
            report.refused.append({"line": line, "code": exc.code, "reason": str(exc)})
    round_id = round_.id  # read once: an attribute of an ORM object costs a look-up per tube
    tubes, received, results = _tubes(session, round_id, {p[1][0] for p in parsed}, actor.jurisdiction)
    conn = session.connection()
    receipts, rows, counts, follow = [], [], Counter(), []
    for line, (barcode, lab_id, received_at, outcome, ct_orf, ct_n, tested_at) in parsed:
        tube = tubes.get(barcode)
        try:
            if tube is None:
                raise Refused("unknown_tube", f"tube_barcode: {barcode!r} is not a tube of this round")
            if outcome and results.get(barcode) not in (None, outcome):
                raise Refused("result_exists", f"result: tube {barcode} already tested {results[barcode]}")
            if tested_at is not None and tested_at < tube[1]:
                raise Refused("tested_before_sampled", "tested_at: before the tube was sampled")
        except Refused as exc:
            report.refused.append({"line": line, "code": exc.code, "reason": str(exc)})
            continue
        new = False
        if barcode not in received:
            at = received_at or tested_at
            receipts.append((round_id, barcode, lab_id, at))
            counts[(lab_id, _day(at), "received")] += 1
            received.add(barcode)
            new = True
        if outcome and barcode not in results:
            tested_on = _day(tested_at)
            minutes = int((tested_at - tube[1]).total_seconds() // 60)
            rows.append((round_id, barcode, lab_id, outcome, ct_orf, ct_n, tested_at, tested_on, minutes, now))
            counts[(lab_id, tested_on, "tested")] += 1
            counts[(lab_id, tested_on, "positive")] += outcome == "positive"
            results[barcode] = outcome
            if outcome != "negative" or tube[0] == 1:
                follow.append((barcode, tube[0], outcome, tested_at))
            new = True
        if new:
            report.inserted += 1
        else:
            report.duplicates += 1
    bulk.insert_rows(conn, "tube_receipt", bulk.RECEIPT_COLUMNS, receipts)
    bulk.insert_rows(conn, "tube_result", bulk.RESULT_COLUMNS, rows)
    _count(session, counts)
    flows.on_results(session, round_id=round_id, results=follow, actor=actor)
    report.refused.sort(key=lambda r: r["line"])
    if audit_it:
        audit.record(session, actor=actor, action="lab.results", object_type="sampling_round", object_id=round_id,
                     after={"received": report.received, "inserted": report.inserted,
                            "duplicates": report.duplicates, "refused": len(report.refused),
                            "positive": sum(1 for f in follow if f[2] == "positive")})
    return report


def _day(moment: datetime):
    return moment.astimezone(clock.zone()).date()


def _tubes(session: Session, round_id: int, barcodes: set[str], scope
           ) -> tuple[dict[str, tuple[int, datetime]], set[str], dict[str, str]]:
    """Of the round's tubes in `scope` among `barcodes`: barcode → (pool_size, sampled_at), the ones
    already received, and barcode → outcome of the ones already tested — one query (a tube outside
    them is refused, so its reception or result is never asked for)."""
    if not barcodes:
        return {}, set(), {}
    query = (select(Tube.barcode, Tube.pool_size, Tube.sampled_at, TubeReceipt.id, TubeResult.outcome)
             .outerjoin(TubeReceipt, (TubeReceipt.round_id == Tube.round_id) & (TubeReceipt.barcode == Tube.barcode))
             .outerjoin(TubeResult, (TubeResult.round_id == Tube.round_id) & (TubeResult.barcode == Tube.barcode))
             .where(Tube.round_id == round_id, bulk.among(session.connection(), Tube.barcode, barcodes)))
    if not scope.is_city:
        query = query.where(Tube.district_id.in_(places_service.district_ids_within(scope)))
    tubes, received, results, zone = {}, set(), {}, clock.zone()
    for barcode, pool, at, receipt, outcome in session.connection().execute(query):  # Core rows: no ORM loading
        tubes[barcode] = (pool, at if at.tzinfo else at.replace(tzinfo=zone))  # clock.aware, its zone read once
        if receipt is not None:
            received.add(barcode)
        if outcome is not None:
            results[barcode] = outcome
    return tubes, received, results


def _count(session: Session, counts: Counter) -> None:
    """Add this batch's receptions, tests and positives to the per-lab-day counters (one upsert a lab-day)."""
    days: dict[tuple, dict] = {}
    for (lab_id, day, what), n in counts.items():
        days.setdefault((lab_id, day), {"received": 0, "tested": 0, "positive": 0})[what] += n
    if not days:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for (lab_id, day), n in sorted(days.items()):
        statement = insert(LabDay).values(lab_id=lab_id, day=day, **n)
        session.execute(statement.on_conflict_do_update(
            index_elements=["lab_id", "day"],
            set_={k: getattr(LabDay, k) + getattr(statement.excluded, k) for k in n}))
