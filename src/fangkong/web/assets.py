"""The static folder and the version its URLs carry (`?v=`): a digest of its content, so a changed
file gets a new URL and a browser may keep a versioned file for a year (core.hardening)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"


@cache
def asset_version(directory: Path = STATIC_DIR) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
