"""The bot starts, sets its default menu, answers strangers in Thai (English second), and
shows enrolled people only the commands they may use."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.bot.harness import running_bot
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram


async def test_start_and_help_in_thai(
    engine: AsyncEngine, db_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 1002, "head", "FIN", name="สมหญิง")
    fake = FakeTelegram()
    fake.add_user(1001, first_name="สมชาย", language_code="th")
    fake.add_user(1002, first_name="สมหญิง", language_code="th")
    async with running_bot(fake, engine, db_url):
        fake.send_text(1001, "/start")
        reply = await fake.wait_for_message(1001)
        assert "ลิงก์เชิญ" in (reply.text or "")
        fake.send_text(1002, "/help")
        reply = await fake.wait_for_message(1002, lambda m: "วิธีใช้งาน" in (m.text or ""))
        assert reply.parse_mode == "HTML"
        assert "/report" in (reply.text or "") and "/invite" not in (reply.text or "")
        fake.send_text(1002, "/nonsense")
        await fake.wait_for_message(1002, lambda m: "ไม่พบคำสั่งนี้" in (m.text or ""))
    menu = fake.commands_for("default")
    assert [c["command"] for c in menu] == ["start", "help"]
    assert menu[0]["description"] == "เริ่มต้นใช้งาน"


async def test_thai_by_default_and_english_on_request(
    engine: AsyncEngine, db_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 1003, "head", "FIN")
    fake = FakeTelegram()
    # Telegram has no official Thai app: a Thai client reporting "en" must still get Thai.
    fake.add_user(1002, first_name="Ann", language_code="en")
    fake.add_user(1003, first_name="Somsri", language_code="en")
    async with running_bot(fake, engine, db_url):
        fake.send_text(1002, "/start")
        reply = await fake.wait_for_message(1002)
        assert "ลิงก์เชิญ" in (reply.text or "")
        fake.send_text(1003, "/help")
        await fake.wait_for_message(1003, lambda m: "วิธีใช้งาน" in (m.text or ""))
        fake.send_text(1003, "/language")
        await fake.wait_for_message(1003, lambda m: "English" in (m.text or ""))
        fake.send_text(1003, "/help")
        await fake.wait_for_message(
            1003, lambda m: "/report" in (m.text or "") and "How" in (m.text or "")
        )
        fake.send_text(1003, "/language")
        await fake.wait_for_message(1003, lambda m: "ภาษาไทย" in (m.text or ""))
