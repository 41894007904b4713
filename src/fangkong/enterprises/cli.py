"""`fangkong enterprises …`: the escalation sweep of overdue problems and the resumption figures.
Refusals are DomainErrors: the root CLI prints one line and exits 2."""

from __future__ import annotations

import json
from types import SimpleNamespace

import typer

from fangkong.core import clock
from fangkong.core.dates import parse_day
from fangkong.core.db import get_engine, unit_of_work
from fangkong.core.jurisdiction import CITY
from fangkong.enterprises import figures, problems

enterprises_app = typer.Typer(help="Work resumption: the sweep of overdue problems, resumption figures.",
                              no_args_is_help=True)
CLI_ACTOR = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="cli"))


@enterprises_app.command("sweep")
def sweep_command():
    """Escalate overdue problems to their task force's lead, each once (what a scheduler runs)."""
    with unit_of_work(get_engine()) as session:
        report = problems.sweep(session, actor=CLI_ACTOR)
    typer.echo(f"{report['escalated']} escalated")


@enterprises_app.command("figures")
def figures_command(on: str = typer.Option(None, "--on", help="the day, YYYY-MM-DD (default today)"),
                    as_json: bool = typer.Option(False, "--json")):
    """Resumption rates overall and for above-scale enterprises, by district and park."""
    with unit_of_work(get_engine()) as session:
        found = figures.resumption(session, on=parse_day(on, "--on") or clock.today(), scope=CITY)
        session.rollback()
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False))
        return
    total = found["total"]
    typer.echo(f"{found['on']}: {total['resumed']}/{total['total']} resumed ({total['rate']} %); above scale "
               f"{total['above_scale_resumed']}/{total['above_scale_total']} ({total['above_scale_rate']} %)")
    for row in found["by_district"] + found["by_park"]:
        typer.echo(f"  {row['name']}: above scale {row['above_scale_resumed']}/{row['above_scale_total']} "
                   f"({row['above_scale_rate']} %), all {row['resumed']}/{row['total']}")
