"""Issue 14's acceptance, the review part: a whole round through the real Application, the
tick and the fake Bot API, on SQLite and PostgreSQL, with restarts in between.

An answer is returned with a comment typed in the chat; the division's head and member get
the notice once (also across restarts of the bot before and after the tick sent it); the head
answers again from the notice; the coordinator finds the new answer in /review and accepts
it; /summary, the XLSX and the DOCX show both answers and the review trail. Then who may not
review: heads and members are refused on the server, whatever button they forge.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.telegram.callbacks import encode
from bot.telegram.delivery import TelegramDelivery
from bot.telegram.ticker import tick_config
from scheduler.tick import tick
from scheduler.workdays import WorkCalendar
from storage import audit
from storage.models import AuditEvent, Delivery, PendingReview, Report, Review
from storage.reviews import RETURN_NOTICE
from tests.bot.harness import App, Clock, bot_settings, core_of, running_bot
from tests.bot.test_answer_flow import Phone, _button, _text
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram, SentMessage
from tests.scheduling import bkk

Sessions = async_sessionmaker[AsyncSession]
FIN_HEAD, FIN_MEMBER, PALAD_HEAD, COORDINATOR = 6001, 6002, 6003, 6009
FIRST = "จัดทำร่างรายงานการใช้จ่ายงบประมาณแล้ว"
COMMENT = "กรุณาแนบรายงานการเบิกจ่ายงบประมาณไตรมาสที่ 1 <ฉบับลงนาม>"
SECOND = "แนบรายงานการเบิกจ่ายงบประมาณไตรมาสที่ 1 ฉบับลงนามแล้ว"
NOTICE = "ผู้ประสานงานขอข้อมูลเพิ่มเติม"


async def _people(sessions: Sessions, fake: FakeTelegram) -> None:
    await seed_plan(sessions)
    await enrol(sessions, FIN_HEAD, "head", "FIN", name="ผอ.สำนักคลัง")
    await enrol(sessions, FIN_MEMBER, "member", "FIN", name="นักวิชาการเงิน")
    await enrol(sessions, PALAD_HEAD, "head", "PALAD", name="ปลัด")
    await enrol(sessions, COORDINATOR, "coordinator", name="ผู้ประสานงาน")
    for uid in (FIN_HEAD, FIN_MEMBER, PALAD_HEAD, COORDINATOR):
        fake.add_user(uid)


def _notices(fake: FakeTelegram, uid: int) -> list[SentMessage]:
    return [m for m in fake.messages(uid) if NOTICE in _text(m) and m.buttons()]


async def _answer(phone: Phone, start: SentMessage, data: str, text: str) -> None:
    """From a message with the measure's button: open it, pick done, write, confirm."""
    phone.press(start, data)
    screen = await phone.expect("วิธีดำเนินการ")
    phone.press(screen, _button(screen, "st:"))
    await phone.expect("กรุณาพิมพ์สรุป")
    phone.send(text)
    ask = await phone.expect("ยืนยันส่งรายงาน")
    phone.press(ask, _button(ask, "ok:"))
    await phone.expect("บันทึกรายงานมาตรการที่ 1")


async def _open_first_waiting(coordinator: Phone) -> SentMessage:
    coordinator.send("/review")
    queue = await coordinator.expect("รายงานที่รอการตรวจ", buttons=True)
    assert "มาตรการที่ 1 สำนักคลัง" in _text(queue)
    coordinator.press(queue, _button(queue, "rw:"))
    return await coordinator.expect("ตรวจรายงาน มาตรการที่ 1")


