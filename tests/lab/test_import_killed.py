"""`kill -9` of a running `fangkong lab import-samples` leaves no process of it alive: its worker
processes and the multiprocessing resource tracker end with it (core.lifeline)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date, timedelta

import factories
import lab_factories as lf
from orphans import kill_all, still_running, wait_for_children

LINES = 30_000
CHUNK = 100  # blocks of 100 lines: the file is large enough for worker processes


def _sampling_file(path, point: str) -> None:
    first_birth = date(1960, 1, 1)
    with open(path, "w", encoding="utf-8") as out:
        out.write("tube_barcode,pool_size,point_code,sampled_at,id_number\n")
        for i in range(LINES):
            birth = (first_birth + timedelta(days=i // 1000)).strftime("%Y%m%d")
            out.write(f"K{i // 10:06d},10,{point},2022-11-12T08:00,{factories.id_number(birth=birth, seq=i)}\n")


def test_killing_a_running_import_ends_its_workers_and_resource_tracker(fresh_database, tmp_path):
    round_id, point = lf.committed_world(fresh_database.engine)
    csv_file = tmp_path / "round.csv"
    _sampling_file(csv_file, point)
    env = {**os.environ, "FANGKONG_DATABASE_URL": fresh_database.url}
    command = [sys.executable, "-m", "fangkong", "lab", "import-samples", str(csv_file), "--round", str(round_id),
               "--chunk", str(CHUNK)]
    parent = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        spawned = wait_for_children(parent.pid, at_least=3)  # two workers (2 cores or more) and the tracker
        assert parent.poll() is None, "the import ended before it could be killed"
    finally:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
    left = still_running(spawned, timeout=15)
    kill_all(left)
    assert left == set()
