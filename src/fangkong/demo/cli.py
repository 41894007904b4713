"""`fangkong demo`: build the demo city into the configured database, with a progress bar."""

from __future__ import annotations

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from fangkong.core.db import get_engine
from fangkong.demo.generator import existing_city, generate_city, validate_request
from fangkong.demo.progress import rich_progress
from fangkong.demo.scenario import build_scenario
from fangkong.demo.zones_scenario import summary as zones_summary
from fangkong.demo.hotline_scenario import counts as hotline_counts
from fangkong.demo.supplies_scenario import counts as supplies_counts


def demo_command(
    population: int = typer.Option(100_000, "--population", "-n", help="Residents to generate."),
    seed: int = typer.Option(2022, "--seed", help="Same seed and population, same city."),
    if_empty: bool = typer.Option(
        False, "--if-empty", help="Do nothing (and say so) when the database already holds a city."
    ),
    scenario: bool = typer.Option(
        True, "--scenario/--no-scenario",
        help="Also replay the scenario of 2022-11-13: people under management, switched to measures20 on 11-11.",
    ),
) -> None:
    """Generate the demo city 大同市 (districts down to units, households, residents, venues) and its scenario."""
    validate_request(population, seed)
    console = Console()
    engine = get_engine()
    if if_empty:
        districts, people = existing_city(engine)
        if districts or people:
            console.print(
                f"The database already holds a city ({districts} districts, {people:,} residents): "
                "nothing to do."
            )
            return
    with rich_progress(console) as report:
        summary = generate_city(engine, population=population, seed=seed, progress=report)
    console.print(
        f"大同市 demo city (seed {summary.seed}): {summary.residents:,} residents in "
        f"{summary.households:,} households; {summary.districts} districts, "
        f"{summary.subdistricts:,} subdistricts, {summary.communities:,} communities, "
        f"{summary.compounds:,} compounds, {summary.buildings:,} buildings, {summary.units:,} units, "
        f"{summary.venues:,} venues — {summary.seconds:.1f} s."
    )
    if scenario:
        story = build_scenario(engine, seed=seed)
        console.print(
            f"Scenario of 2022-11-13: {story.people:,} people under management ({story.non_residents} non-residents), "
            f"{story.before_switch:,} anchored under ed9 and switched on 2022-11-11 ({story.switched:,} plans changed, "
            f"{story.released_at_once:,} released at once), {story.after_switch:,} under measures20; "
            f"{story.results:,} test results, {story.cases} cases — {story.seconds:.1f} s."
        )
        zones = zones_summary(engine)
        states = ", ".join(f"{count} {state}" for state, count in sorted(zones["states"].items()))
        packs = ", ".join(f"{count} under {pack}" for pack, count in sorted(zones["packs"].items()))
        console.print(f"Risk zones: {states} ({packs}); {zones['open_proposals']} lifting proposals open on 2022-11-13.")
        with Session(engine) as session:
            tickets = hotline_counts(session)
            supplies = supplies_counts(session)
        if tickets.get("states"):
            listed = ", ".join(f"{count} {state}" for state, count in sorted(tickets["states"].items()))
            console.print(f"12345 hotline: {sum(tickets['states'].values())} tickets ({listed}); "
                          f"{tickets['over_enforcement']} over-enforcement reports to supervision; "
                          f"{tickets['inspection_items']} inspection items.")
        if supplies["points"]:
            states = ", ".join(f"{count} {state}" for state, count in sorted(supplies["states"].items()))
            console.print(f"Supplies: {supplies['points']} supply points, {sum(supplies['states'].values())} orders "
                          f"({states}); {supplies['special_needs']} special-needs residents; "
                          f"{supplies['alerts']} price alert(s).")
