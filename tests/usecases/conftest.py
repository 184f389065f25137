"""A Core over the test database with a controlled clock, for use-case tests."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from bot.usecases.core import Core
from tests.bot.harness import Clock


@pytest.fixture
def clock() -> Clock:
    """A settable clock, starting on 20 January 2022 at 10.00 Bangkok time."""
    return Clock(datetime(2022, 1, 20, 3, 0, tzinfo=UTC))


@pytest.fixture
def core(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> Core:
    """The use cases' dependencies on the clean test database, with default rules."""
    rules = Settings(_env_file=None).rules()  # type: ignore[call-arg]
    assert rules.tz == ZoneInfo("Asia/Bangkok")
    return Core(sessions=sessions, rules=rules, clock=clock)
