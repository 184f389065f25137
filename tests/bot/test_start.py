"""The bot starts, sets its menu, and answers /start and /help in Thai (English second)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.plan_file import load_plan_file
from storage.plan_import import import_plan
from tests.bot.harness import running_bot
from tests.conftest import SEED_PLAN
from tests.fakebot import FakeTelegram


async def test_start_and_help_in_thai(
    engine: AsyncEngine, db_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await import_plan(sessions, load_plan_file(SEED_PLAN))
    fake = FakeTelegram()
    fake.add_user(1001, first_name="สมชาย", language_code="th")
    async with running_bot(fake, engine, db_url):
        fake.send_text(1001, "/start")
        reply = await fake.wait_for_message(1001)
        assert "เทศบาลนครนครศรีธรรมราช" in (reply.text or "")
        assert "ลิงก์เชิญ" in (reply.text or "")
        fake.send_text(1001, "/help")
        reply = await fake.wait_for_message(1001, lambda m: "วิธีใช้งาน" in (m.text or ""))
        assert reply.parse_mode == "HTML"
        fake.send_text(1001, "/nonsense")
        await fake.wait_for_message(1001, lambda m: "ไม่พบคำสั่งนี้" in (m.text or ""))
    menu = fake.commands_for("default")
    assert [c["command"] for c in menu] == ["start", "help"]
    assert menu[0]["description"] == "เริ่มต้นใช้งาน"


async def test_english_speaker_gets_english(engine: AsyncEngine, db_url: str) -> None:
    fake = FakeTelegram()
    fake.add_user(1002, first_name="Ann", language_code="en")
    async with running_bot(fake, engine, db_url):
        fake.send_text(1002, "/start")
        reply = await fake.wait_for_message(1002)
        assert "welcome" in (reply.text or "")
