"""The CLI as a user runs it: one clear line on stderr and exit 2 for bad input, never a traceback."""

import os
import subprocess
import sys

import pytest


def run_cli(*args, env_extra=None, cwd=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "fangkong", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


def assert_one_line_error(result):
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize("population", ["-5", "0"])
def test_demo_refuses_non_positive_population(population, tmp_path):
    line = assert_one_line_error(
        run_cli("demo", "--population", population, env_extra={"FANGKONG_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    )
    assert "population" in line


def test_demo_refuses_non_integer_population(tmp_path):
    line = assert_one_line_error(
        run_cli("demo", "--population", "many", env_extra={"FANGKONG_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    )
    assert "population" in line.lower()


@pytest.mark.parametrize(
    "url, fragment",
    [("not a url", "FANGKONG_DATABASE_URL"), ("mysql://root@localhost/x", "not supported")],
)
def test_malformed_database_url(url, fragment):
    line = assert_one_line_error(run_cli("db", "upgrade", env_extra={"FANGKONG_DATABASE_URL": url}))
    assert fragment in line


def test_unknown_command_is_one_line():
    assert "No such command" in assert_one_line_error(run_cli("frobnicate"))


def test_init_upgrade_and_user_create(tmp_path):
    env = {
        "FANGKONG_ENV_FILE": str(tmp_path / "fangkong.env"),
        "FANGKONG_DATABASE_URL": f"sqlite:///{tmp_path}/fk.db",
        "FANGKONG_DATA_KEY": "",
        "FANGKONG_SECRET_KEY": "",
    }
    assert run_cli("init", env_extra=env).returncode == 0
    content = (tmp_path / "fangkong.env").read_text()
    assert "FANGKONG_DATA_KEY=" in content and "FANGKONG_ADMIN_PASSWORD=" in content
    assert oct((tmp_path / "fangkong.env").stat().st_mode)[-3:] == "600"
    assert run_cli("init", env_extra=env).stdout.strip().endswith("keeping its keys")
    assert run_cli("db", "upgrade", env_extra=env).returncode == 0
    created = run_cli("user", "create", "--username", "zhang", "--password", "long-enough-pw", env_extra=env)
    assert created.returncode == 0, created.stderr
    again = run_cli("user", "create", "--username", "zhang", "--password", "long-enough-pw", env_extra=env)
    assert "already taken" in assert_one_line_error(again)
    weak = run_cli("user", "create", "--username", "li", "--password", "short", env_extra=env)
    assert "at least" in assert_one_line_error(weak)


def test_db_downgrade_and_upgrade_again(tmp_path):
    import sqlite3

    env = {"FANGKONG_DATABASE_URL": f"sqlite:///{tmp_path}/fk.db"}
    assert run_cli("db", "upgrade", env_extra=env).returncode == 0

    def tables():
        with sqlite3.connect(tmp_path / "fk.db") as db:
            return {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    assert {"managed_plan", "test_result"} <= tables() and "test_appointment" not in tables()
    down = run_cli("db", "downgrade", "20261129_0005", env_extra=env)
    assert down.returncode == 0, down.stderr
    assert "test_appointment" in tables() and "managed_plan" not in tables()
    assert run_cli("db", "upgrade", env_extra=env).returncode == 0 and "managed_plan" in tables()
