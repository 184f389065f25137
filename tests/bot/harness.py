"""Run the real PTB Application against the in-process fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application

from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.limiter import OutgoingLimiter
from bot.telegram.pacing import Limits, Pacing
from bot.usecases.core import Core
from storage.types import utcnow
from tests.fakebot import FakeTelegram, fake_request_pair

App = Application[Any, Any, Any, Any, Any, Any]
BKK = ZoneInfo("Asia/Bangkok")
# Flow tests check what the bot says and stores, not its pacing: a conversation of ten replies
# would otherwise take ten seconds of real time at one message a second per chat. The limits
# themselves are tested in tests/unit (pacing, limiter) and tests/bot/test_ordering.py.
FLOW_LIMITS = Limits(chat_gap=0.0)


def flow_limiter() -> OutgoingLimiter:
    """The application's own limiter, with Telegram's overall limit and no per-chat gap."""
    return OutgoingLimiter(Pacing(FLOW_LIMITS))


class Clock:
    """A settable UTC clock for the bot under test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def core_of(sessions: async_sessionmaker[AsyncSession], tz: ZoneInfo = BKK) -> Core:
    """The use cases' core over a test database, with the default rules in zone `tz`."""
    return Core(sessions=sessions, rules=replace(Settings(_env_file=None).rules(), tz=tz))  # type: ignore[call-arg]


def bot_settings(fake: FakeTelegram, db_url: str, **overrides: Any) -> Settings:
    """Settings for a test bot, ignoring any developer .env file."""
    values: dict[str, Any] = {
        "telegram_bot_token": fake.token,
        "database_url": db_url,
        "telegram_api_url": "http://fake.invalid/bot",
        # Bot-flow tests drive the tick themselves (with a chosen `now`) when they need it.
        "scheduler_enabled": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@asynccontextmanager
async def running_bot(
    fake: FakeTelegram,
    engine: AsyncEngine,
    db_url: str,
    *,
    clock: Callable[[], datetime] = utcnow,
    **overrides: Any,
) -> AsyncIterator[App]:
    """Start the bot polling the fake; stop it cleanly afterwards."""
    request, updates_request = fake_request_pair(fake)
    app = build_application(
        bot_settings(fake, db_url, **overrides),
        engine,
        request=request,
        get_updates_request=updates_request,
        clock=clock,
        limiter=flow_limiter(),
    )
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)  # run_polling would call it; we start the parts by hand
    await app.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
