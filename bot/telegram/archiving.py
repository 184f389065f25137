"""The evidence archiver's Telegram side: downloading through the Bot API, and when it runs.

It runs as its own JobQueue job beside the scheduler's tick (a slow download never holds
back a prompt) and is woken at once when an answer with files is confirmed, so files are
usually archived seconds after the answer. One pass at a time in this process; claims in
the database keep other processes off the same file.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes, Job

from bot.settings import Settings
from bot.telegram.ticker import every_tick
from bot.usecases import evidence
from bot.usecases.core import Core

log = logging.getLogger(__name__)


class TelegramFetcher:
    """Downloads a file by its file_id (getFile, then the file URL or, in local mode, a copy)."""

    def __init__(self, bot: Bot, max_bytes: int) -> None:
        self.bot, self.max_bytes = bot, max_bytes

    async def download(self, file_id: str, dest: Path) -> None:
        """Put the file's bytes at `dest`; FetchFailed says whether trying again can help."""
        try:
            file = await self.bot.get_file(file_id)
            if (file.file_size or 0) > self.max_bytes:
                raise evidence.FetchFailed("larger than the download limit", permanent=True)
            await file.download_to_drive(custom_path=dest)
        except (BadRequest, Forbidden) as exc:  # wrong or expired file_id, or too big
            raise evidence.FetchFailed(exc.message, permanent=True) from exc
        except TelegramError as exc:  # timeouts, network, 5xx, 429: all pass
            raise evidence.FetchFailed(exc.message) from exc


class ArchiveRunner:
    """Runs archive passes one at a time; a wake during a pass runs one more after it."""

    def __init__(self, core: Core, fetcher: evidence.Fetcher) -> None:
        self.core, self.fetcher = core, fetcher
        self._lock = asyncio.Lock()
        self._again = False
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        """Archive what is due now, and again while passes find work or wakes come in."""
        if self._lock.locked():
            self._again = True
            return
        async with self._lock:
            while True:
                self._again = False
                try:
                    done = await evidence.archive_due(self.core, self.fetcher)
                except (SQLAlchemyError, OSError) as exc:  # the database is away: next tick
                    log.warning("evidence archiving skipped (%s)", type(exc).__name__)
                    return
                if done.archived or done.reused or done.lost:
                    log.info("evidence archived: %s, reused %s", done.archived, done.reused)
                # Another pass at once when this one was full: twenty heads answering with
                # photos at 09:00 must not leave their files to one batch per tick.
                if not (self._again or done.full):
                    return

    def wake(self) -> None:
        """Start a pass soon, off the caller's path (called after an answer is committed)."""
        try:
            task = asyncio.get_running_loop().create_task(self.run())
        except RuntimeError:  # no loop (the command line): the running bot's tick archives
            return
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for passes started by wakes (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def install_archiver(
    application: Application[Any, Any, Any, Any, Any, Any], core: Core, settings: Settings
) -> Job[Any] | None:
    """Archive evidence every SCHEDULER_TICK_SECONDS, and whenever an answer brings files."""
    runner = ArchiveRunner(core, TelegramFetcher(application.bot, core.rules.max_file_bytes))
    core.signals.evidence_waiting = runner.wake
    application.bot_data[RUNNER_KEY] = runner
    if application.job_queue is None:
        return None

    async def run_archive(_: ContextTypes.DEFAULT_TYPE) -> None:
        await runner.run()

    return every_tick(application, run_archive, settings, "evidence-archiver", first=2.0)


RUNNER_KEY = "evidence-archiver"
