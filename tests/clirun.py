"""Running a `fangkong <group> …` command in-process on a given database (quicker than a subprocess)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from fangkong.cli import main
from fangkong.config import reset_settings
from fangkong.core.db import get_engine


def in_process_runner(monkeypatch, capsys, group: str):
    """A function `run(*args, url=…)` → SimpleNamespace(returncode, stdout, stderr); undo with `restore`."""
    def run(*args, url: str):
        monkeypatch.setenv("FANGKONG_DATABASE_URL", url)
        reset_settings()
        get_engine.cache_clear()
        try:
            with pytest.raises(SystemExit) as caught:
                main([group, *args])
        finally:
            get_engine().dispose()
            get_engine.cache_clear()
        out, err = capsys.readouterr()
        return SimpleNamespace(returncode=caught.value.code, stdout=out, stderr=err)

    return run


def runner_fixture(group: str):
    """A pytest fixture giving `in_process_runner` for `group`, undone after the test."""
    @pytest.fixture
    def run(monkeypatch, capsys):
        yield in_process_runner(monkeypatch, capsys, group)
        restore(monkeypatch)

    return run


def restore(monkeypatch) -> None:
    monkeypatch.delenv("FANGKONG_DATABASE_URL")
    reset_settings()


def one_line_error(result) -> str:
    """The single stderr line of a refused command (exit 2, no traceback)."""
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]
