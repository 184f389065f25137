"""The composition root: builds the PTB Application and wires settings, storage and handlers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot.settings import Settings
from bot.telegram import handlers
from bot.telegram.context import CONTEXT_TYPES, install
from bot.telegram.menus import STRANGER_COMMANDS, menu
from bot.telegram.ticker import install_tick
from bot.texts import CATALOGS
from bot.usecases.core import Core
from storage.db import session_factory
from storage.types import utcnow

log = logging.getLogger(__name__)


async def _post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # The default menu is a stranger's; enrolled people get theirs per chat (bot/telegram/menus.py).
    # Thai for everyone, English for clients set to English (Telegram picks by language_code).
    await application.bot.set_my_commands(menu(STRANGER_COMMANDS, "th"))
    for lang in CATALOGS:
        if lang != "th":
            await application.bot.set_my_commands(menu(STRANGER_COMMANDS, lang), language_code=lang)
    log.info("bot @%s ready", application.bot.username)


def build_application(
    settings: Settings,
    engine: AsyncEngine,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Build the Application; tests pass fake requests and a clock, production the real ones."""
    builder = (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.file_url)
        # Retries 429s after Telegram's retry_after; overall and group limits are paced here.
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(_post_init)
        .context_types(CONTEXT_TYPES)
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)

    async def _post_shutdown(_: Application[Any, Any, Any, Any, Any, Any]) -> None:
        await engine.dispose()

    builder = builder.post_shutdown(_post_shutdown)
    application = builder.build()
    core = Core(sessions=session_factory(engine), rules=settings.rules(), clock=clock)
    install(application, core, settings)
    handlers.register(application)
    install_tick(application, core, settings)
    return application
