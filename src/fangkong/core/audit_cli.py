"""`fangkong audit`: search the audit log from the command line."""

from __future__ import annotations

from datetime import date, datetime, time

import typer
from rich.console import Console
from rich.table import Table

from fangkong.core import audit, clock
from fangkong.core.db import get_engine, unit_of_work
from fangkong.core.errors import InvalidInput
from fangkong.core.pagination import PageRequest


def _day_start(text: str | None, field: str) -> datetime | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("invalid_date", f"{field}: {text!r} is not a date like 2022-11-13") from None
    return datetime.combine(day, time.min, tzinfo=clock.zone())


def audit_command(
    actor: str = typer.Option(None, "--actor", help="username"),
    action: str = typer.Option(None, "--action", help="e.g. resident.reveal"),
    object_type: str = typer.Option(None, "--object-type"),
    object_id: str = typer.Option(None, "--object-id"),
    since: str = typer.Option(None, "--since", help="first day, YYYY-MM-DD"),
    until: str = typer.Option(None, "--until", help="day after the last, YYYY-MM-DD"),
    limit: int = typer.Option(50, "--limit", help="rows to show, newest first (1-200)"),
) -> None:
    """Search the audit log (newest first)."""
    with unit_of_work(get_engine()) as session:
        rows, total = audit.search(
            session,
            page=PageRequest(page=1, per_page=limit),
            actor_name=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            since=_day_start(since, "since"),
            until=_day_start(until, "until"),
        )
    table = Table(title=f"audit log: {len(rows)} of {total}")
    for column in ("at", "actor", "via", "action", "object", "reason", "request", "ip"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row.at.astimezone(clock.zone()).strftime("%Y-%m-%d %H:%M:%S"),
            row.actor_name,
            row.actor_via,
            row.action,
            f"{row.object_type}:{row.object_id or ''}",
            row.reason or "",
            row.request_id or "",
            row.ip or "",
        )
    Console(width=160).print(table)
