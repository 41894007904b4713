"""One Settings object, read from FANGKONG_* environment variables and var/fangkong.env."""

from __future__ import annotations

import os
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_ENV_FILE = "var/fangkong.env"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FANGKONG_", extra="ignore")

    database_url: str = "sqlite:///var/fangkong.db"
    secret_key: str = ""
    data_key: str = ""
    clock: datetime | None = None
    timezone: str = "Asia/Shanghai"
    debug: bool = False
    # web sessions: absolute lifetime and idle timeout, checked on the server on every request
    session_max_age_seconds: int = 8 * 3600
    session_idle_seconds: int = 30 * 60
    cookie_secure: bool = False  # True behind HTTPS: cookies get Secure, responses get HSTS
    # login throttling: a growing delay per failure, then a lock
    login_max_failures: int = 10
    login_lock_minutes: int = 15
    login_delay_step_seconds: float = 0.25
    login_delay_max_seconds: float = 2.0
    max_body_bytes: int = 10 * 1024 * 1024
    # a rejected lift keeps a zone sealed at most this many days before it is proposed again (a local limit)
    zone_keep_sealed_max_days: int = 30
    retention_days: int = 30  # personal data of people released longer ago is purged by `fangkong retention purge`
    # 12345 hotline deadlines (a local choice, rules.md §6): reply within hours (emergency) or working days (by kind)
    hotline_emergency_hours: int = 2
    hotline_working_days: dict[str, int] = {"enquiry": 3, "help": 3, "complaint": 13, "report": 13, "suggestion": 13}
    hotline_visit_working_days: int = 1  # the return visit: the working day after closure
    hotline_remind_hours: int = 24  # a reminder this long before a reply is due (emergency: the minutes below)
    hotline_emergency_remind_minutes: int = 30
    hotline_topics: str = ""  # a TOML file of the topic tree; empty: the built-in hotline/data/topics.toml
    inspection_rectify_days: int = 3  # an inspection item's rectification deadline, days after it was found
    # a dashboard computed for a (jurisdiction, view, day) is shown again for this long; 0: never kept
    dashboard_cache_seconds: int = Field(default=60, ge=0, le=3600)
    # supplies: a pack priced above its reference by more than this share (%) raises a price alert;
    # orders of special-needs households and medicine deliveries are due this many hours after placing
    supplies_price_margin_pct: int = 10
    supplies_priority_hours: int = 12
    # work resumption (一企一策): a problem's deadline by urgency, in hours; the lead (a username) of each task
    # force, to whom an overdue problem escalates once; the board's trend length in days
    enterprises_problem_hours: dict[str, int] = {"normal": 72, "urgent": 24, "critical": 4}
    enterprises_task_force_leads: dict[str, str] = {}
    enterprises_trend_days: int = 14

    @field_validator("database_url")
    @classmethod
    def _database_url_is_usable(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"cannot parse {value!r} as a database URL") from None
        if url.get_backend_name() not in SUPPORTED_BACKENDS:
            raise ValueError(
                f"backend {url.get_backend_name()!r} is not supported; use sqlite:/// or postgresql://"
            )
        return value

    @field_validator("clock", mode="before")
    @classmethod
    def _empty_clock_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value


def env_file_path() -> Path:
    return Path(os.environ.get("FANGKONG_ENV_FILE", DEFAULT_ENV_FILE))


@lru_cache
def get_settings() -> Settings:
    env_file = env_file_path()
    return Settings(_env_file=env_file if env_file.exists() else None)


def reset_settings() -> None:
    """Forget the cached settings (tests and `fangkong init` change the environment)."""
    get_settings.cache_clear()
