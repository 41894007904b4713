"""`fangkong hotline …`: load departments and routing rules, name a department's handlers, run the sweep,
print the figures. Refusals are DomainErrors: the root CLI prints one line and exits 2."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import typer

from fangkong.core.db import get_engine, unit_of_work
from fangkong.core.dates import parse_day
from fangkong.core.jurisdiction import CITY
from fangkong.hotline import figures, routing, sweep

hotline_app = typer.Typer(help="12345 hotline: routing, handlers, the reminder/escalation sweep, figures.",
                          no_args_is_help=True)
routing_app = typer.Typer(help="Departments and routing rules.", no_args_is_help=True)
hotline_app.add_typer(routing_app, name="routing")
CLI_ACTOR = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="cli"))


@routing_app.command("load")
def load_command(file: Path = typer.Argument(routing.BUILT_IN, help="a routing TOML file (default: the built-in)")):
    """Load (or re-load) departments and routing rules; re-loading the same file changes nothing."""
    with unit_of_work(get_engine()) as session:
        added = routing.load_routing(session, file)
    typer.echo(f"{file.name}: {added['departments']} departments and {added['routes']} rules added")


@hotline_app.command("handler")
def handler_command(username: str, department: str):
    """Make a department_handler user a handler of DEPARTMENT (its code)."""
    with unit_of_work(get_engine()) as session:
        routing.assign_handler(session, username=username, department=department)
    typer.echo(f"{username} handles the tickets of {department}")


@hotline_app.command("sweep")
def sweep_command():
    """Remind tickets whose reply is due soon and escalate late ones (what a scheduler runs every few minutes)."""
    with unit_of_work(get_engine()) as session:
        report = sweep.sweep(session, actor="cli")
    typer.echo(f"{report.reminded} reminded, {report.escalated} escalated")


@hotline_app.command("figures")
def figures_command(
    start: str = typer.Option(None, "--from", help="first day of receipt, YYYY-MM-DD (default 14 days back)"),
    end: str = typer.Option(None, "--to", help="last day of receipt (default today)"),
    as_json: bool = typer.Option(False, "--json"),
):
    """Response, reply, on-time, resolution and satisfaction rates, in total and by department."""
    with unit_of_work(get_engine()) as session:
        found = figures.figures(session, actor=CLI_ACTOR, start=parse_day(start, "--from"), end=parse_day(end, "--to"))
        session.rollback()
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False))
        return
    total = found["total"]
    typer.echo(f"{found['start']} … {found['end']}: {total['received']} tickets; reply {total['reply_rate']} %, "
               f"on time {total['on_time_rate']} %, resolved {total['resolution_rate']} %, "
               f"satisfied {total['satisfaction_rate']} %")
    for row in found["by_department"]:
        typer.echo(f"  {row['key']}: {row['received']} tickets, reply {row['reply_rate']} %, "
                   f"on time {row['on_time_rate']} %")
