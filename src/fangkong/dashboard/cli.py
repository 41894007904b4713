"""`fangkong report daily`: the daily report (日报) of a day as Excel or PDF."""

from __future__ import annotations

from pathlib import Path

import typer

from fangkong.core import audit, clock
from fangkong.core.dates import parse_day
from fangkong.core.db import get_engine, unit_of_work
from fangkong.core.errors import InvalidInput
from fangkong.core.jurisdiction import parse_jurisdiction
from fangkong.dashboard import report
from fangkong.dashboard.service import ReportActor

report_app = typer.Typer(help="Reports: the daily report of the command.", no_args_is_help=True)


@report_app.command("daily")
def daily_command(
    day: str = typer.Option(None, "--date", help="the report's day, YYYY-MM-DD (default today)"),
    fmt: str = typer.Option("xlsx", "--format", help="xlsx (one sheet per module) or pdf"),
    output: Path = typer.Option(..., "--output", help="the file to write"),
    jurisdiction: str = typer.Option("140200", "--jurisdiction", help="the city (default) or a district's code"),
):
    """Write the daily report: headline figures, a table per module, 14-day charts, the lists to act on."""
    if fmt not in report.FORMATS:
        raise InvalidInput("invalid_format", f"--format: {fmt!r} is not one of {', '.join(report.FORMATS)}")
    on = parse_day(day, "--date") or clock.today()
    actor = ReportActor(jurisdiction=parse_jurisdiction(jurisdiction))
    with unit_of_work(get_engine()) as session:
        built = report.build(session, on=on, actor=actor)
        body = report.to_bytes(built, fmt)
        audit.record(session, action="report.daily", object_type="daily_report", object_id=f"{on}.{fmt}",
                     actor_name="cli", actor_via="cli", after={"jurisdiction": actor.jurisdiction.code})
    try:
        output.write_bytes(body)
    except OSError as exc:
        raise InvalidInput("unwritable_output", f"--output: cannot write {output}: {exc.strerror}") from None
    sections = len(built.board["sections"])
    typer.echo(f"wrote {output} ({fmt}, {on}, {sections} sections, {len(body)} bytes)")
