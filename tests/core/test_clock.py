from datetime import date, datetime

from fangkong.config import get_settings, reset_settings
from fangkong.core import clock


def test_frozen_clock_is_in_shanghai(monkeypatch):
    monkeypatch.setenv("FANGKONG_CLOCK", "2022-11-13T09:00")
    reset_settings()
    try:
        assert clock.now().isoformat() == "2022-11-13T09:00:00+08:00"
        assert clock.today() == date(2022, 11, 13)
    finally:
        reset_settings()


def test_frozen_utc_clock_converts_to_shanghai_date(monkeypatch):
    monkeypatch.setenv("FANGKONG_CLOCK", "2022-11-12T17:30:00+00:00")
    reset_settings()
    try:
        assert clock.today() == date(2022, 11, 13)  # 01:30 in Asia/Shanghai
    finally:
        reset_settings()


def test_unfrozen_clock_runs(monkeypatch):
    monkeypatch.setenv("FANGKONG_CLOCK", "")
    reset_settings()
    try:
        now = clock.now()
        assert now.utcoffset().total_seconds() == 8 * 3600
        assert now.year >= 2024 and isinstance(now, datetime)
    finally:
        reset_settings()


def test_no_module_calls_datetime_now_directly():
    import pathlib

    src = pathlib.Path(clock.__file__).resolve().parents[1]
    offenders = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if p.name != "clock.py" and ("datetime.now(" in p.read_text() or "date.today(" in p.read_text())
    ]
    assert offenders == []


def test_replay_moment_is_seen_only_by_its_own_thread(monkeypatch):
    import threading

    monkeypatch.setenv("FANGKONG_CLOCK", "2022-11-13T09:00")
    reset_settings()
    seen = {}
    with clock.frozen(datetime(2022, 11, 10, 20, 0)):
        worker = threading.Thread(target=lambda: seen.setdefault("other", clock.today()))
        worker.start()
        worker.join()
        seen["inside"] = clock.today()
    assert seen == {"inside": date(2022, 11, 10), "other": date(2022, 11, 13)}
    assert clock.today() == date(2022, 11, 13)
    assert get_settings().clock == datetime(2022, 11, 13, 9, 0)
