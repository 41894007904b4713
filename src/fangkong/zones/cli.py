"""`fangkong zones …`: the daily lifting job, the proposals of a day, tiers, test rounds, the public list.

Refusals are DomainErrors: the root CLI prints one line on stderr and exits 2.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import typer

from fangkong.core import clock
from fangkong.core.db import get_engine, unit_of_work
from fangkong.core.errors import InvalidInput
from fangkong.core.jurisdiction import CITY
from fangkong.zones import service
from fangkong.zones.queries import local

zones_app = typer.Typer(help="Risk zones: daily lifting job, proposals, tiers, test rounds, public list.",
                        no_args_is_help=True)
CLI_ACTOR = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="cli"))


def _day(text: str | None, option: str = "--date") -> date:
    if text is None:
        return clock.today()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("invalid_date", f"{option}: {text!r} is not a date like 2022-11-20") from None
    if not 2000 <= day.year <= 2099:
        raise InvalidInput("invalid_date", f"{option}: {text} is not a plausible day")
    return day


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=lambda v: v.isoformat())


@zones_app.command("daily")
def daily_command(
    day: str = typer.Option(None, "--date", help="the day to check, YYYY-MM-DD (default today)"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """The daily job: propose lifts/downgrades due that day, flag proposals left open past their day."""
    on = _day(day)
    with unit_of_work(get_engine()) as session:
        report = service.run_daily(session, on=on, actor="cli")
        proposed = [{"zone_id": d.zone_id, "action": d.action, "since": d.since, "reason": d.reason}
                    for d in report.proposed]
    if as_json:
        typer.echo(_json({**report.to_dict(), "proposals": proposed}))
        return
    data = report.to_dict()
    typer.echo(f"{data['on']} ({data['pack']}): {data['in_force']} zones in force; {data['proposed']} proposed, "
               f"{data['kept']} kept, {data['overdue']} overdue, {data['superseded']} withdrawn")
    for p in proposed:
        typer.echo(f"  zone {p['zone_id']}: {p['action']} since {p['since']} — {p['reason']}")


@zones_app.command("proposals")
def proposals_command(
    day: str = typer.Option(None, "--date", help="YYYY-MM-DD (default today)"),
    as_json: bool = typer.Option(False, "--json", help='the contract: [{"zone_id","action","since","reason"}]'),
) -> None:
    """The lift and downgrade proposals due on a day (stored by the daily job, or due by the history)."""
    on = _day(day)
    with unit_of_work(get_engine()) as session:
        found = service.proposals_on(session, on=on)
        session.rollback()
    if as_json:
        typer.echo(_json([{k: p[k] for k in ("zone_id", "action", "since", "reason")} for p in found]))
        return
    if not found:
        typer.echo(f"{on}: no zone is due for lifting or downgrade")
    for p in found:
        late = " (overdue)" if p["overdue"] else ""
        typer.echo(f"zone {p['zone_id']}: {p['action']} {p['from_tier']} → {p['to_tier']} since {p['since']}{late} "
                   f"[{p['state']}] — {p['reason']}")


@zones_app.command("tier")
def tier_command(
    unit_id: int = typer.Option(None, "--unit-id", min=1),
    resident_id: int = typer.Option(None, "--resident-id", min=1),
    day: str = typer.Option(None, "--date", help="YYYY-MM-DD (default today); past days answer from the history"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The risk tier of a unit or a resident's home on a day."""
    on = _day(day)
    with unit_of_work(get_engine()) as session:
        answer = service.tier_of(session, unit_id=unit_id, resident_id=resident_id, on=on)
    if as_json:
        typer.echo(_json({"on": answer.on, "tier": answer.tier, "zone_ids": list(answer.zone_ids)}))
    else:
        zones = f" (zones {', '.join(map(str, answer.zone_ids))})" if answer.zone_ids else ""
        typer.echo(f"{answer.on}: {answer.tier}{zones}")


@zones_app.command("round")
def round_command(
    zone_id: int = typer.Option(..., "--zone", min=1),
    sampled_at: str = typer.Option(..., "--sampled-at", help="YYYY-MM-DDTHH:MM (Asia/Shanghai)"),
    result: str = typer.Option(..., "--result", help="negative, positive or pending"),
) -> None:
    """Record a full test round of a zone in force (until the lab module records them)."""
    try:
        moment = datetime.fromisoformat(sampled_at)
    except ValueError:
        raise InvalidInput("invalid_time",
                           f"--sampled-at: {sampled_at!r} is not a time like 2022-11-19T10:00") from None
    _day(moment.date().isoformat(), "--sampled-at")
    with unit_of_work(get_engine()) as session:
        row = service.record_round(session, zone_id, sampled_at=moment, result=result, actor=CLI_ACTOR)
        typer.echo(f"zone {zone_id}: round sampled {local(row.sampled_at):%Y-%m-%d %H:%M} {row.result}")


@zones_app.command("public")
def public_command(
    day: str = typer.Option(None, "--date", help="YYYY-MM-DD (default today)"),
    tier: str = typer.Option("high", "--tier", help="high or medium"),
    language: str = typer.Option("zh", "--language", help="zh or en"),
    xlsx: Path = typer.Option(None, "--xlsx", help="write the list to this .xlsx file"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The public list (高风险区名单) of a day: printed, as JSON, or written to an Excel file."""
    on = _day(day)
    if tier not in ("high", "medium") or language not in ("zh", "en"):
        raise InvalidInput("invalid_option", "--tier: high or medium; --language: zh or en")
    with unit_of_work(get_engine()) as session:
        if xlsx is not None:
            with open(xlsx, "wb") as out:
                rows = service.write_public_xlsx(session, out, scope=CITY, on=on, tier=tier, language=language)
            typer.echo(f"wrote {rows} places to {xlsx}")
            return
        rows = list(service.public_rows(session, scope=CITY, on=on, tier=tier, language=language))
    if as_json:
        typer.echo(_json(rows))
        return
    for r in rows:
        typer.echo(f"{r['district']} {r['subdistrict']} {r['compound']} {r['place']}  since {r['since']}".strip())
    typer.echo(f"{len(rows)} places, {on}")
