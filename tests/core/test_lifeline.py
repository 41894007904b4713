"""core.lifeline: pool workers started with `end_with_parent` end when their parent is killed with
SIGKILL, and so does the multiprocessing resource tracker they held open; without it they stay (the
defect: reparented to PID 1, alive long after)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from orphans import kill_all, still_running, wait_for_children

POOL_SCRIPT = """
import sys, time, multiprocessing
from concurrent.futures import ProcessPoolExecutor
from fangkong.core.lifeline import end_with_parent

if __name__ == "__main__":
    kind, watched = sys.argv[1], sys.argv[2] == "watched"
    context = multiprocessing.get_context("spawn")
    initializer = end_with_parent if watched else None
    if kind == "executor":
        pool = ProcessPoolExecutor(2, mp_context=context, initializer=initializer)
        [future.result() for future in [pool.submit(time.sleep, 0.2) for _ in range(4)]]
    else:
        pool = context.Pool(2, initializer=initializer)
        pool.map(time.sleep, [0.2] * 4)
    print("ready", flush=True)
    time.sleep(600)
"""


def _killed_pool(tmp_path, kind: str, watched: str) -> set[int]:
    """Start a pool of two workers in a process of its own, kill that process with SIGKILL: its children."""
    script = tmp_path / "pool.py"
    script.write_text(POOL_SCRIPT, encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script), kind, watched], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "ready"
        spawned = wait_for_children(parent.pid, at_least=3)  # two workers and the resource tracker
    finally:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
    return spawned


@pytest.mark.parametrize("kind", ["executor", "pool"])
def test_workers_and_resource_tracker_end_when_the_parent_is_killed(tmp_path, kind):
    spawned = _killed_pool(tmp_path, kind, "watched")
    left = still_running(spawned, timeout=15)
    kill_all(left)
    assert left == set()


def test_without_the_lifeline_the_workers_outlive_their_parent(tmp_path):
    spawned = _killed_pool(tmp_path, "executor", "unwatched")
    left = still_running(spawned, timeout=2)
    kill_all(left)
    assert len(left) >= 2
