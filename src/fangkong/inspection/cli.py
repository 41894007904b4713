"""`fangkong inspection collect`: turn the day's over-enforcement signals into inspection items (once each)."""

from __future__ import annotations

import typer

from fangkong.core.db import get_engine, unit_of_work
from fangkong.core.dates import parse_day
from fangkong.inspection import service

inspection_app = typer.Typer(help="Supervision: inspection items from over-enforcement signals.", no_args_is_help=True)


@inspection_app.command("collect")
def collect_command(day: str = typer.Option(None, "--date", help="signals up to this day, YYYY-MM-DD (default today)")):
    """New items from over-enforcement complaints, overdue zone liftings and overrides; prints counts by source."""
    on = parse_day(day, "--date")
    with unit_of_work(get_engine()) as session:
        added = service.collect(session, on=on, actor="cli")
    typer.echo(", ".join(f"{n} {source}" for source, n in added.items()) + " added")
