"""The summary's memo button sends the cover memo to the mayor as a Word document."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from docx import Document
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.telegram.callbacks import encode
from tests.bot.harness import running_bot
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram
from tests.report_factories import Scenario, scenario

COORD = 7101


@pytest.fixture
async def sc(sessions: async_sessionmaker[AsyncSession]) -> Scenario:
    await seed_plan(sessions)
    data = await scenario(sessions)
    await enrol(sessions, COORD, "coordinator", name="ผู้ประสานงาน")
    return data


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    tg = FakeTelegram()
    tg.add_user(COORD, language_code="th")
    yield tg


async def test_memo_button_sends_the_memo(
    engine: AsyncEngine, db_url: str, sc: Scenario, fake: FakeTelegram
) -> None:
    async with running_bot(fake, engine, db_url, clock=lambda: sc.now):
        fake.send_text(COORD, "/summary")
        msg = await fake.wait_for_message(COORD, lambda m: "สรุปผลการรายงาน" in (m.text or ""))
        memo_data = encode("ex", sc.jan, 1)
        assert memo_data in [d for _, d in msg.buttons()]
        fake.press(COORD, msg.message_id, memo_data)
        sent = await fake.wait_for_message(COORD, lambda m: m.kind == "document")
    assert sent.file_name == "ita-2565-01-memo.docx"
    assert "บันทึกข้อความเสนอผู้บริหาร" in (sent.caption or "")
    paragraphs = [p.text for p in Document(io.BytesIO(sent.file_bytes or b"")).paragraphs]
    assert paragraphs[0] == "บันทึกข้อความ" and paragraphs[4].startswith("เรียน  นายกเทศมนตรี")
