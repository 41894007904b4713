"""The hotline's configurable topic tree: a TOML file of topics whose codes nest by dots (a.b is under a)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fangkong.config import get_settings
from fangkong.core.errors import DomainError, InvalidInput

BUILT_IN = Path(__file__).parent / "data" / "topics.toml"


class Topic(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)*$", max_length=64)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    over_enforcement: bool = False  # tickets of this topic are over-enforcement reports (rules.md §5)

    @property
    def parent(self) -> str | None:
        return self.code.rpartition(".")[0] or None

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class _TopicFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    topic: list[Topic]


def load_topics(path: Path) -> dict[str, Topic]:
    """Read and check a topic file: every parent exists, no code twice."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        topics = _TopicFile.model_validate(raw).topic
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise DomainError("bad_topics", f"hotline topics {path}: {exc}".splitlines()[0]) from None
    found: dict[str, Topic] = {}
    for t in topics:
        if t.code in found:
            raise DomainError("bad_topics", f"hotline topics {path}: topic {t.code!r} appears twice")
        if t.parent and t.parent not in found:
            raise DomainError("bad_topics", f"hotline topics {path}: {t.code!r} comes before its parent {t.parent!r}")
        found[t.code] = t
    return found


@lru_cache
def _cached(path: str) -> dict[str, Topic]:
    return load_topics(Path(path))


def topics() -> dict[str, Topic]:
    return _cached(get_settings().hotline_topics or str(BUILT_IN))


def get_topic(code: str, field: str = "topic") -> Topic:
    found = topics().get(code)
    if found is None:
        raise InvalidInput("unknown_topic", f"{field}: {code!r} is not a hotline topic",
                           details={"field": field, "known": sorted(topics())})
    return found


def lineage(code: str) -> list[str]:
    """The topic and its ancestors, the most specific first."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]