async def test_a_round_with_a_return_and_an_acceptance(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    fake = FakeTelegram()
    await _people(sessions, fake)
    head, member = Phone(fake, FIN_HEAD), Phone(fake, FIN_MEMBER)
    coordinator = Phone(fake, COORDINATOR)
    # January 2565: prompts five working days before the meeting of 26 Jan 2022 at 09:30.
    clock = Clock(bkk(2022, 1, 19, 9, 1))
    settings = bot_settings(fake, db_url)

    async def run_tick(app: App) -> None:
        deliver = TelegramDelivery(app.bot, core_of(sessions, settings.tz))
        await tick(sessions, clock(), deliver, tick_config(settings), WorkCalendar())

    async with running_bot(fake, engine, db_url, clock=clock) as app:
        await run_tick(app)
        prompt = await head.expect("ประจำเดือนมกราคม ๒๕๖๕", buttons=True)
        await _answer(head, prompt, prompt.buttons()[0][1], FIRST)
        card = await _open_first_waiting(coordinator)
        assert FIRST in _text(card) and "🕒 รอการตรวจ" in _text(card)
        coordinator.press(card, _button(card, "rr:"))
        await coordinator.expect("กรุณาพิมพ์ข้อมูลหรือเอกสาร")
    # The bot restarts between the press and the comment: the wait is in the database.
    async with running_bot(fake, engine, db_url, clock=clock):
        coordinator.send(COMMENT)
        done = await coordinator.expect("ขอข้อมูลเพิ่มเติมแล้ว")
        assert "2 คน" in _text(done)  # the head and the member
    # It restarts again before the tick sends the notice (the next morning), and once more
    # after it did.
    clock.now = bkk(2022, 1, 20, 9, 0)
    async with running_bot(fake, engine, db_url, clock=clock) as app:
        await run_tick(app)
        notice = await head.expect(NOTICE, buttons=True)
        await member.expect(NOTICE, buttons=True)
    async with running_bot(fake, engine, db_url, clock=clock) as app:
        await run_tick(app)
        await run_tick(app)
        assert len(_notices(fake, FIN_HEAD)) == len(_notices(fake, FIN_MEMBER)) == 1
        assert _notices(fake, PALAD_HEAD) == [] and _notices(fake, COORDINATOR) == []
        assert COMMENT in _text(notice) and FIRST in _text(notice)
        # The notice's button opens the measure with the returned answer and the comment.
        head.press(notice, _button(notice, "m:"))
        screen = await head.expect("วิธีดำเนินการ")
        assert NOTICE in _text(screen) and COMMENT in _text(screen) and FIRST in _text(screen)
        await _answer(head, notice, _button(notice, "m:"), SECOND)
        # The new answer waits for review again, with the earlier return in its trail.
        card = await _open_first_waiting(coordinator)
        assert SECOND in _text(card) and "ประวัติการตรวจ" in _text(card) and COMMENT in _text(card)
        coordinator.press(card, _button(card, "ra:"))
        await coordinator.expect("บันทึกผลการตรวจแล้ว")
        coordinator.send("/summary")
        summary = await coordinator.expect("สรุปผลการรายงาน")
        assert "ผลการตรวจ: รับทราบ/ผ่าน 1 รายการ ขอข้อมูลเพิ่มเติม 0 รายการ" in _text(summary)
        coordinator.send("/history")
        choose = await coordinator.expect("ประวัติสถานะ", buttons=True)
        coordinator.press(choose, _button(choose, "hm:"))
        history = await coordinator.expect("ประวัติสถานะรายรอบ มาตรการที่ 1")
        assert "ม.ค. ๖๕ ✅☑️" in _text(history)  # done, and accepted
        coordinator.send("/export")
        files = await _files(fake, coordinator)
    _check_xlsx(files["xlsx"])
    _check_docx(files["docx"])
    await _check_records(sessions)


async def _files(fake: FakeTelegram, phone: Phone) -> dict[str, bytes]:
    phone.mark()
    found = {}
    for ext in ("xlsx", "docx", "png"):
        msg = await fake.wait_for_message(
            phone.user, lambda m, e=ext: (m.file_name or "").endswith(f".{e}"), after=phone.seen
        )
        found[ext] = msg.file_bytes or b""
    return found


def _check_xlsx(data: bytes) -> None:
    """Both answers, each with its review: the returned one with the comment."""
    sheet = load_workbook(io.BytesIO(data))["รายการรายงาน"]
    rows = list(sheet.iter_rows(values_only=True))
    head = rows[0]
    fin: list[dict[str, Any]] = [
        dict(zip(head, r, strict=True))
        for r in rows[1:]
        if r[3] == "สำนักคลัง" and str(r[2]).startswith("1.")
    ]
    assert [r["ผลการดำเนินการ"] for r in fin] == [FIRST, SECOND]
    assert [r["ฉบับ"] for r in fin] == ["ถูกแทนที่ด้วยฉบับใหม่", "ฉบับล่าสุด"]
    first, second = (str(r["ผลการตรวจ"]) for r in fin)
    assert first.startswith("ขอข้อมูลเพิ่มเติม โดย ผู้ประสานงาน เมื่อ")
    assert f"ความเห็น: {COMMENT}" in first
    assert second.startswith("รับทราบ/ผ่าน โดย ผู้ประสานงาน เมื่อ")
    summary = list(load_workbook(io.BytesIO(data))["สรุปรายมาตรการ"].iter_rows(values_only=True))
    m1 = dict(zip(summary[0], summary[1], strict=True))
    assert (m1["รับทราบ/ผ่าน"], m1["ขอข้อมูลเพิ่มเติม"]) == (1, 0)


def _check_docx(data: bytes) -> None:
    """The meeting report: the counting answer with its review, the earlier one in the trail."""
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    fin = next(c for c in cells if SECOND in c)
    assert "ผลการตรวจ: รับทราบ/ผ่าน โดย ผู้ประสานงาน" in fin
    assert FIRST in fin and f"ความเห็น: {COMMENT}" in fin
    assert "ผลการตรวจ: ขอข้อมูลเพิ่มเติม โดย ผู้ประสานงาน" in fin
    words = "\n".join(p.text for p in doc.paragraphs)
    assert "ผลการตรวจ: รับทราบ/ผ่าน ๑ รายการ ขอข้อมูลเพิ่มเติม ๐ รายการ" in words


async def _check_records(sessions: Sessions) -> None:
    """Two reviews, both audited with who and what; one notice a person; nothing waiting."""
    async with sessions() as s:
        reviews = (await s.scalars(select(Review).order_by(Review.id))).all()
        events = (
            await s.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.in_([audit.REVIEW_RETURNED, audit.REVIEW_ACCEPTED]))
                .order_by(AuditEvent.id)
            )
        ).all()
        notices = (await s.scalars(select(Delivery).where(Delivery.kind == RETURN_NOTICE))).all()
        answers = await s.scalar(select(func.count()).select_from(Report))
        waiting = await s.scalar(select(func.count()).select_from(PendingReview))
    assert [(r.decision, r.comment) for r in reviews] == [("returned", COMMENT), ("accepted", "")]
    assert [(e.action, e.note) for e in events] == [
        (audit.REVIEW_RETURNED, COMMENT),
        (audit.REVIEW_ACCEPTED, ""),
    ]
    assert {e.actor_person_id for e in events} == {reviews[0].reviewer_id}
    assert sorted((d.chat_id, d.state) for d in notices) == [
        (FIN_HEAD, "sent"),
        (FIN_MEMBER, "sent"),
    ]
    assert answers == 2 and waiting == 0


