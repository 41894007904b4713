"""People commands: `fangkong policy switch` (registered on the policy group by the root CLI)."""

from __future__ import annotations

import json
from datetime import date

import typer

from fangkong.core.db import get_engine, unit_of_work
from fangkong.core.errors import InvalidInput
from fangkong.people.switch import switch_policy


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("invalid_date", f"{option}: {text!r} is not a date like 2022-11-11") from None


def switch_command(
    to: str = typer.Option(..., "--to", help="the pack every live plan moves to, e.g. measures20"),
    effective: str = typer.Option(..., "--effective", help="first day under the new pack, YYYY-MM-DD"),
    dry_run: bool = typer.Option(False, "--dry-run", help="only report what would change"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Recompute every live plan with another pack from the same anchor (one transaction, audited)."""
    day = _day(effective, "--effective")
    with unit_of_work(get_engine()) as session:
        report = switch_policy(session, to_pack_id=to, effective=day, dry_run=dry_run, actor=None)
        if dry_run:
            session.rollback()
    data = report.to_dict()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    verb = "would change" if dry_run else "changed"
    typer.echo(
        f"switch to {data['to']} on {data['effective']}: {data['total']} live plans, {verb} {data['changed']}, "
        f"released at once {data['released_at_once']}, phase kind changed {data['phase_kind_changed']}"
    )
    for category, counts in data["by_category"].items():
        typer.echo(f"  {category}: {counts['total']} live, {counts['changed']} changed, "
                   f"{counts['released_at_once']} released at once")
    freed = ", ".join(f"{d['day'][5:]} {d['places']:+d}" for d in data["freed_centralized"])
    typer.echo(f"  centralized places freed per day: {freed}")


retention_app = typer.Typer(help="Retention of personal data.", no_args_is_help=True)


@retention_app.command("purge")
def retention_purge(
    older_than: int = typer.Option(None, "--older-than", help="days since release (default FANGKONG_RETENTION_DAYS)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="only count what would be deleted"),
) -> None:
    """Delete the personal data of people released more than DAYS ago; keep de-identified counts."""
    from fangkong.config import get_settings
    from fangkong.people.retention import purge

    days = get_settings().retention_days if older_than is None else older_than
    with unit_of_work(get_engine()) as session:
        report = purge(session, older_than_days=days, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    typer.echo(
        f"released before {report.cutoff}: {verb} {report.people} people, {report.results} test results, "
        f"{report.events} history rows, {report.plans} stored plans nobody has any more"
    )
