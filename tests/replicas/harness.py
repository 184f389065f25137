"""Webhook replicas in process: real PTB Applications with PTB's own webhook server, on one
database, and the fake Bot API posting updates to them as Telegram would."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application

from bot.telegram import health
from bot.telegram.app import build_application
from tests.bot.harness import bot_settings
from tests.fakebot import FakeTelegram, fake_request_pair

App = Application[Any, Any, Any, Any, Any, Any]
SECRET = "replica-drill_secret"
WEBHOOK_URL = "https://bot.test/telegram"


async def until(check: Callable[[], bool], timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Wait until `check()` holds (polled: the fake has no event for every state)."""
    async with asyncio.timeout(timeout):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def webhook_replica(
    fake: FakeTelegram, engine: AsyncEngine, db_url: str, **overrides: Any
) -> AsyncIterator[tuple[App, int]]:
    """One replica serving the webhook on a free port, health routes joined; (app, port)."""
    request, updates_request = fake_request_pair(fake)
    settings = bot_settings(fake, db_url, webhook_secret=SECRET, **overrides)
    app = build_application(settings, engine, request=request, get_updates_request=updates_request)
    port = free_port()
    await app.initialize()
    assert app.updater is not None
    await app.updater.start_webhook(
        listen="127.0.0.1",
        port=port,
        url_path="telegram",
        webhook_url=WEBHOOK_URL,
        secret_token=SECRET,
        allowed_updates=["message", "callback_query"],
    )
    assert health.attach(app, engine)
    await app.start()
    try:
        yield app, port
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
