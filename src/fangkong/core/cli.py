"""Kernel commands: `init`, `db upgrade|revision`, `user create`."""

from __future__ import annotations

import secrets

import typer

from fangkong.config import env_file_path, get_settings, reset_settings
from fangkong.core import migrate
from fangkong.core.auth import create_user
from fangkong.core.db import get_engine, unit_of_work
from fangkong.core.pii import new_data_key

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
user_app = typer.Typer(help="Users.", no_args_is_help=True)

DEMO_ADMIN = "admin"


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


def ensure_demo_admin() -> str | None:
    """Create the demo admin from var/fangkong.env's password once; returns the login hint."""
    from sqlalchemy import select

    from fangkong.core.models import User

    password = _env_file_value("FANGKONG_ADMIN_PASSWORD")
    if not password:
        return None
    with unit_of_work(get_engine()) as session:
        if session.scalar(select(User.id).where(User.username == DEMO_ADMIN)) is None:
            create_user(session, username=DEMO_ADMIN, password=password, role="admin")
    return f"log in as {DEMO_ADMIN} / {password}  (password from {env_file_path()})"


def _env_file_value(name: str) -> str:
    path = env_file_path()
    if not path.exists():
        return ""
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() == name:
            return value.strip()
    return ""

