"""The zones' history rows (zone_event) and who did something (a user, or a command / job)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.zones.models import ZoneEvent


def who(actor: Any) -> tuple[int | None, str]:
    """(user id, name) of an Actor, or (None, "cli"/"system"/…) for commands, jobs and the demo."""
    user = getattr(actor, "user", None)
    if user is not None:
        return user.id, user.username
    if isinstance(actor, str):
        return None, actor
    return None, getattr(getattr(actor, "principal", None), "via", None) or "system"


def json_ready(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    return value


def add_event(session: Session, zone_id: int, kind: str, actor: Any, **data: Any) -> None:
    add_events(session, [(zone_id, data)], kind, actor)


def add_events(session: Session, items: Iterable[tuple[int, dict]], kind: str, actor: Any) -> int:
    """One event per (zone id, data), in one executemany."""
    user_id, name = who(actor)
    now = clock.now()
    rows = [{"zone_id": zone_id, "at": now, "kind": kind, "actor_name": name, "actor_user_id": user_id,
             "data": json_ready(data)} for zone_id, data in items]
    if rows:
        session.execute(insert(ZoneEvent), rows)
    return len(rows)


def audit_row(session: Session, actor: Any, *, action: str, object_id: Any, object_type: str = "zone",
              reason: str | None = None, before: dict | None = None, after: dict | None = None) -> None:
    """core.audit.record for an Actor, or for a command/job named by a string ("cli", "system", "demo")."""
    named = {"actor_name": actor, "actor_via": "cli" if actor == "cli" else "system"} if isinstance(actor, str) \
        else {"actor": actor}
    audit.record(session, action=action, object_type=object_type, object_id=object_id, reason=reason,
                 before=json_ready(before) if before else None, after=json_ready(after) if after else None, **named)
