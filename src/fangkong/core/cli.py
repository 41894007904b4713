"""Kernel commands: `init`, `db upgrade|revision`, `user create|list|disable|enable`, `token create|list|revoke`."""

from __future__ import annotations

import secrets

import typer

from fangkong.config import env_file_path, reset_settings
from fangkong.core import migrate, tokens, users
from fangkong.core.auth import create_user
from fangkong.core.db import get_engine, unit_of_work
from fangkong.core.pii import new_data_key

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
user_app = typer.Typer(help="Users.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens of machine clients (labs, venue scanners).", no_args_is_help=True)

DEMO_ADMIN = "admin"
DEMO_COMMANDER = "commander"  # the demo's commander: `make run` opens on the dashboard for them


def init_command() -> None:
    """Create var/fangkong.env with fresh keys and a demo admin password (once; never overwrites)."""
    path = env_file_path()
    if path.exists():
        typer.echo(f"{path} exists; keeping its keys")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.write_text(
        "# Written by `fangkong init`. Keep it secret: without FANGKONG_DATA_KEY the personal data\n"
        "# in the database cannot be read. Back it up apart from the database.\n"
        f"FANGKONG_SECRET_KEY={secrets.token_urlsafe(32)}\n"
        f"FANGKONG_DATA_KEY={new_data_key()}\n"
        f"FANGKONG_ADMIN_PASSWORD={password}\n"
    )
    path.chmod(0o600)
    reset_settings()
    typer.echo(f"wrote {path} (secret key, data key, demo admin password)")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Create or upgrade the schema to the newest migration."""
    engine = get_engine()
    migrate.upgrade(engine, revision)
    typer.echo(f"database at {engine.url.render_as_string(hide_password=True)} is at {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="the revision to go back to")) -> None:
    """Undo migrations down to REVISION (back up the database first)."""
    engine = get_engine()
    migrate.downgrade(engine, revision)
    typer.echo(f"database at {engine.url.render_as_string(hide_password=True)} is at {revision}")


@db_app.command("revision")
def db_revision(message: str = typer.Option(..., "--message", "-m")) -> None:
    """Write a new migration from the difference between models and the database."""
    migrate.new_revision(get_engine(), message)


@user_app.command("create")
def user_create(
    username: str = typer.Option(..., "--username"),
    password: str = typer.Option(..., "--password", prompt=True, hide_input=True, confirmation_prompt=True),
    role: str = typer.Option("admin", "--role"),
    jurisdiction: str = typer.Option("140200", "--jurisdiction", help="area code the user may see"),
) -> None:
    with unit_of_work(get_engine()) as session:
        user = create_user(
            session, username=username, password=password, role=role, jurisdiction_code=jurisdiction
        )
    typer.echo(f"created user {user.username} ({user.role}, {user.jurisdiction_code})")


def _table(header: tuple[str, ...], rows: list[tuple]) -> None:
    cells = [tuple(str(c) for c in header)] + [tuple("" if c is None else str(c) for c in row) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


@user_app.command("list")
def user_list() -> None:
    """Every user with role, jurisdiction, and whether it may log in."""
    with unit_of_work(get_engine()) as session:
        rows = [
            (u.username, u.role, u.jurisdiction_code, "yes" if u.is_active else "no", "yes" if users.is_locked(u) else "no")
            for u in users.list_users(session)
        ]
    _table(("username", "role", "jurisdiction", "active", "locked"), rows)


@user_app.command("disable")
def user_disable(username: str = typer.Argument(...)) -> None:
    """Stop a user from logging in; ends every session at once (API tokens stop working too)."""
    with unit_of_work(get_engine()) as session:
        user = users.set_active(session, username, False)
    typer.echo(f"disabled user {user.username}; its sessions are revoked")


@user_app.command("enable")
def user_enable(username: str = typer.Argument(...)) -> None:
    """Let a disabled user log in again (also lifts a login lock)."""
    with unit_of_work(get_engine()) as session:
        user = users.set_active(session, username, True)
    typer.echo(f"enabled user {user.username}")


@token_app.command("create")
def token_create(
    user: str = typer.Option(..., "--user", help="owner: the token acts with this user's role and jurisdiction"),
    name: str = typer.Option(..., "--name", help="what the token is for, e.g. the lab's name"),
    scope: list[str] = typer.Option(..., "--scope", help="an action the token may do; repeat for more"),
    expires_days: int | None = typer.Option(None, "--expires-days", help="valid this many days (default: until revoked)"),
) -> None:
    """Create a token and print it once: only its hash is kept."""
    with unit_of_work(get_engine()) as session:
        row, token = tokens.create_token(session, username=user, name=name, scopes=scope, expires_days=expires_days)
        summary = f"token {row.id} ({row.prefix}) for {user}: {', '.join(row.scopes)}"
    typer.echo(summary)
    typer.echo(token)
    typer.echo("store it now: it is shown only this once", err=True)


@token_app.command("list")
def token_list() -> None:
    """Every token: id, prefix, name, owner, scopes, state; never the token itself."""
    with unit_of_work(get_engine()) as session:
        rows = [
            (row.id, row.prefix, row.name, owner, ",".join(row.scopes), tokens.token_state(row),
             _when(row.expires_at), _when(row.last_used_at))
            for row, owner in tokens.list_tokens(session)
        ]
    _table(("id", "prefix", "name", "user", "scopes", "state", "expires", "last used"), rows)


@token_app.command("revoke")
def token_revoke(id_or_prefix: str = typer.Argument(..., metavar="ID_OR_PREFIX")) -> None:
    """Revoke a token at once (by id or prefix)."""
    with unit_of_work(get_engine()) as session:
        row = tokens.revoke_token(session, id_or_prefix)
        message = f"revoked token {row.id} ({row.prefix}, {row.name})"
    typer.echo(message)


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


def ensure_demo_admin() -> str | None:
    """Create the demo admin and commander with var/fangkong.env's password once; returns the login hint."""
    from sqlalchemy import select

    from fangkong.core.models import User

    password = _env_file_value("FANGKONG_ADMIN_PASSWORD")
    if not password:
        return None
    with unit_of_work(get_engine()) as session:
        for username, role in ((DEMO_ADMIN, "admin"), (DEMO_COMMANDER, "commander")):
            if session.scalar(select(User.id).where(User.username == username)) is None:
                create_user(session, username=username, password=password, role=role)
    return (f"log in as {DEMO_COMMANDER} (the command's dashboard) or {DEMO_ADMIN}, password {password}  "
            f"(from {env_file_path()})")


def _env_file_value(name: str) -> str:
    path = env_file_path()
    if not path.exists():
        return ""
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() == name:
            return value.strip()
    return ""


def echo_warnings(warnings: list[dict]) -> None:
    """An import's warnings (core.files.column_warnings), one `warning:` line each on stderr."""
    for warning in warnings:
        typer.echo(f"warning: {warning['message']}", err=True)
