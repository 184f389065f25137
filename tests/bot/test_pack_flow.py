"""/export's publication pack through the fake Bot API: offered and sent to coordinators only."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.reports import pdf
from bot.telegram.callbacks import encode
from bot.telegram.context import BotContext
from bot.telegram.handlers import exports as exports_handler
from bot.usecases import pack as pack_usecase
from tests.bot.harness import running_bot
from tests.bot.test_answer_flow import Phone, _button
from tests.factories import enrol
from tests.fakebot import FakeTelegram, SentMessage
from tests.pack_factories import JPEG, PDF, PDF_PATH, PHOTO_PATH, PackScenario, Sessions
from tests.pack_factories import pack_scenario as make_scenario

COORD, HEAD, ADMIN = 7201, 7202, 7203
PACK_BUTTON = "📦 ชุดเอกสารเผยแพร่ (ZIP)"


@pytest.fixture
async def ps(sessions: Sessions, evidence_dir: Path) -> PackScenario:
    if pdf.office_binary() is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice is not installed (sh scripts/system-deps.sh installs it)")
    data = await make_scenario(sessions, evidence_dir)
    await enrol(sessions, COORD, "coordinator", name="ผู้ประสานงาน")
    await enrol(sessions, HEAD, "head", "FIN", name="หัวหน้าคลัง")
    return data


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    tg = FakeTelegram()
    for uid in (COORD, HEAD, ADMIN):
        tg.add_user(uid, language_code="th")
    yield tg


def _is_zip(m: SentMessage) -> bool:
    return m.kind == "document" and (m.file_name or "").endswith(".zip")


async def test_a_coordinator_gets_the_pack_from_the_export_screen(
    engine: AsyncEngine, db_url: str, ps: PackScenario, fake: FakeTelegram
) -> None:
    coord = Phone(fake, COORD)
    async with running_bot(fake, engine, db_url, clock=lambda: ps.base.now):
        coord.send("/export")
        offer = await coord.expect("ชุดเอกสารเผยแพร่", buttons=True)
        assert offer.buttons() == [(PACK_BUTTON, encode("ex", ps.base.jan, 2))]
        coord.press(offer, _button(offer, "ex:"))
        await coord.expect("กำลังจัดทำชุดเอกสารเผยแพร่ ประจำเดือนมกราคม ๒๕๖๕")
        sent = await fake.wait_for_message(COORD, _is_zip)
    assert sent.file_name == "ita-2565-01-pack.zip"
    assert "ชุดเอกสารเผยแพร่ ประจำเดือนมกราคม ๒๕๖๕ (6 ไฟล์" in (sent.caption or "")
    with zipfile.ZipFile(io.BytesIO(sent.file_bytes or b"")) as zf:
        assert zf.read(PHOTO_PATH) == JPEG and zf.read(PDF_PATH) == PDF
        assert "การปรับปรุงคุณภาพระบบการทำงาน" in zf.read("index.html").decode()
        assert {"ita-2565-01.docx", "ita-2565-01.pdf", "ita-2565-01.xlsx"} <= set(zf.namelist())


async def test_a_head_is_not_offered_the_pack_and_a_forged_press_is_refused(
    engine: AsyncEngine, db_url: str, ps: PackScenario, fake: FakeTelegram
) -> None:
    head = Phone(fake, HEAD)
    async with running_bot(fake, engine, db_url, clock=lambda: ps.base.now):
        head.send("/export")
        await fake.wait_for_message(HEAD, lambda m: (m.file_name or "").endswith(".png"))
        head.send("/summary")
        summary = await head.expect("สรุปผลการรายงาน", buttons=True)
        await head.alert(summary, encode("ex", ps.base.jan, 2), "ไม่มีสิทธิ์")
        # Asked for twice: a refused press starts nothing, so nothing is busy either.
        await head.alert(summary, encode("ex", ps.base.jan, 2), "ไม่มีสิทธิ์")
    sent = fake.messages(HEAD)
    assert not any(_is_zip(m) for m in sent)
    assert not any(d.startswith("ex:") and d.endswith(":2") for m in sent for _, d in m.buttons())
    assert not any("ชุดเอกสารเผยแพร่" in (m.text or "") for m in sent)


@pytest.mark.parametrize("limit", [100_000, 150_000])
async def test_a_pack_too_large_for_telegram_points_to_the_command_line(
    engine: AsyncEngine,
    db_url: str,
    ps: PackScenario,
    fake: FakeTelegram,
    sessions: Sessions,
    monkeypatch: pytest.MonkeyPatch,
    limit: int,
) -> None:
    # The evidence is 120 KB, the whole pack about 220 KB: 100 KB is refused before anything
    # is rendered, 150 KB once the pack is made and measured.
    await enrol(sessions, ADMIN, "admin", name="ผู้ดูแลระบบ")

    def tiny(context: BotContext) -> int:
        return limit

    def no_pdf(data: bytes) -> bytes:
        raise AssertionError("rendered although the evidence alone is too large")

    monkeypatch.setattr(exports_handler, "upload_limit", tiny)
    if limit == 100_000:
        monkeypatch.setattr(pack_usecase, "docx_to_pdf", no_pdf)
    admin = Phone(fake, ADMIN)
    async with running_bot(fake, engine, db_url, clock=lambda: ps.base.now):
        admin.send("/export")
        offer = await admin.expect("ชุดเอกสารเผยแพร่", buttons=True)
        admin.press(offer, encode("ex", ps.base.jan, 2))
        too_big = await admin.expect("เกินกว่าที่ส่งทาง Telegram ได้")
    text = too_big.text or ""
    assert "ita-followup pack --round 2565-01 -o pack.zip" in text
    assert f"({limit // 1000} KB)" in text
    assert ("ประมาณ 120 KB" in text) == (limit == 100_000)
    assert not any(_is_zip(m) for m in fake.messages(ADMIN))
