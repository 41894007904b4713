"""`fangkong tracing …`: import scans from a CSV file, list the contact candidates of a case.

Refusals are DomainErrors: the root CLI prints one line on stderr and exits 2.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import typer

from fangkong.core import audit
from fangkong.core.cli import echo_warnings
from fangkong.core.db import get_engine, unit_of_work
from fangkong.core.errors import InvalidInput, NotFound
from fangkong.core.files import block_records, blocks, column_warnings
from fangkong.core.gcpause import collector_paused
from fangkong.core.jurisdiction import CITY
from fangkong.people.case_models import Case
from fangkong.tracing import bulk, scans, service

tracing_app = typer.Typer(help="Contact tracing: scan import, contact candidates.", no_args_is_help=True)
CLI_ACTOR = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="cli"))
CSV_COLUMNS = ("venue_code", "scanned_at", "left_at", "resident_id", "document_kind", "document_number", "source")
REQUIRED = ("venue_code", "scanned_at")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=lambda v: v.isoformat())


def import_file(session, path: Path, *, actor=CLI_ACTOR) -> scans.IngestReport:
    """Stream a CSV or workbook of scans (header line first) in blocks into the scan table, in the caller's
    transaction; refusals carry the number of their line in the file."""
    total = scans.IngestReport()
    with open(path, "rb") as handle, collector_paused():
        header, parts = blocks(path.name, handle, CSV_COLUMNS, REQUIRED)
        venues = scans.venue_codes(session, actor.jurisdiction)
        for block in parts:
            lines, found = block_records(header, block)
            report = scans.ingest(session, found, actor=actor, source="import", lines=lines, audit_it=False,
                                  venues=venues)
            total.received += report.received
            total.inserted += report.inserted
            total.duplicates += report.duplicates
            total.refused.extend(report.refused)
    total.warnings = column_warnings(header, CSV_COLUMNS)
    if total.inserted > 100_000:
        bulk.analyze(session.connection())
    audit.record(session, actor=actor, action="tracing.import", object_type="venue_scan",
                 after={"file": path.name, "received": total.received, "inserted": total.inserted,
                        "duplicates": total.duplicates, "refused": len(total.refused)})
    return total


@tracing_app.command("import-scans")
def import_command(
    path: Path = typer.Argument(..., help=f"CSV (UTF-8) or .xlsx with a header: {', '.join(CSV_COLUMNS)} "
                                          "(the first two required)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Import venue scans; every refused line is reported with its reason; re-importing changes nothing."""
    if not path.is_file():
        raise InvalidInput("no_file", f"{path}: no such file")
    with unit_of_work(get_engine()) as session:
        report = import_file(session, path)
    if as_json:
        typer.echo(_json(report.to_dict()))
        return
    typer.echo(f"{report.received} scans read: {report.inserted} new, {report.duplicates} duplicates, "
               f"{len(report.refused)} refused")
    for r in report.refused:
        typer.echo(f"  line {r['line']}: {r['reason']}")
    echo_warnings(report.warnings)


@tracing_app.command("candidates")
def candidates_command(
    case_id: int = typer.Option(..., "--case", min=1, help="the case's id in the register"),
    onset: str = typer.Option(None, "--onset", help="symptom onset or sampling date, YYYY-MM-DD"),
    pack: str = typer.Option(None, "--pack", help="the pack to apply (default: the one in force today)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The ranked contact candidates of a case with their evidence (read only: nothing is stored)."""
    onset_day = None
    if onset:
        try:
            onset_day = date.fromisoformat(onset)
        except ValueError:
            raise InvalidInput("invalid_date", f"--onset: {onset!r} is not a date like 2022-11-09") from None
    with unit_of_work(get_engine()) as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound("case", details={"case_id": case_id})
        found = service.candidates_for(session, case, pack=pack, onset=onset_day)
        session.rollback()
    rows = [{k: v for k, v in c.items() if not k.startswith("_") and k != "person_key"} for c in found]
    if as_json:
        typer.echo(_json(rows))
        return
    if not rows:
        typer.echo(f"case {case_id}: no candidate")
    for c in rows:
        who = f"resident {c['resident_id']}" if c["resident_id"] else f"{c['document_kind']} holder"
        how = "household" if c["household"] else (f"venue {c['venue_id']}, overlap {c['overlap_minutes']} min, "
                                                  f"gap {c['gap_minutes']} min")
        typer.echo(f"{c['rank']:>3}. {who}: {how}; last exposure {c['last_exposure_on']}")
