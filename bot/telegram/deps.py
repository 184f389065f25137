"""What handlers need at hand, kept in `application.bot_data` under one key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext

from bot.settings import Settings
from storage.types import utcnow

DEPS_KEY = "deps"


@dataclass
class Deps:
    """Settings and the database session maker, shared by every handler."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    # The current UTC time; tests pass a controlled clock so no test waits for a schedule.
    clock: Callable[[], datetime] = field(default=utcnow)


def deps(context: CallbackContext[Any, Any, Any, Any]) -> Deps:
    """The application's dependencies, from inside a handler."""
    value = context.application.bot_data[DEPS_KEY]
    assert isinstance(value, Deps)
    return value


def install(application: Application[Any, Any, Any, Any, Any, Any], value: Deps) -> None:
    """Attach dependencies to an application (done once, in the composition root)."""
    application.bot_data[DEPS_KEY] = value
