"""The composition root: builds the PTB Application and wires settings, storage and handlers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot import secrets_filter
from bot.settings import Settings
from bot.telegram import handlers
from bot.telegram.archiving import RUNNER_KEY, ArchiveRunner, install_archiver
from bot.telegram.context import CONTEXT_TYPES, install
from bot.telegram.health import ENGINE_KEY
from bot.telegram.limiter import OutgoingLimiter
from bot.telegram.menus import STRANGER_COMMANDS, menu
from bot.telegram.ordering import PerChatProcessor
from bot.telegram.replicas import UpdateGuard
from bot.telegram.ticker import install_purge, install_tick
from bot.texts import CATALOGS
from bot.usecases.core import Core
from bot.usecases.rendering import InProcess
from storage.db import session_factory
from storage.locks import ChatLocks, Leadership
from storage.types import utcnow

log = logging.getLogger(__name__)

# The longest wait between two attempts to reach Telegram at start (seconds).
MAX_BACKOFF = 60.0


class TokenRejected(Exception):
    """Telegram refused TELEGRAM_BOT_TOKEN; the message never holds the token."""


def _reason(exc: Exception, token: str) -> str:
    # An error may quote the request URL, which holds the token: never log it.
    return (str(exc).splitlines() or [type(exc).__name__])[0].replace(token, "<token>")


async def connect(
    bot: Bot,
    *,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    first_delay: float = 1.0,
) -> None:
    """Reach Telegram (getMe) before polling; retry with backoff, one log line per attempt.

    A network blip while the service starts is waited out rather than ending the process.
    Raises TokenRejected, without the token or PTB's exception chain (which quotes it).
    """
    delay, attempt = first_delay, 1
    while True:
        try:
            await bot.initialize()
            return
        except InvalidToken:
            raise TokenRejected("Telegram rejected TELEGRAM_BOT_TOKEN") from None
        except NetworkError as exc:  # TimedOut and 5xx answers included
            log.warning(
                "Telegram unreachable at start (attempt %d: %s); trying again in %.0f s",
                attempt,
                _reason(exc, bot.token),
                delay,
            )
        await sleep(delay)
        delay, attempt = min(delay * 2, MAX_BACKOFF), attempt + 1


async def _post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # The default menu is a stranger's; enrolled people get theirs per chat (bot/telegram/menus.py).
    # Thai for everyone, English for clients set to English (Telegram picks by language_code).
    try:
        await application.bot.set_my_commands(menu(STRANGER_COMMANDS, "th"))
        for lang in CATALOGS:
            if lang != "th":
                commands = menu(STRANGER_COMMANDS, lang)
                await application.bot.set_my_commands(commands, language_code=lang)
    except NetworkError as exc:
        # The menu is a convenience: a blip here must not stop the bot; the next start sets it.
        log.warning("command menu not set (%s); it is set again at the next start", exc)
    log.info("bot @%s ready", application.bot.username)


def build_application(
    settings: Settings,
    engine: AsyncEngine,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    clock: Callable[[], datetime] = utcnow,
    limiter: OutgoingLimiter | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Build the Application; tests pass fakes, a clock and limits; production the real ones."""
    # PTB logs the API URL (with the token) and call parameters at DEBUG: redact them all.
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    secrets_filter.install_from(settings.token(), settings.database_url, [secret] if secret else [])
    # Exports render in a worker process that stops when idle: the bot stays light after one.
    renderer = InProcess()
    core = Core(
        sessions=session_factory(engine), rules=settings.rules(), clock=clock, renderer=renderer
    )
    # Replicas (issue 17): each update once, a chat's in order; only the leader ticks.
    guard = UpdateGuard(core, ChatLocks(settings.database_url))
    leadership = Leadership(settings.database_url)
    builder = (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.file_url)
        .local_mode(settings.telegram_local_mode)
        # Throughput (issue 16): one outgoing limiter, replies before scheduled notices
        # (bot/telegram/limiter.py); different chats' updates side by side, one chat's in
        # order (bot/telegram/ordering.py), each through the replicas' guard (issue 17).
        .rate_limiter(limiter or OutgoingLimiter())
        .concurrent_updates(PerChatProcessor(guard=guard))
        .post_init(_post_init)
        .context_types(CONTEXT_TYPES)
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)

    async def _post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        runner = app.bot_data.get(RUNNER_KEY)
        if isinstance(runner, ArchiveRunner):
            await runner.drain()  # a download in flight finishes and is recorded
        await leadership.close()  # another replica takes the tick at its next one
        await renderer.close()
        await engine.dispose()

    builder = builder.post_shutdown(_post_shutdown)
    application = builder.build()
    install(application, core, settings)
    application.bot_data[ENGINE_KEY] = engine  # for /readyz (bot.telegram.health)
    handlers.register(application)
    install_tick(application, core, settings, leadership)
    install_archiver(application, core, settings)
    install_purge(application, core, settings, leadership)
    return application
