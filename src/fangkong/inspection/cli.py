"""`fangkong inspection collect`: turn the day's over-enforcement signals into inspection items (once each)."""

from __future__ import annotations

from datetime import date

import typer

from fangkong.core.db import get_engine, unit_of_work
from fangkong.core.errors import InvalidInput
from fangkong.inspection import service

inspection_app = typer.Typer(help="Supervision: inspection items from over-enforcement signals.", no_args_is_help=True)


@inspection_app.command("collect")
def collect_command(day: str = typer.Option(None, "--date", help="signals up to this day, YYYY-MM-DD (default today)")):
    """New items from over-enforcement complaints, overdue zone liftings and overrides; prints counts by source."""
    try:
        on = date.fromisoformat(day) if day else None
    except ValueError:
        raise InvalidInput("invalid_date", f"--date: {day!r} is not a date like 2022-11-13") from None
    with unit_of_work(get_engine()) as session:
        added = service.collect(session, on=on, actor="cli")
    typer.echo(", ".join(f"{n} {source}" for source, n in added.items()) + " added")
