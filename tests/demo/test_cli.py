"""`fangkong demo` as a command: progress, --if-empty, refusal, validation before any database work."""

from __future__ import annotations

import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from fangkong.config import reset_settings
from fangkong.core.db import get_engine
from fangkong.core.errors import DomainError
from fangkong.demo.cli import demo_command
from fangkong.people.models import Resident


@pytest.fixture
def demo_app(fresh_database, monkeypatch):
    monkeypatch.setenv("FANGKONG_DATABASE_URL", fresh_database.url)
    reset_settings()
    get_engine.cache_clear()
    app = typer.Typer()
    app.command("demo")(demo_command)
    app.command("noop")(lambda: None)  # keep `demo` a subcommand, as under the root CLI
    yield app
    get_engine().dispose()
    get_engine.cache_clear()
    monkeypatch.delenv("FANGKONG_DATABASE_URL")
    reset_settings()


def _residents(fresh_database) -> int:
    with fresh_database.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Resident)).scalar_one()


def test_demo_command_builds_then_keeps_or_refuses(demo_app, fresh_database):
    runner = CliRunner()
    first = runner.invoke(demo_app, ["demo", "--population", "300", "--seed", "5"])
    assert first.exit_code == 0, first.output
    assert "300 residents" in first.output
    assert _residents(fresh_database) == 300

    kept = runner.invoke(demo_app, ["demo", "--population", "900", "--if-empty"])
    assert kept.exit_code == 0, kept.output
    assert "nothing to do" in kept.output
    assert _residents(fresh_database) == 300

    refused = runner.invoke(demo_app, ["demo", "--population", "900"])
    assert isinstance(refused.exception, DomainError)
    assert refused.exception.code == "city_exists"
    assert _residents(fresh_database) == 300


@pytest.mark.parametrize("population", [-5, 0, 25_000_000])
def test_demo_command_rejects_bad_population(demo_app, fresh_database, population):
    result = CliRunner().invoke(demo_app, ["demo", "--population", str(population)])
    assert isinstance(result.exception, DomainError)
    assert result.exception.code == "invalid_population"
    assert _residents(fresh_database) == 0
