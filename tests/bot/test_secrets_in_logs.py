"""A DEBUG run through the fake Bot API: no token, invitation token or password is logged."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import secrets_filter
from tests.bot.harness import running_bot
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram

Sessions = async_sessionmaker[AsyncSession]
TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
PASSWORD = "Very-s3cret"
URL = f"postgresql+asyncpg://ita:{PASSWORD}@db.example/ita"
LINK_RE = re.compile(r"\?start=([A-Za-z0-9_-]+)")


@pytest.fixture
def filtered() -> Iterator[None]:
    """What the composition roots do at start (see bot/secrets_filter.py)."""
    secrets_filter.install_from(TOKEN, URL)
    yield
    secrets_filter.uninstall()


async def test_a_debug_run_logs_no_secret(
    engine: AsyncEngine,
    db_url: str,
    sessions: Sessions,
    caplog: pytest.LogCaptureFixture,
    filtered: None,
) -> None:
    caplog.set_level(logging.DEBUG)
    await seed_plan(sessions)
    await enrol(sessions, 9, "coordinator", name="ผู้ประสานงาน")
    fake = FakeTelegram(token=TOKEN)
    fake.add_user(9)
    fake.add_user(1001, first_name="สมชาย")
    async with running_bot(fake, engine, db_url, log_level="DEBUG"):
        fake.send_text(9, "/invite")
        screen = await fake.wait_for_message(9, lambda m: "ivd:0" in str(m.buttons()))
        division = next(d for _, d in screen.buttons() if d.startswith("ivd:") and d != "ivd:0")
        fake.press(9, screen.message_id, division)
        await fake.wait_for_message(9, lambda m: "ivr:" in str(m.buttons()))
        role = next(d for _, d in fake.last_message(9).buttons() if d.startswith("ivr:"))
        fake.press(9, screen.message_id, role)
        created = await fake.wait_for_message(9, lambda m: LINK_RE.search(m.text or ""))
        match = LINK_RE.search(created.text or "")
        assert match is not None
        invite = match.group(1)
        fake.send_text(1001, f"/start {invite}")
        await fake.wait_for_message(1001, lambda m: "ลงทะเบียนเรียบร้อยแล้ว" in (m.text or ""))
        # A driver error that echoes the connection URL, as asyncpg and SQLAlchemy can.
        try:
            raise ConnectionError(f"cannot connect to {URL}")
        except ConnectionError:
            logging.getLogger("sqlalchemy.pool").debug("connection failed", exc_info=True)
    assert "sendMessage" in caplog.text  # PTB's DEBUG lines were captured
    assert TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text
    assert invite not in caplog.text
    assert PASSWORD not in caplog.text
