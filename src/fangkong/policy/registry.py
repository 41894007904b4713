"""Reading packs: TOML file → validated `Pack`; the built-in packs; the pack in force on a day.

A city adds a pack by dropping `<id>.toml` into a directory of its own and passing it as
`extra_dir` (the CLI: `--packs-dir` or FANGKONG_POLICY_PACKS_DIR). Built-in packs are never
edited in place: a newer document is a new pack with a later `effective_from`.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from fangkong.policy.errors import NoPackInForce, PackInvalid, UnknownPack
from fangkong.policy.schemas import Pack

BUILTIN_DIR = Path(__file__).with_name("packs")
_SUB_PATH = re.compile(r"^([A-Za-z_]\w*(?:\[\d+\])*(?:\.[A-Za-z_]\w*(?:\[\d+\])*)*): (.+)$", re.DOTALL)


def _loc_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def format_error(exc: ValidationError) -> str:
    """The first problem as `dotted.path[index]: message`, plus how many more there are."""
    errors = exc.errors()
    first = errors[0]
    path = _loc_path(tuple(first.get("loc", ())))
    message = str(first["msg"]).removeprefix("Value error, ")
    match = _SUB_PATH.match(message)
    if match and first["type"] == "value_error":  # our own checks name a field below the model
        path = f"{path}.{match.group(1)}" if path else match.group(1)
        message = match.group(2)
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return f"{path or '(pack)'}: {message}{more}"


def parse_pack(text: str, origin: str = "pack") -> Pack:
    """Validate TOML text into a `Pack`, or raise `PackInvalid` naming the bad field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PackInvalid(f"{origin}: not valid TOML: {exc}") from None
    return validate_pack_data(data, origin)


def validate_pack_data(data: dict, origin: str = "pack") -> Pack:
    try:
        return Pack.model_validate(data)
    except ValidationError as exc:
        raise PackInvalid(f"{origin}: {format_error(exc)}") from None


def load_pack(path: Path) -> Pack:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackInvalid(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackInvalid(f"{path}: cannot read: {exc}") from None
    return parse_pack(text, str(path))


def _load_dir(directory: Path) -> list[Pack]:
    if not directory.is_dir():
        raise PackInvalid(f"{directory}: not a directory of packs")
    packs = []
    for path in sorted(directory.glob("*.toml")):
        pack = load_pack(path)
        if pack.id != path.stem:
            raise PackInvalid(f"{path}: id: the pack declares id {pack.id!r}; name the file {pack.id}.toml")
        packs.append(pack)
    return packs


@lru_cache(maxsize=1)
def builtin_packs() -> tuple[Pack, ...]:
    return tuple(_load_dir(BUILTIN_DIR))


def load_packs(extra_dir: Path | None = None) -> tuple[Pack, ...]:
    """Built-in packs plus a city's own directory; ids unique, no two starting the same day."""
    packs = list(builtin_packs())
    if extra_dir is not None:
        packs.extend(_load_dir(extra_dir))
    for index, pack in enumerate(packs):
        for other in packs[:index]:
            if other.id == pack.id:
                raise PackInvalid(f"pack id {pack.id!r} is defined twice")
            if other.effective_from == pack.effective_from:
                raise PackInvalid(
                    f"packs {other.id} and {pack.id} both take effect on {pack.effective_from}: "
                    "which one is in force would be ambiguous"
                )
    return tuple(sorted(packs, key=lambda p: p.effective_from))


def get_pack(pack_id: str, packs: tuple[Pack, ...] | None = None) -> Pack:
    packs = builtin_packs() if packs is None else packs
    for pack in packs:
        if pack.id == pack_id:
            return pack
    raise UnknownPack(pack_id, [p.id for p in packs])


def newest_first(packs: tuple[Pack, ...] | None = None) -> list[Pack]:
    """The packs, the one that takes effect last first (the forecast's default and its choices)."""
    packs = builtin_packs() if packs is None else packs
    return sorted(packs, key=lambda p: p.effective_from, reverse=True)


def pack_in_force(on: date, packs: tuple[Pack, ...] | None = None) -> Pack:
    """The pack whose effective range holds `on`; of several, the one that took effect last."""
    packs = builtin_packs() if packs is None else packs
    candidates = [p for p in packs if p.in_force(on)]
    if not candidates:
        raise NoPackInForce(on)
    return max(candidates, key=lambda p: p.effective_from)
