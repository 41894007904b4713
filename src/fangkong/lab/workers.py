"""Checking a large sampling file's blocks in worker processes while this process stores the previous ones.

Each swab costs about as much to parse and check (CSV, GB 11643, the person's MAC, AES-GCM of the
document, the round's rules) as to store; in one process both share one core (the GIL: a thread did
not help on SQLite). Workers take a block of the file's text and answer a `sampling.Prepared`;
admission against what is stored and the write stay here, in file order. The workers start by
"spawn" (no fork of a process that may hold database connections or threads) and get the import's
context and the data key once, and end if this process dies (core.lifeline).
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context

from fangkong.config import get_settings
from fangkong.core import files
from fangkong.core.lifeline import end_with_parent
from fangkong.core.pii import cipher_for
from fangkong.lab import sampling

MAX_WORKERS = 4
_worker: dict = {}


def default_workers() -> int:
    return min(MAX_WORKERS, os.cpu_count() or 1)


def prepare_block(ctx: sampling.Context, header: list[str], block: files.Block, cipher=None) -> sampling.Prepared:
    lines, records = files.block_records(header, block)
    return sampling.prepare(ctx, records, lines=lines, cipher=cipher)


def prepared_blocks(ctx: sampling.Context, header: list[str], blocks: Iterator[files.Block],
                    workers: int) -> Iterator[sampling.Prepared]:
    """`prepare_block` of each block, in order, by `workers` processes; one block more than workers is
    read ahead."""
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_start,
                               initargs=(replace(ctx, round=None, times={}), header, get_settings().data_key))
    pending = deque()
    try:
        for block in blocks:
            pending.append(pool.submit(_prepare, block))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start(ctx: sampling.Context, header: list[str], data_key: str) -> None:
    end_with_parent()
    gc.disable()  # a worker's objects hold no cycles and live one block (core.gcpause)
    _worker.update(ctx=ctx, header=header, cipher=cipher_for(data_key))


def _prepare(block: files.Block) -> sampling.Prepared:
    return prepare_block(_worker["ctx"], _worker["header"], block, _worker["cipher"])