async def test_heads_and_members_cannot_review(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    fake = FakeTelegram()
    await _people(sessions, fake)
    head, coordinator = Phone(fake, FIN_HEAD), Phone(fake, COORDINATOR)
    clock = Clock(bkk(2022, 1, 19, 9, 1))
    settings = bot_settings(fake, db_url)
    async with running_bot(fake, engine, db_url, clock=clock) as app:
        deliver = TelegramDelivery(app.bot, core_of(sessions, settings.tz))
        await tick(sessions, clock(), deliver, tick_config(settings), WorkCalendar())
        prompt = await head.expect("ประจำเดือนมกราคม ๒๕๖๕", buttons=True)
        await _answer(head, prompt, prompt.buttons()[0][1], FIRST)
        async with sessions() as s:
            answer = await s.scalar(select(func.max(Report.id)))
        assert answer is not None
        head.send("/review")
        await head.expect("สงวนไว้สำหรับผู้ประสานงาน")
        for data in (
            encode("rw", answer),
            encode("ra", answer),
            encode("rr", answer),
            encode("rx"),
            encode("rq"),
        ):
            await head.alert(prompt, data, "สงวนไว้สำหรับผู้ประสานงาน")
        # The head's own summary offers no review buttons.
        head.send("/summary")
        own = await head.expect("สรุปผลการรายงาน", buttons=True)
        head.press(own, _button(own, "sm:"))
        detail = await head.expect("มาตรการที่ 1")
        assert not [d for _, d in detail.buttons() if d.startswith("rw:")]
        # A coordinator's wait for a comment takes the coordinator's message, nobody else's.
        card = await _open_first_waiting(coordinator)
        coordinator.press(card, _button(card, "rr:"))
        asked = await coordinator.expect("กรุณาพิมพ์ข้อมูลหรือเอกสาร")
        head.send("ข้อความของหัวหน้าหน่วยงาน")
        await head.expect("/report")  # no draft to add to: the answering handlers said so
        coordinator.press(asked, encode("rx"))
        await coordinator.expect("ยกเลิกการขอข้อมูลเพิ่มเติมแล้ว")
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Review)) == 0
        assert await s.scalar(select(func.count()).select_from(PendingReview)) == 0
        refused = (
            await s.scalars(select(AuditEvent).where(AuditEvent.action == audit.ACTION_REFUSED))
        ).all()
    # Every forged press and the command were refused and audited (with what was tried).
    reasons = [e.detail.get("reason") for e in refused]
    assert reasons.count("not_reviewer") == 6
