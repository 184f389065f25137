"""/privacy and /mydata through the fake Bot API (issue 13, PDPA)."""

from __future__ import annotations

import json

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.bot.harness import running_bot
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram

Sessions = async_sessionmaker[AsyncSession]


async def test_privacy_explains_and_mydata_sends_everything_about_the_sender(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 4001, "head", "FIN", name="สมชาย ใจดี")
    await enrol(sessions, 4002, "head", "PALAD", name="คนอื่น")
    fake = FakeTelegram()
    fake.add_user(4001)
    async with running_bot(fake, engine, db_url):
        fake.send_text(4001, "/privacy")
        notice = await fake.wait_for_message(4001)
        fake.send_text(4001, "/mydata")
        file = await fake.wait_for_message(4001, lambda m: m.kind == "document")
    text = notice.text or ""
    for words in ("ข้อมูลที่จัดเก็บ", "วัตถุประสงค์", "ผู้ที่เห็นข้อมูล", "/mydata", "ผู้ประสานงาน"):
        assert words in text
    assert (file.file_name or "").endswith(".json")
    data = json.loads((file.file_bytes or b"").decode("utf-8"))
    assert data["person"]["name"] == "สมชาย ใจดี" and data["person"]["telegram_user_id"] == 4001
    assert [r["role"] for r in data["roles"]] == ["head"]
    assert "คนอื่น" not in json.dumps(data, ensure_ascii=False)  # only the sender's own data
