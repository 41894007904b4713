"""Importing sampling and result files (core.files reads them) in chunks.

The CLI commits each chunk on its own, so an import killed mid-file keeps what it stored and a
re-run stores only the rest (records already stored are duplicates): the database ends as after
one clean run. The upload page imports a small file in its request's single transaction.

A chunk is read, checked and stored in blocks of at most BLOCK_LINES (what a worker process checks
at a time); its blocks share one transaction. Commits are few because on SQLite each one writes
every index page the chunk touched, and the swabs' (person, round) index is touched at random:
measured, 3.1 M sample rows by plain executemany took 31.6 s committed every 20,000, 18.9 s every
100,000, 17.4 s every 200,000.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from itertools import chain, islice
from pathlib import Path

from sqlalchemy.orm import Session

from fangkong.core import audit
from fangkong.core.files import BLOCK_LINES, Block, block_records, blocks, column_warnings, records
from fangkong.core.gcpause import collector_paused
from fangkong.lab import bulk, results, rounds, sampling
from fangkong.lab.workers import default_workers, prepare_block, prepared_blocks

SAMPLE_COLUMNS = ("tube_barcode", "pool_size", "point_code", "sampled_at", "id_number", "document_kind",
                  "document_number")
SAMPLE_REQUIRED = ("tube_barcode", "pool_size", "point_code", "sampled_at")
RESULT_COLUMNS = ("tube_barcode", "lab_code", "received_at", "result", "ct_orf", "ct_n", "tested_at")
RESULT_REQUIRED = ("tube_barcode", "lab_code")
CHUNK = 100_000  # lines per transaction
WORKERS_FROM = 4  # blocks: below that, starting worker processes (~1 s) costs more than it saves
LINE_BYTES = 60  # about, a sampling line with an ID number


def import_samples(open_session: Callable[[], Session], path: Path, *, round_id: int, actor,
                   chunk: int = CHUNK, workers: int | None = None) -> sampling.IngestReport:
    """Import a sampling file, one transaction per chunk (`open_session` yields a unit of work). A file of
    more than WORKERS_FROM blocks is checked by `workers` processes (default: one per core, up to
    workers.MAX_WORKERS) while this one stores; with 0 every block is checked here."""
    size, per_commit = _blocks_of(chunk)
    with open(path, "rb") as handle:
        header, parts = blocks(path.name, handle, SAMPLE_COLUMNS, SAMPLE_REQUIRED, size)
        with open_session() as session:
            ctx = sampling.context(session, rounds.get_round(session, round_id), actor=actor)
            session.expunge(ctx.round)
        if workers is None:
            workers = default_workers() if path.stat().st_size > WORKERS_FROM * size * LINE_BYTES else 0
        chunks = (prepared_blocks(ctx, header, parts, workers) if workers
                  else (prepare_block(ctx, header, block) for block in parts))
        report = _chunks(open_session, path, chunks, per_commit, "lab.import_samples", round_id, actor,
                         lambda session, prepared, conflicts: sampling.ingest(
                             session, ctx=ctx, actor=actor, audit_it=False, prepared=prepared, conflicts=conflicts))
    report.warnings = column_warnings(header, SAMPLE_COLUMNS)
    return report


def import_results(open_session: Callable[[], Session], path: Path, *, round_id: int, actor,
                   chunk: int = CHUNK) -> sampling.IngestReport:
    size, per_commit = _blocks_of(chunk)
    with open(path, "rb") as handle:
        header, parts = blocks(path.name, handle, RESULT_COLUMNS, RESULT_REQUIRED, size)
        with open_session() as session:
            round_ = rounds.get_round(session, round_id)
            labs = rounds.labs_by_code(session)
            session.expunge(round_)

        def ingest(session: Session, block: Block, _conflicts: str) -> sampling.IngestReport:
            lines, found = block_records(header, block)
            return results.ingest(session, found, round_=round_, actor=actor, lines=lines, audit_it=False,
                                  labs=labs)

        report = _chunks(open_session, path, parts, per_commit, "lab.import_results", round_id, actor, ingest)
    report.warnings = column_warnings(header, RESULT_COLUMNS)
    return report


def _blocks_of(chunk: int) -> tuple[int, int]:
    """The block size and blocks per transaction for `chunk` lines per transaction."""
    per_commit = -(-chunk // BLOCK_LINES)
    return -(-chunk // per_commit), per_commit


def _chunks(open_session, path: Path, parts: Iterator, per_commit: int, action: str, round_id: int, actor,
            ingest) -> sampling.IngestReport:
    """Store each chunk (`per_commit` parts) in a transaction of its own, then one audit row for the file.

    A part is first stored as if none of its records were stored yet (`ingest(..., "raise")`); when one
    is, the transaction is rolled back and the chunk's parts so far are stored again, checked ("check").
    """
    total = sampling.IngestReport()
    with collector_paused():
        parts = iter(parts)
        for first in parts:
            taken, reports = [], []
            try:
                with open_session() as session:
                    for part in chain([first], islice(parts, per_commit - 1)):
                        taken.append(part)
                        reports.append(ingest(session, part, "raise"))
            except bulk.Conflict:
                with open_session() as session:
                    reports = [ingest(session, part, "check") for part in taken]
            for report in reports:
                total.add(report)
    with open_session() as session:
        if total.inserted > 100_000:
            bulk.analyze(session.connection())
        audit.record(session, actor=actor, action=action, object_type="sampling_round", object_id=round_id,
                     after={"file": path.name, "received": total.received, "inserted": total.inserted,
                            "duplicates": total.duplicates, "refused": len(total.refused)})
    return total


def import_upload(session: Session, name: str, data: bytes, *, round_id: int, actor, kind: str) -> sampling.IngestReport:
    """An uploaded file (the page), in the request's transaction."""
    round_ = rounds.get_round(session, round_id, actor.jurisdiction)
    stream = io.BytesIO(data)
    if kind == "samples":
        lines, rows, warnings = records(name, stream, SAMPLE_COLUMNS, SAMPLE_REQUIRED)
        ctx = sampling.context(session, round_, actor=actor)
        report = sampling.ingest(session, rows, ctx=ctx, actor=actor, lines=lines)
    else:
        lines, rows, warnings = records(name, stream, RESULT_COLUMNS, RESULT_REQUIRED)
        report = results.ingest(session, rows, round_=round_, actor=actor, lines=lines)
    report.warnings = warnings
    return report
