"""`fangkong supplies …`: supply points, bulk orders for sealed buildings, assigning what was left over,
the late list and the day's figures.

Commands act for the city (a system actor "cli"); refusals print one line on stderr and exit 2.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import typer
from sqlalchemy import select

from fangkong.core import clock
from fangkong.core.dates import parse_day
from fangkong.core.db import get_engine, unit_of_work
from fangkong.core.errors import NotFound
from fangkong.core.jurisdiction import CITY
from fangkong.supplies import figures, service
from fangkong.supplies.models import SupplyPackage

supplies_app = typer.Typer(help="Supplies to sealed buildings: points, orders, late deliveries, figures.",
                           no_args_is_help=True)
ACTOR = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="cli"))


@supplies_app.command("points")
def points_command(day: str = typer.Option(None, "--date", help="the day of the loads (default today)")) -> None:
    """Every supply point with its capacity and its load of the day."""
    with unit_of_work(get_engine()) as session:
        for p in service.list_points(session, scope=CITY, day=parse_day(day, "--date")):
            typer.echo(f"{p['id']:>4}  {p['name']}  {p['district_name']}  {p['status']}  "
                       f"capacity {p['daily_capacity']}  used {p['used']}  free {p['free']}")


@supplies_app.command("order")
def order_command(
    buildings: list[int] = typer.Option(..., "--building", help="a building id (repeat for several)"),
    packages: list[str] = typer.Option(..., "--package", help="a pack code, e.g. vegetable (repeat)"),
    day: str = typer.Option(None, "--date", help="the delivery day (default today)"),
    round: int = typer.Option(1, "--round", min=1, max=9),
) -> None:
    """One order per sealed household of the buildings and pack, assigned to points within capacity."""
    with unit_of_work(get_engine()) as session:
        ids = []
        for code in packages:
            package_id = session.scalar(select(SupplyPackage.id).where(SupplyPackage.code == code))
            if package_id is None:
                raise NotFound(f"pack {code!r}")
            ids.append(package_id)
        report = service.order_buildings(session, actor=ACTOR, building_ids=buildings, package_ids=ids,
                                         day=parse_day(day, "--date") or clock.today(), round=round)
    typer.echo(f"{report.day} round {report.round}: {report.created} orders for {report.households} sealed "
               f"households ({report.already} placed before, {report.outside_zone} households outside the zone), "
               f"{report.unassigned} without a point")


@supplies_app.command("assign")
def assign_command(day: str = typer.Option(None, "--date", help="default today")) -> None:
    """Give a point to the day's orders that had none (room freed, a point opened)."""
    with unit_of_work(get_engine()) as session:
        done = service.assign_pending(session, actor=ACTOR, day=parse_day(day, "--date") or clock.today(), scope=CITY)
    typer.echo(f"{done['day']}: {done['assigned']} of {done['pending']} assigned, {done['unassigned']} left")


@supplies_app.command("late")
def late_command(as_json: bool = typer.Option(False, "--json")) -> None:
    """Priority orders (special needs, medicine) still open past their deadline."""
    with unit_of_work(get_engine()) as session:
        items, total = service.late_orders(session, scope=CITY)
    if as_json:
        typer.echo(json.dumps({"total": total, "items": items}, default=str, ensure_ascii=False))
        return
    for item in items:
        typer.echo(f"{item['id']:>8}  {item['place']}  {item['package']}  {item['state']}  due {item['deadline_at']}")
    typer.echo(f"{total} late")


@supplies_app.command("figures")
def figures_command(day: str = typer.Option(None, "--date", help="default today"),
                    as_json: bool = typer.Option(False, "--json")) -> None:
    """The day's figures (orders, households served, late, special needs not served, price alerts)."""
    with unit_of_work(get_engine()) as session:
        found = figures.headline(session, on=parse_day(day, "--date") or clock.today(), scope=CITY)
    if as_json:
        typer.echo(json.dumps({f["key"]: f["value"] for f in found}))
        return
    for f in found:
        typer.echo(f"{f['key']:<20} {f['value']}")
