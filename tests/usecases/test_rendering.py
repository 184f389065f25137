"""Report files render off the event loop: in a thread, or in a worker process that stops idle."""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.reports.pdf import PdfUnavailable
from bot.telegram.app import build_application
from bot.telegram.context import CORE_KEY
from bot.usecases.rendering import InProcess, InThread
from tests.bot.harness import bot_settings
from tests.fakebot import FakeTelegram, fake_request_pair


def _fails() -> None:
    raise PdfUnavailable("LibreOffice is not installed")


async def test_a_worker_process_renders_and_stops_when_idle() -> None:
    worker = InProcess(idle_seconds=0)
    try:
        first = await worker.run(os.getpid)
        assert first != os.getpid()  # not this process: its memory leaves with it
        assert worker.running
        for _ in range(5):  # the idle timer (0 s) fires on the loop's next turns
            await asyncio.sleep(0)
        assert not worker.running
        second = await worker.run(os.getpid)  # the next export starts a new one
        assert second not in (first, os.getpid())
        with pytest.raises(PdfUnavailable, match="LibreOffice"):
            await worker.run(_fails)  # the renderer's error reaches the caller as itself
    finally:
        await worker.close()
    assert not worker.running


async def test_a_worker_kept_busy_is_not_stopped() -> None:
    worker = InProcess(idle_seconds=3600)
    try:
        pids = {await worker.run(os.getpid) for _ in range(3)}
        assert len(pids) == 1  # one process for exports in a row
        assert worker.running
    finally:
        await worker.close()


async def test_the_command_line_renders_in_a_thread() -> None:
    assert await InThread().run(os.getpid) == os.getpid()


async def test_the_bot_renders_exports_in_a_worker_process(
    engine: AsyncEngine, db_url: str
) -> None:
    fake = FakeTelegram()
    request, updates = fake_request_pair(fake)
    app = build_application(
        bot_settings(fake, db_url), engine, request=request, get_updates_request=updates
    )
    try:
        assert isinstance(app.bot_data[CORE_KEY].renderer, InProcess)
    finally:
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
