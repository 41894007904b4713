"""`fangkong lab …`: labs and sampling points, rounds, sampling and result imports.

Refusals are DomainErrors: the root CLI prints one line on stderr and exits 2.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import typer

from fangkong.core.cli import echo_warnings
from fangkong.core.db import get_engine, unit_of_work
from fangkong.core.errors import InvalidInput
from fangkong.core.jurisdiction import CITY
from fangkong.lab import imports, rounds

lab_app = typer.Typer(help="Nucleic acid testing: labs, points, rounds, sample and result imports.",
                      no_args_is_help=True)
CLI_ACTOR = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="cli"))


def _echo(report, as_json: bool, what: str) -> None:
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    typer.echo(f"{report.received} {what} read: {report.inserted} new, {report.duplicates} duplicates, "
               f"{len(report.refused)} refused")
    for r in report.refused:
        typer.echo(f"  line {r['line']}: {r['reason']}")
    echo_warnings(report.warnings)


def _file(path: Path) -> Path:
    if not path.is_file():
        raise InvalidInput("no_file", f"{path}: no such file")
    return path


@lab_app.command("import-samples")
def import_samples(path: Path = typer.Argument(..., help=f"CSV or .xlsx: {', '.join(imports.SAMPLE_COLUMNS)}"),
                   round_id: int = typer.Option(..., "--round", min=1), chunk: int = typer.Option(imports.CHUNK, min=1),
                   as_json: bool = typer.Option(False, "--json")) -> None:
    """Import sampling records, committed chunk by chunk; a re-run (also after a crash) changes nothing stored."""
    report = imports.import_samples(partial(unit_of_work, get_engine()), _file(path), round_id=round_id,
                                    actor=CLI_ACTOR, chunk=chunk)
    _echo(report, as_json, "records")


@lab_app.command("import-results")
def import_results(path: Path = typer.Argument(..., help=f"CSV or .xlsx: {', '.join(imports.RESULT_COLUMNS)}"),
                   round_id: int = typer.Option(..., "--round", min=1), chunk: int = typer.Option(imports.CHUNK, min=1),
                   as_json: bool = typer.Option(False, "--json")) -> None:
    """Import tube receptions and results; positive pools open their re-sampling tasks at once."""
    report = imports.import_results(partial(unit_of_work, get_engine()), _file(path), round_id=round_id,
                                    actor=CLI_ACTOR, chunk=chunk)
    _echo(report, as_json, "results")


@lab_app.command("round")
def create_round(name: str = typer.Option(...), scope: str = typer.Option("city", help="city, districts, zones, list"),
                 ids: str = typer.Option("", help="comma-separated district, zone or resident ids"),
                 reason: str = typer.Option(...), starts_at: str = typer.Option(..., help="2022-11-13T06:00"),
                 priority: str = typer.Option("voluntary"), override_reason: str = typer.Option(None),
                 override_approver: str = typer.Option(None)) -> None:
    """Start a sampling round; prints its id."""
    try:
        start = datetime.fromisoformat(starts_at)
        scope_ids = [int(i) for i in ids.split(",") if i.strip()]
    except ValueError:
        raise InvalidInput("invalid_option", "--starts-at: a time like 2022-11-13T06:00; --ids: numbers") from None
    with unit_of_work(get_engine()) as session:
        row = rounds.create_round(session, actor=CLI_ACTOR, name=name, scope_kind=scope, scope_ids=scope_ids,
                                  reason=reason, starts_at=start, priority=priority,
                                  override_reason=override_reason, override_approver=override_approver)
        typer.echo(f"round {row.id}: {row.name}, sample by {row.target_at:%Y-%m-%d %H:%M}")


@lab_app.command("add-lab")
def add_lab(code: str = typer.Option(...), name: str = typer.Option(...),
            capacity: int = typer.Option(..., help="tubes a day")) -> None:
    with unit_of_work(get_engine()) as session:
        typer.echo(f"lab {rounds.add_lab(session, code=code, name=name, daily_capacity=capacity).id}")


@lab_app.command("add-point")
def add_point(code: str = typer.Option(...), name: str = typer.Option(...), kind: str = typer.Option("community"),
              community_id: int = typer.Option(..., min=1)) -> None:
    with unit_of_work(get_engine()) as session:
        typer.echo(f"point {rounds.add_point(session, code=code, name=name, kind=kind, community_id=community_id).id}")
