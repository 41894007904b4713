"""`fangkong user list|disable|enable` and `fangkong token create|list|revoke`, run as a user runs them."""

from __future__ import annotations

import re
import sqlite3

import pytest
from test_cli import assert_one_line_error, run_cli


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("cli-access")
    environment = {
        "FANGKONG_ENV_FILE": str(workdir / "fangkong.env"),
        "FANGKONG_DATABASE_URL": f"sqlite:///{workdir}/fk.db",
        "FANGKONG_DATA_KEY": "",
        "FANGKONG_SECRET_KEY": "",
    }
    assert run_cli("init", env_extra=environment).returncode == 0
    assert run_cli("db", "upgrade", env_extra=environment).returncode == 0
    for username in ("lab-datong", "worker-zhang"):
        created = run_cli("user", "create", "--username", username, "--password", "long-enough-pw", env_extra=environment)
        assert created.returncode == 0, created.stderr
    environment["db_path"] = str(workdir / "fk.db")
    return environment


def _ok(*args, env):
    result = run_cli(*args, env_extra={k: v for k, v in env.items() if k.startswith("FANGKONG_")})
    assert result.returncode == 0, result.stderr
    return result


def _err(*args, env):
    return assert_one_line_error(run_cli(*args, env_extra={k: v for k, v in env.items() if k.startswith("FANGKONG_")}))


def _user_row(listing: str, username: str) -> list[str]:
    return next(line.split() for line in listing.splitlines() if line.startswith(username + " "))


def test_user_list_disable_enable(env):
    listing = _ok("user", "list", env=env).stdout
    assert listing.splitlines()[0].split() == ["username", "role", "jurisdiction", "active", "locked"]
    assert _user_row(listing, "worker-zhang")[1:] == ["admin", "140200", "yes", "no"]
    assert "disabled" in _ok("user", "disable", "worker-zhang", env=env).stdout
    assert _user_row(_ok("user", "list", env=env).stdout, "worker-zhang")[3] == "no"
    _ok("user", "enable", "worker-zhang", env=env)
    assert _user_row(_ok("user", "list", env=env).stdout, "worker-zhang")[3] == "yes"
    assert "not found" in _err("user", "disable", "nobody", env=env)


def test_token_is_shown_once_and_kept_only_as_a_hash(env):
    created = _ok(
        "token", "create", "--user", "lab-datong", "--name", "大同一检", "--scope", "residents.read",
        "--scope", "places.read", "--expires-days", "30", env=env,
    )
    token = re.search(r"^fk_[0-9a-f]{8}_\S+$", created.stdout, re.M).group(0)
    prefix = token.split("_")[1]
    assert "shown only this once" in created.stderr
    listing = _ok("token", "list", env=env).stdout
    assert prefix in listing and token not in listing and "places.read,residents.read" in listing
    assert token.encode() not in open(env["db_path"], "rb").read()
    with sqlite3.connect(env["db_path"]) as db:
        rows = db.execute("SELECT * FROM api_token").fetchall()
    assert rows and not [row for row in rows if any(token in str(value) for value in row)]

    revoked = _ok("token", "revoke", prefix, env=env)
    assert "revoked token" in revoked.stdout and prefix in revoked.stdout
    assert re.search(rf"{prefix}\s.*\srevoked\s", _ok("token", "list", env=env).stdout)


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["token", "create", "--user", "lab-datong", "--name", "x", "--scope", "everything.please"], "scope"),
        (["token", "create", "--user", "nobody", "--name", "x", "--scope", "places.read"], "not found"),
        (["token", "create", "--user", "lab-datong", "--name", "x", "--scope", "places.read", "--expires-days", "0"],
         "expires-days"),
        (["token", "revoke", "ffffffff"], "not found"),
        (["token", "create", "--user", "lab-datong", "--name", "x"], "scope"),
    ],
    ids=["unknown-scope", "unknown-user", "bad-expiry", "unknown-token", "no-scope"],
)
def test_bad_input_is_one_line_and_exit_2(env, args, fragment):
    assert fragment in _err(*args, env=env).lower()
