"""`fangkong policy …`: list, show and validate packs; compute a plan.

Refusals are `DomainError`s: the root CLI prints one line on stderr and exits 2.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import typer

from fangkong.core import clock
from fangkong.core.errors import InvalidInput
from fangkong.policy.engine import Plan, compute_plan, plan_to_json
from fangkong.policy.registry import get_pack, load_pack, load_packs, pack_in_force
from fangkong.policy.schemas import CATEGORY_CODES, Pack

policy_app = typer.Typer(help="Policy packs (ed9, measures20, local) and the plans they prescribe.", no_args_is_help=True)

PACKS_DIR = typer.Option(
    None,
    "--packs-dir",
    envvar="FANGKONG_POLICY_PACKS_DIR",
    help="a directory of the city's own packs (<id>.toml), added to the built-in ones",
)


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("invalid_date", f"{option}: {text!r} is not a date like 2022-11-10") from None


def _effective(pack: Pack) -> str:
    until = f" until {pack.effective_until}" if pack.effective_until else ""
    return f"from {pack.effective_from}{until}"


@policy_app.command("list")
def list_command(packs_dir: Path = PACKS_DIR) -> None:
    """The packs known, with the one in force today."""
    packs = load_packs(packs_dir)
    today = clock.today()
    rows = [("id", "title", "effective", "")]
    rows += [(p.id, p.title.zh, _effective(p), "in force" if p.in_force(today) else "") for p in packs]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        typer.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])


def _phase_line(kind: str, days: int, test_days: list[int]) -> str:
    tests = f"tests day {', '.join(map(str, test_days))}" if test_days else "no tests"
    return f"{days} d {kind} ({tests})"


@policy_app.command("show")
def show_command(pack_id: str = typer.Argument(..., metavar="ID"), packs_dir: Path = PACKS_DIR) -> None:
    """A human summary of one pack."""
    pack = get_pack(pack_id, load_packs(packs_dir))
    echo = typer.echo
    echo(f"{pack.id}: {pack.title.zh} / {pack.title.en}")
    echo(f"  source: {pack.source.document} ({pack.source.issuer}, {pack.source.published})")
    if pack.source.note:
        echo(f"  note: {pack.source.note}")
    echo(f"  in force {_effective(pack)}" + ("" if pack.effective_until else " (until a later pack takes effect)"))
    echo("categories (anchor = day 0, phases start on day 1, test days counted within each phase):")
    for code in CATEGORY_CODES:
        cat = pack.category(code)
        if not cat.identified:
            echo(f"  {code}: not identified: {cat.note}")
            continue
        if not cat.planned:
            echo(f"  {code}: no quarantine plan: {cat.note}")
            continue
        phases = " + ".join(_phase_line(p.kind, p.days, p.test_days) for p in cat.phases)
        echo(f"  {code} (anchor {cat.anchor}): {phases}")
        for alt in cat.alternatives:
            alt_phases = " + ".join(_phase_line(p.kind, p.days, p.test_days) for p in alt.phases)
            echo(f"    or option {alt.id} ({alt.label.en}): {alt_phases}")
        if cat.note:
            echo(f"    note: {cat.note}")
    z = pack.zones
    echo(f"zones: tiers {'/'.join(z.tiers)}; drawn by {' or '.join(z.granularity)}; a case's venues: {z.venue_tier}")
    for rule in z.lifting:
        scope = " (after a downgrade)" if rule.downgraded_only else ""
        echo(f"  {rule.from_tier} → {rule.to_tier}{scope}: {rule.clean_days} clean days, full round {rule.full_round}")
    hz = z.high_zone_testing
    regime = "daily" if hz.daily else f"full rounds on days {hz.full_round_days}, antigen on {hz.antigen_days}"
    echo(f"  testing in a high-risk zone: {regime}{', then ' + hz.then if hz.then else ''}")
    t = pack.testing
    echo(
        f"testing: pools {t.pool_sizes} (default {t.default_pool_size}), re-pooling "
        f"{'allowed' if t.repooling_allowed else 'refused'}; single tube for {', '.join(t.single_tube_for)}"
    )
    s = t.mass_testing_stop
    echo(f"  mass testing stops after {s.clean_rounds} clean rounds, {s.wait_days} days wait, {s.final_rounds} more")
    h = t.turnaround_hours
    echo(f"  turnaround: {h.fever_emergency} h fever/emergency, {h.in_outpatient} h patients, {h.voluntary} h voluntary")
    tr = pack.tracing
    echo(
        f"tracing: close-contact window {tr.close_contact_window_days} days; secondary contacts "
        f"{'identified' if pack.identifies('secondary_contact') else 'not identified'}; time-space companion "
        f"{'used' if tr.time_space_companion else 'not used'}; fever from {tr.fever_threshold_celsius} °C"
    )
    echo(f"  co-presence: same venue at most {tr.copresence_gap_minutes} min apart, venue kinds "
         f"{', '.join(tr.venue_kinds)}; secondary contacts {'proposed' if tr.propose_secondary_contacts else 'never proposed'}")


@policy_app.command("validate")
def validate_command(file: Path = typer.Argument(..., metavar="FILE", dir_okay=False)) -> None:
    """Check a pack file: an ok line, or one line naming the bad field (exit 2)."""
    pack = load_pack(file)
    typer.echo(f"ok: {file} is a valid pack ({pack.id}, {_effective(pack)})")


def _human(plan: Plan, option: str | None) -> None:
    echo = typer.echo
    echo(f"{plan.pack} · {plan.category}{' · option ' + option if option else ''} · anchor {plan.anchor} (day 0)")
    for p in plan.phases:
        tests = ", ".join(map(str, p.test_days)) or "none"
        echo(f"  {p.kind:<23} {p.start} .. {p.end}  ({p.days} d)  tests: {tests}")
    echo(f"release on {plan.release_on}")
    if plan.owed_from > plan.anchor + timedelta(days=1):
        missed = [d for p in plan.phases for d in p.test_days if d < plan.owed_from]
        echo(
            f"not owed before {plan.owed_from} (identified): "
            f"{len(missed)} test day{'s' if len(missed) != 1 else ''} before it missed, not due"
        )


@policy_app.command("plan")
def plan_command(
    category: str = typer.Option(..., "--category", help=", ".join(CATEGORY_CODES)),
    anchor: str = typer.Option(..., "--anchor", help="day 0: last exposure, arrival, … (YYYY-MM-DD)"),
    pack_id: str = typer.Option(None, "--pack", help="default: the pack in force on the anchor date"),
    identified: str = typer.Option(None, "--identified", help="the day the person was identified"),
    option: str = typer.Option(None, "--option", help="an alternative the pack allows (see policy show)"),
    as_json: bool = typer.Option(False, "--json", help="the contract: pack, category, anchor, phases, release_on"),
    packs_dir: Path = PACKS_DIR,
) -> None:
    """The plan a pack prescribes for a category from an anchor date."""
    anchor_day = _date(anchor, "--anchor")
    assert anchor_day is not None
    packs = load_packs(packs_dir)
    pack = get_pack(pack_id, packs) if pack_id else pack_in_force(anchor_day, packs)
    plan = compute_plan(pack, category, anchor_day, _date(identified, "--identified"), option=option)
    if as_json:
        typer.echo(json.dumps(plan_to_json(plan), ensure_ascii=False))
    else:
        _human(plan, option)
