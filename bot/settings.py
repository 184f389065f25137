"""Settings from the environment and `.env`, checked at start with one clear line per fault."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.usecases.core import Rules
from scheduler.planner import PlannerConfig
from storage.db import DatabaseUrlError, check_database_url

TOKEN_PATTERN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
# Telegram usernames: 5-32 characters, letters, digits and underscores, starting with a letter.
USERNAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")
# setWebhook's secret_token: 1-256 characters A-Z, a-z, 0-9, _ and - (Bot API).
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line that says what to set."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment (see .env.example)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str = ""
    database_url: str = "sqlite+aiosqlite:///data/ita.db"
    # Evidence files, each kept once by its SHA-256 (back it up with the database).
    evidence_dir: Path = Path("data/evidence")
    # True with a self-hosted Bot API server started with --local: files are read from its
    # disk and the 20 MB download limit does not apply (see README, "Large evidence files").
    telegram_local_mode: bool = False
    timezone: str = "Asia/Bangkok"
    scheduler_tick_seconds: float = Field(default=30.0, gt=0, le=3600)
    scheduler_enabled: bool = True
    # A send recorded as leaving but with no outcome is resent only after this long (it may
    # still be in flight in another process). Lower it only where one process runs, e.g. drills.
    scheduler_inflight_grace_seconds: float = Field(default=120.0, ge=0, le=86400)
    prompt_working_days_before: int = Field(default=5, ge=0, le=30)
    prompt_time: str = "09:00"
    reminder_working_days_before: int = Field(default=2, ge=0, le=30)
    digest_working_days_before: int = Field(default=1, ge=0, le=30)
    # Divisions still silent this many working days before the meeting (or a quarter's close)
    # are escalated to their supervisors.
    escalation_working_days_before: int = Field(default=1, ge=0, le=30)
    quarterly_reminder_working_days: str = "5,10"
    quarterly_close_working_days: int = Field(default=20, ge=1, le=120)
    default_language: Literal["th", "en"] = "th"
    # Answers after a round closes are still taken, marked late, for this many days.
    late_answer_days: int = Field(default=14, ge=0, le=366)
    # PDPA: strangers' audit rows and removed people's drafts are purged after this many days.
    privacy_retention_days: int = Field(default=90, ge=1, le=3650)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Only the command line needs it (for invitation links); empty: asked from Telegram (getMe).
    bot_username: str = ""
    # Webhook mode (`ita-followup run --webhook`): Telegram posts updates to WEBHOOK_URL, which
    # the reverse proxy forwards to WEBHOOK_LISTEN:WEBHOOK_PORT (docs/operations.md).
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    # /healthz, /readyz and /metrics in polling mode (0: off); in webhook mode they are served
    # on the webhook port as well.
    health_listen: str = "127.0.0.1"
    health_port: int = Field(default=0, ge=0, le=65535)

    @field_validator("bot_username")
    @classmethod
    def _username(cls, value: str) -> str:
        value = value.strip().removeprefix("@")
        if value and not USERNAME_PATTERN.match(value):
            raise ValueError(f"{value!r} is not a bot username such as ita_followup_bot")
        return value

    @field_validator("telegram_api_url", "telegram_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value == "":
            return value
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(
                f"{value!r} is not an http(s) URL such as https://api.telegram.org/bot"
            )
        return value.rstrip("/")

    @field_validator("prompt_time")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        m = re.fullmatch(r"(\d{1,2})[:.](\d{2})", value.strip())
        if not m or int(m[1]) > 23 or int(m[2]) > 59:
            raise ValueError(f"{value!r} is not a time of day such as 09:00")
        return f"{int(m[1]):02d}:{m[2]}"

    @field_validator("quarterly_reminder_working_days")
    @classmethod
    def _day_list(cls, value: str) -> str:
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if not all(p.isdigit() and 0 < int(p) <= 120 for p in parts):
            raise ValueError(f"{value!r} is not a list of working-day counts such as 5,10")
        return ",".join(str(int(p)) for p in parts)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"{value!r} is not a time zone name such as Asia/Bangkok") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, value: str) -> str:
        try:
            return check_database_url(value)
        except DatabaseUrlError as exc:
            raise ValueError(str(exc)) from exc

    @property
    def tz(self) -> ZoneInfo:
        """The zone in which schedules are computed and times shown."""
        return ZoneInfo(self.timezone)

    @property
    def notice_time(self) -> time:
        """The local time of day at which prompts, reminders and digests go out."""
        hours, minutes = self.prompt_time.split(":")
        return time(int(hours), int(minutes))

    @property
    def quarterly_reminders(self) -> tuple[int, ...]:
        """Working days after a quarterly request at which the silent are reminded."""
        return tuple(int(p) for p in self.quarterly_reminder_working_days.split(",") if p)

    @property
    def file_url(self) -> str:
        """Where files are downloaded from: set, or derived from the API URL like Telegram's."""
        if self.telegram_file_url:
            return self.telegram_file_url
        base = self.telegram_api_url
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file/bot"

    def planner_config(self) -> PlannerConfig:
        """The cadence numbers the planner works with."""
        return PlannerConfig(
            prompt_working_days_before=self.prompt_working_days_before,
            reminder_working_days_before=self.reminder_working_days_before,
            digest_working_days_before=self.digest_working_days_before,
            escalation_working_days_before=self.escalation_working_days_before,
            notice_time=self.notice_time,
            quarterly_reminder_working_days=self.quarterly_reminders,
            quarterly_close_working_days=self.quarterly_close_working_days,
        )

    def rules(self) -> Rules:
        """The numbers the use cases' rules depend on."""
        return Rules(
            tz=self.tz,
            planner=self.planner_config(),
            late_answer_days=self.late_answer_days,
            default_language=self.default_language,
            evidence_dir=self.evidence_dir,
            # A local Bot API server serves files of up to 2000 MB.
            max_file_bytes=(2000 if self.telegram_local_mode else 20) * 1024 * 1024,
        )

    def webhook(self) -> tuple[str, str]:
        """(WEBHOOK_URL, WEBHOOK_SECRET) for webhook mode, or ConfigError saying what to set."""
        parsed = urlparse(self.webhook_url)
        if parsed.scheme != "https" or not parsed.netloc:
            raise ConfigError(
                "WEBHOOK_URL must be the public https URL Telegram posts updates to, "
                "such as https://bot.example.go.th/telegram (see docs/operations.md)"
            )
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if not SECRET_PATTERN.match(secret):
            raise ConfigError(
                "WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -; "
                "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return self.webhook_url, secret

    def token(self) -> str:
        """The bot token, or ConfigError naming TELEGRAM_BOT_TOKEN."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and put "
                "TELEGRAM_BOT_TOKEN=... in .env (see .env.example)"
            )
        token = self.telegram_bot_token.get_secret_value().strip()
        if not TOKEN_PATTERN.match(token):
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is malformed: expected the form 123456789:AAE... "
                "that @BotFather gives"
            )
        return token


def load_settings() -> Settings:
    """Read settings, turning validation errors into one ConfigError line."""
    try:
        return Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "a setting"
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name} is invalid: {msg}") from exc
