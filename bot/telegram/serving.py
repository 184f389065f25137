"""How a bot process serves: one claim per database, long polling or PTB's webhook server.

* SQLite is one process's database: a second `run` on the same file is refused (a lock file
  next to it, held with fcntl for the life of the process, released by the kernel at death).
* PostgreSQL in polling mode: one poller per bot (an advisory lock); a second one stops at
  start instead of fighting the first for getUpdates (Telegram answers the loser 409).
* PostgreSQL in webhook mode: any number of replicas; the proxy spreads updates between them
  (bot.telegram.replicas keeps them handled once and in order, storage.locks elects the tick).
"""

from __future__ import annotations

import fcntl
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

from sqlalchemy.engine import make_url
from telegram import Bot
from telegram.ext import Application, ContextTypes

from bot.settings import Settings
from bot.telegram import health
from storage.locks import POLLER, SessionLock, is_postgresql

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
App = Application[Any, Any, Any, Any, Any, Any]


class ProcessRefused(Exception):
    """This process must not serve: the message is one line saying why and what to do."""


@dataclass
class ProcessClaim:
    """What this process holds so that no other serves the same bot wrongly; release at exit."""

    lock_file: IO[bytes] | None = None
    poller: SessionLock | None = None
    notes: list[str] = field(default_factory=list)

    async def release(self) -> None:
        """Let go (the kernel and PostgreSQL also let go when the process dies)."""
        if self.lock_file is not None:
            self.lock_file.close()
            self.lock_file = None
        if self.poller is not None:
            await self.poller.release()
            self.poller = None


def sqlite_lock_path(database_url: str) -> Path | None:
    """The lock file next to a SQLite database (None for PostgreSQL or an in-memory one)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(f"{url.database}.lock")


async def claim_process(settings: Settings, *, webhook: bool) -> ProcessClaim:
    """Take this process's claim on the database, or raise ProcessRefused (one line)."""
    url = settings.database_url
    path = sqlite_lock_path(url)
    if path is not None:
        handle = path.open("ab")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise ProcessRefused(
                f"another bot process already runs on {make_url(url).database} (SQLite serves "
                "one process): stop it first; for several processes use PostgreSQL "
                "(docs/operations.md, several machines)"
            ) from None
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n".encode())
        handle.flush()
        return ProcessClaim(lock_file=handle)
    if not is_postgresql(url) or webhook:
        return ProcessClaim()
    poller = SessionLock(url, POLLER)
    if not await poller.try_acquire():
        await poller.release()
        raise ProcessRefused(
            "another bot process already polls Telegram for this bot (a second poller would "
            "fight it for the updates): stop it, or run replicas with `ita-followup run --webhook`"
        )
    return ProcessClaim(poller=poller)


async def refuse_polling_over_webhook(bot: Bot) -> None:
    """Polling would delete a webhook other replicas serve: refuse with how to fix it."""
    info = await bot.get_webhook_info()
    if info.url:
        raise ProcessRefused(
            f"a webhook is set for this bot ({info.url}), so replicas in webhook mode get the "
            "updates: start this one with `ita-followup run --webhook`, or, to poll instead, "
            "stop the replicas and call the Bot API's deleteWebhook first"
        )


def serve(application: App, settings: Settings, *, webhook: bool) -> None:
    """Run until SIGINT/SIGTERM: PTB's webhook server, or long polling (the default)."""
    engine = application.bot_data[health.ENGINE_KEY]
    with_health(application, settings, engine, webhook=webhook)
    if not webhook:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
        return
    url, secret = settings.webhook()
    # PTB checks X-Telegram-Bot-Api-Secret-Token on every request (403 without it) and answers
    # 200 once the update is queued, before it is handled (README, several machines).
    application.run_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=urlparse(url).path.lstrip("/"),
        webhook_url=url,
        secret_token=secret,
        allowed_updates=ALLOWED_UPDATES,
    )


def with_health(application: App, settings: Settings, engine: Any, *, webhook: bool) -> None:
    """Serve /healthz, /readyz and /metrics alongside (see bot.telegram.health)."""
    server: list[health.HealthServer] = []
    first_init, last_shutdown = application.post_init, application.post_shutdown

    async def start_own() -> None:
        if settings.health_port:
            own = health.HealthServer(engine, settings.health_listen, settings.health_port)
            await own.start()
            server.append(own)

    async def join_webhook(_: ContextTypes.DEFAULT_TYPE) -> None:
        if health.attach(application, engine):
            return
        log.warning("health routes could not join the webhook server; using HEALTH_PORT")
        await start_own()

    async def post_init(app: App) -> None:
        if first_init is not None:
            await first_init(app)
        if not webhook:
            await start_own()
        elif app.job_queue is not None:
            # The webhook server starts after post_init; the first job runs once it listens.
            app.job_queue.run_once(join_webhook, 0, name="health-routes")

    async def post_shutdown(app: App) -> None:
        for own in server:
            await own.stop()
        if last_shutdown is not None:
            await last_shutdown(app)

    application.post_init, application.post_shutdown = post_init, post_shutdown
