"""`fangkong …` and `python -m fangkong …`: every domain adds its commands here.

Bad input prints one line on stderr and exits 2; a traceback shows only with FANGKONG_DEBUG=1.
"""

from __future__ import annotations

import os
import sys

import typer
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

try:  # recent Typer releases vendor click; older ones use the click package
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - depends on the installed Typer
    from click import exceptions as click_exceptions

from fangkong.core.cli import db_app, ensure_demo_admin, init_command, token_app, user_app
from fangkong.core.audit_cli import audit_command
from fangkong.core.errors import DomainError
from fangkong.dashboard.cli import report_app
from fangkong.demo.cli import demo_command
from fangkong.enterprises.cli import enterprises_app
from fangkong.lab.cli import lab_app
from fangkong.people.cli import retention_app, switch_command
from fangkong.policy.cli import policy_app
from fangkong.quarantine.cli import quarantine_app
from fangkong.hotline.cli import hotline_app
from fangkong.inspection.cli import inspection_app
from fangkong.supplies.cli import supplies_app
from fangkong.tracing.cli import tracing_app
from fangkong.zones.cli import zones_app

app = typer.Typer(
    name="fangkong",
    help="Fangkong (防控): epidemic prevention and control operations platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("init")(init_command)
app.command("demo")(demo_command)
app.command("audit")(audit_command)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
policy_app.command("switch")(switch_command)
app.add_typer(policy_app, name="policy")
app.add_typer(retention_app, name="retention")
app.add_typer(zones_app, name="zones")
app.add_typer(tracing_app, name="tracing")
app.add_typer(lab_app, name="lab")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(hotline_app, name="hotline")
app.add_typer(inspection_app, name="inspection")
app.add_typer(report_app, name="report")
app.add_typer(supplies_app, name="supplies")
app.add_typer(enterprises_app, name="enterprises")


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
) -> None:
    """Serve the web UI and the API."""
    import uvicorn

    from fangkong.app import create_app

    application = create_app()
    hint = ensure_demo_admin()
    typer.echo(f"Fangkong serving on http://{host}:{port}")
    if hint:
        typer.echo(hint)
    uvicorn.run(application, host=host, port=port, log_level="info")


def _settings_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = "FANGKONG_" + str(first["loc"][0]).upper() if first.get("loc") else "settings"
    return f"{field}: {first['msg'].removeprefix('Value error, ')}"


def main(argv: list[str] | None = None) -> None:
    try:
        code = app(args=argv, standalone_mode=False)
    except typer.Abort:
        _fail("aborted", 1)
    except click_exceptions.ClickException as exc:
        _fail(exc.format_message(), 2)
    except DomainError as exc:
        _fail(exc.message, 2)
    except ValidationError as exc:
        _fail(_settings_message(exc), 2)
    except SQLAlchemyError as exc:
        _debug_traceback()
        _fail(f"database error: {str(exc.orig if getattr(exc, 'orig', None) else exc).splitlines()[0]}", 2)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # noqa: BLE001 - the CLI never shows a traceback unless asked
        _debug_traceback()
        _fail(f"unexpected error: {type(exc).__name__}: {exc}", 1)
    sys.exit(code if isinstance(code, int) else 0)


def _debug_traceback() -> None:
    if os.environ.get("FANGKONG_DEBUG") == "1":
        import traceback

        traceback.print_exc()


def _fail(message: str, code: int) -> None:
    print(f"fangkong: {message}", file=sys.stderr)
    sys.exit(code)
