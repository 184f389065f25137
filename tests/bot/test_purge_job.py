"""The daily privacy purge is scheduled by the bot and keeps PRIVACY_RETENTION_DAYS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.telegram.app import build_application
from storage import audit
from storage.models import AuditEvent
from tests.bot.harness import Clock, bot_settings
from tests.fakebot import FakeTelegram, fake_request_pair

NOW = datetime(2022, 6, 1, 3, 0, tzinfo=UTC)


async def test_the_purge_job_keeps_what_the_retention_allows(
    engine: AsyncEngine, db_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as s, s.begin():
        for days in (31, 29):  # one past a 30-day retention, one within it
            await audit.record(
                s, audit.STRANGER_REFUSED, actor_telegram_id=9000 + days, at=NOW - timedelta(days)
            )
    fake = FakeTelegram()
    request, updates = fake_request_pair(fake)
    settings = bot_settings(fake, db_url, scheduler_enabled=True, privacy_retention_days=30)
    app = build_application(
        settings, engine, request=request, get_updates_request=updates, clock=Clock(NOW)
    )
    assert app.job_queue is not None
    (job,) = app.job_queue.get_jobs_by_name("privacy-purge")
    callback: Any = job.callback  # what the job queue runs once a day
    try:
        await callback(None)
    finally:
        # The purge took the tick's leadership on PostgreSQL: give its connection back, as a
        # stopping bot does (otherwise it is collected later, in another test, with a warning).
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
    async with sessions() as s:
        left = list(await s.scalars(select(AuditEvent.actor_telegram_id)))
    assert left == [9029]
