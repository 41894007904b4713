"""The audit log is append-only at the database level, and searchable from the CLI."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

import factories
from fangkong.core import audit
from fangkong.core.pagination import PageRequest


def test_rows_cannot_be_updated_or_deleted(session):
    event_id = audit.record(session, action="resident.reveal", object_type="resident", object_id=1, reason="核实")
    for statement in ("UPDATE audit_event SET reason = 'x' WHERE id = :id", "DELETE FROM audit_event WHERE id = :id"):
        savepoint = session.begin_nested()
        with pytest.raises(DatabaseError, match="append-only"):
            session.execute(text(statement), {"id": event_id})
        savepoint.rollback()
    assert session.scalar(text("SELECT reason FROM audit_event WHERE id = :id"), {"id": event_id}) == "核实"


def test_record_names_the_actor_and_search_filters(session):
    actor = factories.actor(session, role="investigator", jurisdiction="140213")
    audit.record(session, actor=actor, action="resident.reveal", object_type="resident", object_id=7, reason="流调")
    audit.record(session, actor=actor, action="resident.create", object_type="resident", object_id=8)
    rows, total = audit.search(session, page=PageRequest(), actor_name=actor.name, action="resident.reveal")
    assert total == 1
    assert (rows[0].actor_user_id, rows[0].actor_via, rows[0].object_id) == (actor.user.id, "session", "7")


def test_audit_cli_lists_rows(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "FANGKONG_DATABASE_URL": f"sqlite:///{tmp_path}/a.db"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "fangkong", *a], capture_output=True, text=True, env=env)  # noqa: E731
    assert run("db", "upgrade").returncode == 0
    assert run("user", "create", "--username", "li", "--password", "long-enough-pw", "--role", "commander").returncode == 0
    listed = run("audit", "--limit", "5")
    assert listed.returncode == 0, listed.stderr
    assert "user.create" in listed.stdout and "cli" in listed.stdout
    bad = run("audit", "--since", "yesterday")
    assert bad.returncode == 2 and "since" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
