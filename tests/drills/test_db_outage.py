"""Drill: the SQLite file locked by another connection (BEGIN EXCLUSIVE) in the middle of a round.

What must hold while the database cannot be written: the scheduler job survives (it logs one
line and tries again next tick); no message leaves without its intent committed; a person who
confirms an answer is told to try again, never that it was saved; and once the lock is released
the tick catches up with nothing lost and nothing sent twice. SQLite only: on PostgreSQL the
same code paths meet a connection error instead (docs/benchmarks.md, "Database unavailable").
The busy timeout is cut from 5 s to 50 ms for the drill's engine, so "locked" shows at once.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot.telegram.app import build_application
from bot.telegram.callbacks import encode
from storage.db import create_engine, session_factory
from storage.models import Delivery, Division, Measure, Report
from tests.bot.harness import Clock, bot_settings, running_bot
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram, SentMessage, fake_request_pair
from tests.scheduling import bkk

# Not STRAT: on the 19 October prompt day, the prompt is the one notice each person is owed.
CODES = ("PALAD", "FIN", "ENG", "HEALTH", "EDU", "WELFARE", "HR", "AUDIT")
CHATS = [8000 + i for i in range(24)]
HEAD = CHATS[1]  # the FIN head, who answers during the outage
NOW = bkk(2021, 10, 19, 9, 5)


class Lock:
    """Another process's connection holding SQLite's write lock."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=0)

    async def take(self) -> None:
        # Our own connections may be mid-write: wait for a gap without blocking their commits.
        while True:
            try:
                self.conn.execute("BEGIN EXCLUSIVE")
                return
            except sqlite3.OperationalError:
                await asyncio.sleep(0.001)

    def release(self) -> None:
        self.conn.execute("ROLLBACK")


def _short_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
    # Runs after storage.db's pragmas (registered later), overriding only the busy timeout.
    dbapi_connection.cursor().execute("PRAGMA busy_timeout=50")


async def _wait(fake: FakeTelegram, chat: int, needle: str, after: int) -> SentMessage:
    return await fake.wait_for_message(chat, lambda m: needle in (m.text or ""), after=after)


async def test_locked_database_mid_round(
    tmp_path: Path, sqlite_template: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "outage.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    event.listen(engine.sync_engine, "connect", _short_busy_timeout)
    sessions = session_factory(engine)
    await seed_plan(sessions)
    for i, chat in enumerate(CHATS):
        await enrol(sessions, chat, "head" if i < len(CODES) else "member", CODES[i % len(CODES)])
    fake = FakeTelegram()
    for chat in CHATS:
        fake.add_user(chat)
    lock = Lock(path)
    clock = Clock(NOW)

    # The database goes away just after the fifth prompt reached Telegram.
    name, send = fake._methods["sendmessage"]
    sent = 0

    async def send_then_lock(p: Any, files: Any) -> Any:
        nonlocal sent
        result = await send(p, files)
        sent += 1
        if sent == 5:
            await lock.take()
        return result

    # The scheduler's app: built with its tick job, never started, so the job runs only
    # when this test calls it (as PTB's JobQueue would, every SCHEDULER_TICK_SECONDS).
    request, updates = fake_request_pair(fake)
    ticker = build_application(
        bot_settings(fake, url, scheduler_enabled=True),
        engine,
        request=request,
        get_updates_request=updates,
        clock=clock,
    )
    (job,) = ticker.job_queue.get_jobs_by_name("scheduler-tick")  # type: ignore[union-attr]
    run_tick: Callable[[Any], Awaitable[None]] = job.callback

    async with running_bot(fake, engine, url, clock=clock) as app, ticker:
        del app
        # The head opens the prompt-less round by /report and gets as far as the confirm button.
        async with sessions() as s:
            measure = await s.scalar(select(Measure.id).where(Measure.seq == 1))
            fin = await s.scalar(select(Division.id).where(Division.code == "FIN"))
        fake._methods["sendmessage"] = (name, send_then_lock)
        caplog.set_level(logging.WARNING)
        await run_tick(None)  # sends five, then meets the lock: must not raise
        assert "tick skipped, database unavailable" in caplog.text
        delivered = {c: fake.sent_count(c) for c in CHATS if fake.sent_count(c)}
        assert 5 <= len(delivered) < len(CHATS)

        async with sessions() as s:  # readers still read (WAL)
            rows = {d.chat_id: d for d in await s.scalars(select(Delivery))}
            round_id = rows[HEAD].round_id
        # No message left without its intent committed first.
        assert all(rows[c].sending_since is not None for c in delivered)

        # Still locked: the next tick sends nothing and says so, again without raising.
        caplog.clear()
        await run_tick(None)
        assert "tick skipped" in caplog.text
        assert {c: fake.sent_count(c) for c in CHATS if fake.sent_count(c)} == delivered

        # The head answers during the outage; confirming must not claim success.
        n = fake.sent_count(HEAD)
        fake.send_text(HEAD, "/report")
        lock.release()  # the draft is written once the outage is over...
        listing = await _wait(fake, HEAD, "มาตรการ", n)
        n = fake.sent_count(HEAD)
        fake.press(HEAD, listing.message_id, encode("m", round_id, measure, fin))
        screen = await _wait(fake, HEAD, "วิธีดำเนินการ", n)
        n = fake.sent_count(HEAD)
        fake.press(HEAD, screen.message_id, encode("st", round_id, measure, fin, 0))
        await _wait(fake, HEAD, "กรุณาพิมพ์สรุป", n)
        n = fake.sent_count(HEAD)
        fake.send_text(HEAD, "ดำเนินการแล้ว")
        ask = await _wait(fake, HEAD, "ยืนยันส่งรายงาน", n)
        ok = next(d for _, d in ask.buttons() if d.startswith("ok:"))
        await lock.take()  # ...and the database goes away again before the confirm press
        n = fake.sent_count(HEAD)
        fake.press(HEAD, ask.message_id, ok)
        sorry = await _wait(fake, HEAD, "กรุณาลองใหม่", n)
        assert "บันทึกรายงาน" not in (sorry.text or "")
        async with sessions() as s:
            assert await s.scalar(select(func.count()).select_from(Report)) == 0

        # Back: the same button now saves, and the tick catches up.
        lock.release()
        n = fake.sent_count(HEAD)
        fake.press(HEAD, ask.message_id, ok)
        await _wait(fake, HEAD, "บันทึกรายงาน", n)
        caplog.clear()
        await run_tick(None)
        assert "tick skipped" not in caplog.text

    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Report)) == 1
        rows = {d.chat_id: d for d in await s.scalars(select(Delivery))}
    await engine.dispose()
    assert {d.state for d in rows.values()} == {"sent"} and set(rows) == set(CHATS)
    # Each prompt reached its chat once: what went out before the lock was recorded
    # afterwards from memory, not sent again as if interrupted by a crash.
    for chat, row in rows.items():
        assert row.attempts == 1, chat
        if chat != HEAD:  # the head's chat also holds the answer flow
            assert [m.message_id for m in fake.messages(chat)] == [row.telegram_message_id]
