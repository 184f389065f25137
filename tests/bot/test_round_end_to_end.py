"""One monthly round end to end through the real Application, the tick and the fake Bot API.

Prompt with buttons, an answer with a photo, an edit by a delegate, the reminder going only to
the silent division, the coordinators' digest, the close, and a late answer marked late.
Runs on SQLite and on PostgreSQL; the clock is set by the test, nothing waits for a schedule.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.telegram.delivery import TelegramDelivery
from bot.telegram.ticker import tick_config
from scheduler.tick import tick
from scheduler.workdays import WorkCalendar
from storage.models import Report, Round
from tests.bot.harness import Clock, bot_settings, core_of, running_bot
from tests.bot.test_answer_flow import Phone, _button, _text
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram
from tests.scheduling import bkk

Sessions = async_sessionmaker[AsyncSession]
FIN_HEAD, FIN_MEMBER, PALAD_HEAD, COORDINATOR = 4001, 4002, 4003, 4009


async def test_one_monthly_round_end_to_end(
    engine: AsyncEngine, db_url: str, sessions: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    # At DEBUG PTB logs every Bot API URL (which holds the token) and every call's parameters;
    # the whole round must still leave no secret in the log (bot/secrets_filter.py).
    caplog.set_level(logging.DEBUG)
    await seed_plan(sessions)
    await enrol(sessions, FIN_HEAD, "head", "FIN", name="ผอ.สำนักคลัง")
    await enrol(sessions, FIN_MEMBER, "member", "FIN", name="นักวิชาการเงิน")
    await enrol(sessions, PALAD_HEAD, "head", "PALAD", name="ปลัด")
    await enrol(sessions, COORDINATOR, "coordinator", name="ผู้ประสานงาน")
    fake = FakeTelegram()
    for uid in (FIN_HEAD, FIN_MEMBER, PALAD_HEAD, COORDINATOR):
        fake.add_user(uid)
    head, member, palad = Phone(fake, FIN_HEAD), Phone(fake, FIN_MEMBER), Phone(fake, PALAD_HEAD)
    coordinator = Phone(fake, COORDINATOR)
    # January 2565: the meeting is on the last Wednesday, 26 Jan 2022 at 09:30 in Bangkok.
    clock = Clock(bkk(2022, 1, 19, 9, 1))
    settings = bot_settings(fake, db_url)
    calendar = WorkCalendar()

    async with running_bot(fake, engine, db_url, clock=clock, log_level="DEBUG") as app:
        deliver = TelegramDelivery(app.bot, core_of(sessions, settings.tz))

        async def run_tick() -> None:
            for phone in (head, member, palad, coordinator):
                phone.mark()
            await tick(sessions, clock(), deliver, tick_config(settings), calendar)

        # Five working days before the meeting: every enrolled person of each division is asked.
        await run_tick()
        prompt = await head.expect("ประจำเดือนมกราคม ๒๕๖๕", buttons=True)
        # The meeting named once, its month once: no "ประจำเดือน ประจำเดือน…".
        assert (
            "การประชุมหัวหน้าส่วนราชการประจำเดือนมกราคม ๒๕๖๕\nวันที่ ๒๖ ม.ค. ๒๕๖๕ เวลา ๐๙.๓๐ น."
            in _text(prompt)
        )
        assert _text(prompt).count("ประจำเดือน") == 1
        owed = [d for _, d in prompt.buttons()]
        assert len(owed) == 4  # FIN: measure 1, and 3, 5, 6 that fall to every division
        await member.expect("ประจำเดือนมกราคม ๒๕๖๕", buttons=True)
        palad_prompt = await palad.expect("ประจำเดือนมกราคม ๒๕๖๕", buttons=True)
        assert fake.sent_count(COORDINATOR) == 0

        # The head answers measure 1 with a photo, straight from the prompt's button.
        head.press(prompt, owed[0])
        screen = await head.expect("วิธีดำเนินการ")
        head.press(screen, _button(screen, "st:"))
        await head.expect("กรุณาพิมพ์สรุป")
        head.mark()
        fake.send_photo(FIN_HEAD, caption="เผยแพร่รายงานการใช้จ่ายงบประมาณบนเว็บไซต์แล้ว")
        ask = await head.expect("ยืนยันส่งรายงาน")
        assert "หลักฐาน: 1 รายการ" in _text(ask)
        head.press(ask, _button(ask, "ok:"))
        await head.expect("บันทึกรายงานมาตรการที่ 1")

        # The delegate edits measure 1 and answers the rest.
        listing = await member.expect(buttons=True)  # the member's own prompt
        for data in owed:
            member.press(listing, data)
            screen = await member.expect("วิธีดำเนินการ")
            member.press(screen, _button(screen, "st:"))
            await member.expect("กรุณาพิมพ์สรุป")
            member.send("ดำเนินการตามแผนแล้ว")
            ask = await member.expect("ยืนยันส่งรายงาน")
            member.press(ask, _button(ask, "ok:"))
            await member.expect("บันทึกรายงาน")
            member.send("/report")
            listing = await member.expect(buttons=True)

        # Two working days before: the reminder goes only to the silent division.
        clock.now = bkk(2022, 1, 24, 9, 1)
        await run_tick()
        reminder = await palad.expect("ขอเรียนเตือน", buttons=True)
        assert "มาตรการที่ 2" in _text(reminder)
        assert "ขอเรียนเตือน: การประชุมหัวหน้าส่วนราชการประจำเดือนมกราคม ๒๕๖๕\n" in _text(reminder)
        assert not [m for m in fake.messages(FIN_HEAD)[head.seen :] if "เตือน" in _text(m)]
        assert not [m for m in fake.messages(FIN_MEMBER)[member.seen :] if "เตือน" in _text(m)]

        # One working day before: the coordinators' digest names who is missing.
        clock.now = bkk(2022, 1, 25, 9, 1)
        await run_tick()
        digest = await coordinator.expect("สรุปผลการรายงานก่อนการประชุม")
        assert _text(digest).startswith(
            "สรุปผลการรายงานก่อนการประชุมหัวหน้าส่วนราชการประจำเดือนมกราคม ๒๕๖๕\n"
            "วันที่ ๒๖ ม.ค. ๒๕๖๕ เวลา ๐๙.๓๐ น.\n"
        )
        assert "✅ สำนักคลัง" in _text(digest)
        assert "⏳ สำนักปลัดเทศบาล" in _text(digest)

        # After the meeting the round is closed: nothing more is sent; a late answer is kept.
        clock.now = bkk(2022, 1, 26, 10, 0)
        await run_tick()
        assert fake.sent_count(PALAD_HEAD) == palad.seen
        palad.press(palad_prompt, _button(palad_prompt, "m:"))
        screen = await palad.expect("วิธีดำเนินการ")
        assert "รายงานล่าช้า" in _text(screen)
        palad.press(screen, _button(screen, "st:"))
        await palad.expect("กรุณาพิมพ์สรุป")
        palad.send("จัดอบรมการใช้ทรัพย์สินของราชการแล้ว")
        ask = await palad.expect("ยืนยันส่งรายงาน")
        palad.press(ask, _button(ask, "ok:"))
        await palad.expect("ล่าช้า")

    async with sessions() as s:
        rnd = (await s.scalars(select(Round).where(Round.key == "2565-01"))).one()
        reports = list(await s.scalars(select(Report).where(Report.round_id == rnd.id)))
    assert rnd.closes_at == bkk(2022, 1, 26, 9, 30)
    by_person = sorted((r.person_id, r.late) for r in reports)
    assert len(reports) == 1 + 4 + 1
    assert [late for _, late in by_person].count(True) == 1
    assert rnd.opens_at == bkk(2022, 1, 19, 9, 0)
    assert "sendMessage" in caplog.text  # PTB's DEBUG lines were captured
    assert fake.token not in caplog.text and fake.token.split(":")[1] not in caplog.text
