"""`fangkong quarantine …`: the sites, the evening assignment of the queue, the day's check-outs, occupancy.

Refusals are DomainErrors: the root CLI prints one line on stderr and exits 2.
"""

from __future__ import annotations

import json
from datetime import date

import typer

from fangkong.core import clock
from fangkong.core.db import get_engine, unit_of_work
from fangkong.core.errors import InvalidInput
from fangkong.quarantine import bulk, service

quarantine_app = typer.Typer(help="Centralized quarantine sites: sites, assignment, check-outs, occupancy.",
                             no_args_is_help=True)
SCOPE = service.CITY_SCOPE


def _day(text: str | None, option: str = "--date") -> date | None:
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("invalid_date", f"{option}: {text!r} is not a date like 2022-11-13") from None
    if not 2000 <= day.year <= 2099:
        raise InvalidInput("invalid_date", f"{option}: {text} is not a plausible day")
    return day


@quarantine_app.command("sites")
def sites_command() -> None:
    """Every site with its beds, occupied and free beds."""
    with unit_of_work(get_engine()) as session:
        for s in service.list_sites(session, scope=SCOPE):
            typer.echo(f"{s['id']:>4}  {s['name']}  {s['district_name']}  {s['status']}  "
                       f"beds {s['beds']}  occupied {s['occupied']}  free {s['free']}")


@quarantine_app.command("assign")
def assign_command(day: str = typer.Option(None, "--date", help="the queue of this day (default today)")) -> None:
    """Place the day's queue in the free beds of the open sites (households together, special needs accessible)."""
    with unit_of_work(get_engine()) as session:
        report = bulk.auto_assign(session, actor="cli", scope=SCOPE, day=_day(day))
    typer.echo(f"{report.day}: {report.placed} of {report.queued} placed in {report.rooms_used} rooms, "
               f"{report.left} still waiting")


@quarantine_app.command("check-out-due")
def check_out_command(
    transport: str = typer.Option(..., "--transport", help="how they go home, e.g. 专车点对点送返"),
    day: str = typer.Option(None, "--date", help="default today"),
) -> None:
    """Check out home everyone whose centralized phase is over by the day."""
    on = _day(day) or clock.today()
    if not transport.strip():
        raise InvalidInput("transport_required", "--transport: say how they go home")
    with unit_of_work(get_engine()) as session:
        left = bulk.check_out_due(session, actor="cli", scope=SCOPE, day=on, transport=transport.strip())
    typer.echo(f"{on}: {left} checked out home")


@quarantine_app.command("occupancy")
def occupancy_command(
    pack: str = typer.Option(None, "--pack", help="also the forecast under this pack (its id: fangkong policy list)"),
    effective: str = typer.Option(None, "--effective", help="the pack applied from this day (default today)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Places needed per day for the next 14 days, city-wide and by site (and under another pack)."""
    with unit_of_work(get_engine()) as session:
        if pack:
            result = service.forecast(session, scope=SCOPE, pack_id=pack, effective=_day(effective, "--effective"))
        else:
            result = service.occupancy(session, scope=SCOPE)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, default=lambda v: v.isoformat()))
        return
    typer.echo("day        " + " ".join(d.strftime("%m-%d") for d in result["days"]))
    typer.echo("city       " + " ".join(f"{n:>5}" for n in result["city"]["current"]))
    if pack:
        typer.echo(f"{pack:<10} " + " ".join(f"{n:>5}" for n in result["city"]["other"]))
        typer.echo("freed      " + " ".join(f"{n:>5}" for n in result["freed"]))
