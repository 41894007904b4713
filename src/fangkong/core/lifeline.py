"""Worker processes that end with the process that started them, however it ends (kill -9 included).

A pool worker waits on its task queue, whose pipe every worker also holds open: when the parent is killed
no worker ever reads an end of file, and the workers (and the resource tracker they keep open) outlive
it, reparented to PID 1. multiprocessing gives each spawned child a sentinel of its parent, a pipe whose
only write end is the parent's: it becomes readable when the parent dies. A daemon thread waits on it and
ends the worker. Portable (no prctl), one idle thread, no polling.
"""

from __future__ import annotations

import multiprocessing
import os
import threading

PARENT_DIED = 70  # exit status of a worker ended by its parent's death (EX_SOFTWARE)


def end_with_parent() -> None:
    """Called in a pool worker (its initializer): end this process when its parent process dies."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    threading.Thread(target=_exit_when_gone, args=(parent,), name="lifeline", daemon=True).start()


def _exit_when_gone(parent) -> None:
    parent.join()  # waits on the parent's sentinel; returns only once the parent is gone
    os._exit(PARENT_DIED)
