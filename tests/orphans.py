"""Processes seen through /proc (Linux): a process's children, and whether they are still running."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of `pid`, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2:].split()  # the name in parentheses may hold spaces
    return fields[0], int(fields[1])


def running(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) and stat[1] == pid:
            found.add(int(entry.name))
    return found


def wait_for_children(pid: int, at_least: int, timeout: float = 60) -> set[int]:
    """The running children of `pid` once there are `at_least` of them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = {child for child in children(pid) if running(child)}
        if len(found) >= at_least:
            return found
        time.sleep(0.05)
    raise AssertionError(f"process {pid} started fewer than {at_least} children in {timeout} s")


def still_running(pids: set[int], timeout: float) -> set[int]:
    """Those of `pids` still running after up to `timeout` seconds."""
    deadline = time.monotonic() + timeout
    left = set(pids)
    while left and time.monotonic() < deadline:
        left = {pid for pid in left if running(pid)}
        time.sleep(0.05)
    return {pid for pid in left if running(pid)}


def kill_all(pids: set[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
