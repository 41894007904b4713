"""The hotline's configurable topic tree: a TOML file of topics whose codes nest by dots (a.b is under a)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from fangkong.config import get_settings
from fangkong.core.errors import DomainError, InvalidInput

BUILT_IN = Path(__file__).parent / "data" / "topics.toml"


LISTS = ("singlevaluelist", "multivaluelist")
RESERVED_ATTRIBUTE = "kind"  # Open311 asks every service but over-enforcement the ticket's kind


class _Named(BaseModel):
    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Choice(_Named):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[A-Za-z0-9_-]+$", max_length=32)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Attribute(_Named):
    """A question Open311 clients ask with requests of this topic (GeoReport v2 service definition)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z_]+$", max_length=32)
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    required: bool = False
    values: tuple[Choice, ...] = ()

    @model_validator(mode="after")
    def _values_for_lists(self):
        if (self.datatype in LISTS) != bool(self.values):
            raise ValueError(f"attribute {self.code}: values are given exactly for the list datatypes")
        return self


class Topic(_Named):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)*$", max_length=64)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    over_enforcement: bool = False  # tickets of this topic are over-enforcement reports (rules.md §5)
    attributes: tuple[Attribute, ...] = ()  # Open311 questions; each answer is added to the ticket's text

    @property
    def parent(self) -> str | None:
        return self.code.rpartition(".")[0] or None


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
        if any(a.code == RESERVED_ATTRIBUTE for a in t.attributes):
            raise DomainError("bad_topics", f"hotline topics {path}: {t.code!r}: the hotline asks "
                                            f"{RESERVED_ATTRIBUTE!r} itself (Open311)")
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
