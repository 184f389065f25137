"""/summary, /missing, /history and /export through the fake Bot API, with their authorization."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.telegram.callbacks import encode
from bot.telegram.handlers import exports as exports_handler
from storage.models import Delivery, Report
from tests.bot.harness import running_bot
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram, SentMessage
from tests.report_factories import Scenario, scenario

COORD, HEAD, STRANGER, HEALTH_HEAD = 7001, 7002, 7003, 7004


@pytest.fixture
async def sc(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> Scenario:
    await seed_plan(sessions)
    data = await scenario(sessions)
    await enrol(sessions, COORD, "coordinator", name="ผู้ประสานงาน")
    await enrol(sessions, HEAD, "head", "FIN", name="หัวหน้าคลัง")
    await enrol(sessions, HEALTH_HEAD, "head", "HEALTH", name="หัวหน้า <สาธารณสุข>")
    return data


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    tg = FakeTelegram()
    for uid in (COORD, HEAD, STRANGER, HEALTH_HEAD):
        tg.add_user(uid, language_code="th")
    yield tg


async def _answer(fake: FakeTelegram, user_id: int, qid: str) -> str:
    """The text the bot answered a callback query with."""
    return str((await fake.wait_for_answer(qid)).get("text") or "")


def _text(m: SentMessage) -> str:
    return m.text or ""


async def _report_id(
    sessions: async_sessionmaker[AsyncSession], sc: Scenario, seq: int, code: str
) -> int:
    """The latest January answer of a division to a measure."""
    async with sessions() as s:
        found = await s.scalar(
            select(func.max(Report.id)).where(
                Report.round_id == sc.jan,
                Report.measure_id == sc.ids.measures[seq],
                Report.division_id == sc.ids.divisions[code],
            )
        )
    assert found is not None
    return int(found)


async def test_coordinator_summary_and_drill_down(
    engine: AsyncEngine,
    db_url: str,
    sc: Scenario,
    fake: FakeTelegram,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with running_bot(fake, engine, db_url, clock=lambda: sc.now):
        fake.send_text(COORD, "/summary")
        msg = await fake.wait_for_message(COORD, lambda m: "สรุปผลการรายงาน" in _text(m))
        assert msg.parse_mode == "HTML" and len(_text(msg)) < 4096
        text = _text(msg)
        assert "ประจำเดือนมกราคม ๒๕๖๕" in text
        assert "รายงานแล้ว 4/" in text and "รายงานล่าช้า 1 รายการ" in text
        assert "ยังรายงานไม่ครบ:" in text and "สำนักการช่าง" not in text.split("ยังรายงานไม่ครบ:")[0]
        assert "✅1" in text and "⚠️1" in text
        data = [d for _, d in msg.buttons()]
        m1 = encode("sm", sc.jan, sc.ids.measures[1])
        m3 = encode("sm", sc.jan, sc.ids.measures[3])
        assert m1 in data and encode("sd", sc.jan, sc.ids.divisions["PALAD"]) in data
        assert sum(d.startswith("sd:") for d in data) == len(sc.ids.divisions)

        fake.press(COORD, msg.message_id, m1)
        detail = await fake.wait_for_message(COORD, lambda m: "มาตรการที่ 1" in _text(m))
        assert "เผยแพร่รายงานการใช้จ่ายงบประมาณบนเว็บไซต์แล้ว" in _text(detail)
        assert "รายงานงบ.pdf" in _text(detail) and "สมหญิง ใจดี" in _text(detail)
        assert "ร่างรายงาน" not in _text(detail)  # superseded
        # The counting answer's files get a button (by division), above the way back.
        fin_answer = await _report_id(sessions, sc, 1, "FIN")
        # A coordinator reviews each answer from here too (issue 14): it awaits review.
        assert detail.buttons() == [
            ("📎 หลักฐาน FIN", encode("ev", fin_answer)),
            ("🕒 ตรวจ FIN", encode("rw", fin_answer)),
            ("« กลับไปหน้าสรุปของรอบนี้", encode("sr", sc.jan)),
        ]
        assert "🕒 รอการตรวจ" in _text(detail)
        # A link alone is shown in the text: no files, no evidence button.
        fake.press(COORD, msg.message_id, encode("sm", sc.jan, sc.ids.measures[4]))
        detail4 = await fake.wait_for_message(COORD, lambda m: "มาตรการที่ 4" in _text(m))
        assert "https://www.nakhoncity.org" in _text(detail4)
        strat_answer = await _report_id(sessions, sc, 4, "STRAT")
        assert [d for _, d in detail4.buttons()] == [
            encode("rw", strat_answer),
            encode("sr", sc.jan),
        ]

        fake.press(COORD, msg.message_id, m3)
        detail3 = await fake.wait_for_message(COORD, lambda m: "มาตรการที่ 3" in _text(m))
        # The answer's "<" and "&" arrive as written: escaped in HTML, parsed back by Telegram.
        assert "ติดป้าย <ขั้นตอน> & แผนผัง" in _text(detail3)

        fake.press(COORD, msg.message_id, encode("sd", sc.jan, sc.ids.divisions["PALAD"]))
        palad = await fake.wait_for_message(COORD, lambda m: "จัดอบรม" in _text(m))
        assert "(รายงานล่าช้า)" in _text(palad)
        palad_answer = await _report_id(sessions, sc, 2, "PALAD")
        assert ("📎 หลักฐาน ข้อ 2", encode("ev", palad_answer)) in palad.buttons()
        # A detail screen leads back to the summary: no scrolling up on a phone.
        seen = fake.sent_count(COORD)
        fake.press(COORD, palad.message_id, encode("sr", sc.jan))
        again = await fake.wait_for_message(
            COORD, lambda m: "สรุปผลการรายงาน" in _text(m), after=seen
        )
        assert [d for _, d in again.buttons()] == data


async def test_head_sees_only_own_division(
    engine: AsyncEngine,
    db_url: str,
    sc: Scenario,
    fake: FakeTelegram,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with running_bot(fake, engine, db_url, clock=lambda: sc.now):
        fake.send_text(HEAD, "/summary")
        msg = await fake.wait_for_message(HEAD, lambda m: "สรุปผลการรายงาน" in _text(m))
        text = _text(msg)
        assert "แสดงเฉพาะหน่วยงานของท่าน" in text
        assert text.split("ยังรายงานไม่ครบ:")[1].split("\n")[0].strip() == "สำนักคลัง"
        assert "มาตรการที่ 2" not in str(msg.buttons())  # PALAD's measure is not offered
        divisions = [d for _, d in msg.buttons() if d.startswith("sd:")]
        assert divisions == [encode("sd", sc.jan, sc.ids.divisions["FIN"])]

        # Forged buttons for another division's data are refused on the server.
        qid = fake.press(
            HEAD, msg.message_id, encode("sd", sc.jan, sc.ids.divisions["PALAD"]), strict=False
        )
        assert "ไม่มีสิทธิ์" in await _answer(fake, HEAD, qid)
        qid = fake.press(
            HEAD, msg.message_id, encode("sm", sc.jan, sc.ids.measures[2]), strict=False
        )
        assert "ไม่มีสิทธิ์" in await _answer(fake, HEAD, qid)
        # Nor does a forged evidence button send PALAD's photo (issue 11).
        palad_answer = await _report_id(sessions, sc, 2, "PALAD")
        qid = fake.press(HEAD, msg.message_id, encode("ev", palad_answer), strict=False)
        assert "ไม่มีสิทธิ์" in await _answer(fake, HEAD, qid)
        qid = fake.press(
            HEAD, msg.message_id, encode("nd", sc.jan, sc.ids.divisions["FIN"]), strict=False
        )
        assert "ผู้ประสานงาน" in await _answer(fake, HEAD, qid)
        qid = fake.press(
            HEAD, msg.message_id, encode("hd", sc.ids.divisions["STRAT"]), strict=False
        )
        assert "ไม่มีสิทธิ์" in await _answer(fake, HEAD, qid)

        fake.send_text(HEAD, "/export")
        xlsx = await fake.wait_for_message(
            HEAD, lambda m: m.kind == "document" and (m.file_name or "").endswith(".xlsx")
        )
        docx = await fake.wait_for_message(
            HEAD, lambda m: m.kind == "document" and (m.file_name or "").endswith(".docx")
        )
        await fake.wait_for_message(
            HEAD, lambda m: m.kind == "document" and (m.file_name or "").endswith(".png")
        )
    assert xlsx.file_name == "ita-2565-01-FIN.xlsx"
    assert "เฉพาะข้อมูลของ สำนักคลัง" in (xlsx.caption or "")
    wb = load_workbook(io.BytesIO(xlsx.file_bytes or b""))
    rows = list(wb["รายการรายงาน"].iter_rows(values_only=True))[1:]
    assert rows and {r[3] for r in rows} == {"สำนักคลัง"}  # after the round key and round
    doc = Document(io.BytesIO(docx.file_bytes or b""))
    # The summary table first (by measure), then one table per measure (by division).
    cells = {c.text for t in doc.tables[1:] for row in t.rows[1:] for c in row.cells[:1]}
    assert cells == {"สำนักคลัง"}


async def test_stranger_gets_nothing(
    engine: AsyncEngine, db_url: str, sc: Scenario, fake: FakeTelegram
) -> None:
    async with running_bot(fake, engine, db_url, clock=lambda: sc.now):
        for command in ("/summary", "/missing", "/history", "/export"):
            fake.send_text(STRANGER, command)
        await fake.wait_for_message(STRANGER)
        # Any button a stranger forges is refused the same way.
        fake.send_text(COORD, "/summary")
        await fake.wait_for_message(COORD)
        fake.send_text(STRANGER, "/start")
        start = await fake.wait_for_message(STRANGER, lambda m: "ลิงก์เชิญ" in _text(m))
        qid = fake.press(
            STRANGER, start.message_id, encode("sm", sc.jan, sc.ids.measures[1]), strict=False
        )
        assert "ได้รับเชิญ" in await _answer(fake, STRANGER, qid)
    sent = fake.messages(STRANGER)
    assert all(m.kind == "text" for m in sent)
    # The stranger gate answers once a day, with the invitation text (issue 13, hole 3); the
    # forged button's alert above is the answer to a press, not a chat message.
    refusals = [m for m in sent if "ได้รับเชิญ" in _text(m)]
    assert len(refusals) == len(sent) == 1
    leaks = ("สำนักคลัง", "สรุปผลการรายงาน", "รายงานแล้ว", "ประวัติ")
    assert not any(word in _text(m) for m in sent for word in leaks)


async def test_missing_and_nudge_once_a_day(
    engine: AsyncEngine,
    db_url: str,
    sc: Scenario,
    fake: FakeTelegram,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with running_bot(fake, engine, db_url, clock=lambda: sc.now):
        fake.send_text(COORD, "/missing")
        msg = await fake.wait_for_message(COORD, lambda m: "หน่วยงานที่ยังรายงานไม่ครบ" in _text(m))
        text = _text(msg)
        assert "หัวหน้า <สาธารณสุข> (หัวหน้าหน่วยงาน)" in text
        assert "ยังไม่มีผู้ลงทะเบียนในหน่วยงานนี้" in text  # e.g. ENG
        nudge = encode("nd", sc.jan, sc.ids.divisions["HEALTH"])
        assert nudge in [d for _, d in msg.buttons()]
        assert encode("nd", sc.jan, sc.ids.divisions["ENG"]) not in [d for _, d in msg.buttons()]
        qid = fake.press(COORD, msg.message_id, nudge)
        assert "บันทึกการแจ้งเตือน" in await _answer(fake, COORD, qid)
        qid = fake.press(COORD, msg.message_id, nudge)
        assert "แจ้งเตือนแล้ววันนี้" in await _answer(fake, COORD, qid)
        fake.send_text(COORD, "/missing")
        again = await fake.wait_for_message(
            COORD, lambda m: m.message_id != msg.message_id and "(แจ้งเตือนแล้ววันนี้)" in _text(m)
        )
        assert nudge not in [d for _, d in again.buttons()]
        # A head sees their own division's silence, without nudge buttons.
        fake.send_text(HEAD, "/missing")
        own = await fake.wait_for_message(HEAD, lambda m: "หน่วยงานที่ยังรายงานไม่ครบ" in _text(m))
        assert "สำนักคลัง" in _text(own) and "สำนักปลัดเทศบาล" not in _text(own)
        assert own.buttons() == []
    async with sessions() as s:
        rows = (await s.scalars(select(Delivery))).all()
        assert [(d.kind, d.state, d.chat_id) for d in rows] == [("nudge", "pending", HEALTH_HEAD)]
        assert await s.scalar(select(func.count()).select_from(Delivery)) == 1


async def test_history_round_by_round(
    engine: AsyncEngine, db_url: str, sc: Scenario, fake: FakeTelegram
) -> None:
    async with running_bot(fake, engine, db_url, clock=lambda: sc.now):
        fake.send_text(COORD, "/history")
        msg = await fake.wait_for_message(COORD, lambda m: "ประวัติสถานะ" in _text(m))
        fake.press(COORD, msg.message_id, encode("hm", sc.ids.measures[1]))
        h = await fake.wait_for_message(COORD, lambda m: "ประวัติสถานะรายรอบ มาตรการที่ 1" in _text(m))
        assert "ธ.ค. ๖๔ 🔄 · ม.ค. ๖๕ ✅" in _text(h)
        fake.press(COORD, msg.message_id, encode("hd", sc.ids.divisions["STRAT"]))
        hd = await fake.wait_for_message(
            COORD, lambda m: "ประวัติสถานะรายรอบ กองยุทธศาสตร์" in _text(m)
        )
        assert "ไตรมาส ๑/๖๕ ✅" in _text(hd)  # the quarterly round, with its quarter
        fake.send_text(HEAD, "/history")
        own = await fake.wait_for_message(HEAD, lambda m: "ประวัติสถานะ" in _text(m))
        assert [d for _, d in own.buttons() if d.startswith("hd:")] == [
            encode("hd", sc.ids.divisions["FIN"])
        ]


async def test_coordinator_export_and_quarter_summary(
    engine: AsyncEngine, db_url: str, sc: Scenario, fake: FakeTelegram
) -> None:
    async with running_bot(fake, engine, db_url, clock=lambda: sc.now):
        fake.send_text(COORD, "/export")
        png = await fake.wait_for_message(COORD, lambda m: (m.file_name or "").endswith(".png"))
        names = [m.file_name for m in fake.messages(COORD) if m.kind == "document"]
        fake.send_text(COORD, "/summary 2565-Q1")
        q = await fake.wait_for_message(COORD, lambda m: "ไตรมาสที่ ๑" in _text(m))
        fake.send_text(COORD, "/summary 2599-99")
        await fake.wait_for_message(COORD, lambda m: "ไม่พบรอบ 2599-99" in _text(m))
    assert names == ["ita-2565-01.xlsx", "ita-2565-01.docx", "ita-2565-01.png"]
    assert (png.file_bytes or b"").startswith(b"\x89PNG")
    assert "ปีงบประมาณ ๒๕๖๕" in _text(q) and "1/1" in _text(q)


async def test_an_export_is_prepared_off_the_update_path_one_at_a_time(
    engine: AsyncEngine,
    db_url: str,
    sc: Scenario,
    fake: FakeTelegram,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Rendering is held until the test lets it go, so what happens meanwhile is certain.
    release = asyncio.Event()
    real = exports_handler.export_round

    async def held(*args: Any, **kwargs: Any) -> Any:
        # Bounded, so that an export run on the update path fails the test instead of hanging it.
        await asyncio.wait_for(release.wait(), timeout=30)
        return await real(*args, **kwargs)

    monkeypatch.setattr(exports_handler, "export_round", held)
    async with running_bot(fake, engine, db_url, clock=lambda: sc.now):
        fake.send_text(COORD, "/export")
        await fake.wait_for_message(COORD, lambda m: "กำลังจัดทำรายงาน" in _text(m))
        # While it renders, the same person is told to wait and others are answered at once.
        fake.send_text(COORD, "/export")
        await fake.wait_for_message(COORD, lambda m: "กำลังจัดทำรายงานที่ท่านขอไว้" in _text(m))
        fake.send_text(HEAD, "/summary")
        await fake.wait_for_message(HEAD, lambda m: "สรุปผลการรายงาน" in _text(m))
        release.set()
        await fake.wait_for_message(COORD, lambda m: (m.file_name or "").endswith(".png"))
        # The export's last message (one a second in a chat: issue 16's limiter paces them).
        await fake.wait_for_message(COORD, lambda m: "ชุดเอกสารเผยแพร่" in _text(m))
        # Done: the next export is taken again.
        seen = {m.message_id for m in fake.messages(COORD)}
        fake.send_text(COORD, "/export")
        await fake.wait_for_message(
            COORD, lambda m: (m.file_name or "").endswith(".png") and m.message_id not in seen
        )
    documents = [m.file_name for m in fake.messages(COORD) if m.kind == "document"]
    assert documents.count("ita-2565-01.xlsx") == 2  # one per export taken, none for the refused
