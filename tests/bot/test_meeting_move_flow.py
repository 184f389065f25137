"""Moving a meeting from /meetings, end to end: the real Application, the tick, the fake Bot API.

January 2565's meeting is Wednesday 26 Jan 2022 09:30; its prompt goes out on the 19th. On
Friday the 21st a coordinator moves it two days later, to Friday the 28th: each division
already prompted gets one "meeting moved" notice (and no second one after a restart), the
reminder and the digest come at the new times, and an answer given on the 27th (between the
old and the new meeting) is on time. Runs on SQLite and on PostgreSQL with a set clock.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.telegram.delivery import TelegramDelivery
from bot.telegram.ticker import tick_config
from scheduler.tick import tick
from scheduler.workdays import WorkCalendar
from storage import audit
from storage.holidays import add_holiday
from storage.models import Delivery, Meeting, Report, Round
from tests.bot.harness import Clock, bot_settings, core_of, running_bot
from tests.bot.test_answer_flow import Phone, _button, _text
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram
from tests.scheduling import bkk

Sessions = async_sessionmaker[AsyncSession]
FIN_HEAD, PALAD_HEAD, COORDINATOR = 6001, 6002, 6009
NEW_WHEN = "๒๘ ม.ค. ๒๕๖๕ เวลา ๐๙.๓๐ น."


async def _world(sessions: Sessions, fake: FakeTelegram) -> None:
    await seed_plan(sessions)
    await enrol(sessions, FIN_HEAD, "head", "FIN", name="ผอ.สำนักคลัง")
    await enrol(sessions, PALAD_HEAD, "head", "PALAD", name="ปลัด")
    await enrol(sessions, COORDINATOR, "coordinator", name="ผู้ประสานงาน")
    for uid in (FIN_HEAD, PALAD_HEAD, COORDINATOR):
        fake.add_user(uid)


async def _moved(sessions: Sessions) -> list[tuple[int, str]]:
    async with sessions() as s:
        rows = await s.execute(
            select(Delivery.chat_id, Delivery.state).where(Delivery.kind == "moved")
        )
        return sorted((chat, state) for chat, state in rows.all())


async def _move_by_buttons(coordinator: Phone) -> None:
    """/meetings, January, the 28th, 09:30, confirm: the coordinator's whole move."""
    coordinator.send("/meetings")
    listed = await coordinator.expect("เลือกเดือนด้านล่าง", buttons=True)
    # The December meeting has been held: only January to March may still move.
    assert [d for _, d in listed.buttons()] == ["mvm:202201", "mvm:202202", "mvm:202203"]
    coordinator.press(listed, "mvm:202201")
    grid = await coordinator.expect("เลือกวันประชุมใหม่", buttons=True)
    labels = [label for label, _ in grid.buttons()]
    assert labels[:8] == ["มกราคม ๒๕๖๕", "จ", "อ", "พ", "พฤ", "ศ", "ส", "อา"]
    assert "•๒๖" in labels and "๒๙*" in labels and "·" in labels  # now, a Saturday, the past
    assert "mvd:202201:20" not in [d for _, d in grid.buttons()]  # yesterday: no button
    coordinator.press(grid, "mvd:202201:28")
    times = await coordinator.expect("เลือกเวลาประชุม", buttons=True)
    coordinator.press(times, "mvt:202201:28:930")
    ask = await coordinator.expect("ยืนยันการเปลี่ยนวันประชุม", buttons=True)
    assert "จากวันที่ ๒๖ ม.ค. ๒๕๖๕ เวลา ๐๙.๓๐ น." in _text(ask)
    assert f"เป็นวันที่ {NEW_WHEN}" in _text(ask) and "⚠️" not in _text(ask)
    coordinator.press(ask, _button(ask, "mvy:"))
    done = await coordinator.expect("เรียบร้อยแล้ว")
    assert NEW_WHEN in _text(done) and "๒ ราย" in _text(done)


async def test_a_meeting_moved_two_days_later_after_the_prompts(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    fake = FakeTelegram()
    await _world(sessions, fake)
    fin, palad = Phone(fake, FIN_HEAD), Phone(fake, PALAD_HEAD)
    coordinator = Phone(fake, COORDINATOR)
    clock = Clock(bkk(2022, 1, 19, 9, 1))
    settings = bot_settings(fake, db_url)
    calendar = WorkCalendar()

    async with running_bot(fake, engine, db_url, clock=clock) as app:
        deliver = TelegramDelivery(app.bot, core_of(sessions, settings.tz))
        await tick(sessions, clock(), deliver, tick_config(settings), calendar)
        prompt = await fin.expect("ประจำเดือนมกราคม ๒๕๖๕", buttons=True)
        await palad.expect("ประจำเดือนมกราคม ๒๕๖๕", buttons=True)

        clock.now = bkk(2022, 1, 21, 10, 0)
        await _move_by_buttons(coordinator)
        fin.mark(), palad.mark()
        await tick(sessions, clock(), deliver, tick_config(settings), calendar)
        notice = await fin.expect("แจ้งเปลี่ยนวันประชุม", buttons=True)
        assert f"เปลี่ยนเป็นวันที่ {NEW_WHEN}" in _text(notice)
        await palad.expect("แจ้งเปลี่ยนวันประชุม")
        assert await _moved(sessions) == [(FIN_HEAD, "sent"), (PALAD_HEAD, "sent")]

    # A restart: the same moves, the same notices, nothing sent twice.
    async with running_bot(fake, engine, db_url, clock=clock) as app:
        deliver = TelegramDelivery(app.bot, core_of(sessions, settings.tz))
        counts = {uid: fake.sent_count(uid) for uid in (FIN_HEAD, PALAD_HEAD, COORDINATOR)}
        for day, hour in ((21, 10), (24, 9), (25, 9)):
            clock.now = bkk(2022, 1, day, hour, 5)
            await tick(sessions, clock(), deliver, tick_config(settings), calendar)
        # The old reminder (24th) and digest (25th) times pass quietly.
        assert {uid: fake.sent_count(uid) for uid in counts} == counts
        assert await _moved(sessions) == [(FIN_HEAD, "sent"), (PALAD_HEAD, "sent")]

        # Two working days before the 28th: the reminder; one before: the digest.
        clock.now = bkk(2022, 1, 26, 9, 5)
        await tick(sessions, clock(), deliver, tick_config(settings), calendar)
        await fin.expect("ขอเรียนเตือน")
        await palad.expect("ขอเรียนเตือน")
        clock.now = bkk(2022, 1, 27, 9, 5)
        await tick(sessions, clock(), deliver, tick_config(settings), calendar)
        await coordinator.expect("สรุปผลการรายงานก่อนการประชุม")

        # After the old meeting, before the new one: an answer on time.
        clock.now = bkk(2022, 1, 27, 10, 0)
        fin.press(prompt, _button(prompt, "m:"))
        screen = await fin.expect("วิธีดำเนินการ")
        assert "ล่าช้า" not in _text(screen)
        fin.press(screen, _button(screen, "st:"))
        await fin.expect("กรุณาพิมพ์สรุป")
        fin.send("เผยแพร่รายงานแล้ว")
        ask = await fin.expect("ยืนยันส่งรายงาน")
        fin.press(ask, _button(ask, "ok:"))
        saved = await fin.expect("บันทึกรายงาน")
        assert "ล่าช้า" not in _text(saved)

    async with sessions() as s:
        rnd = (await s.scalars(select(Round).where(Round.key == "2565-01"))).one()
        reports = list(await s.scalars(select(Report).where(Report.round_id == rnd.id)))
        meeting = (await s.scalars(select(Meeting).where(Meeting.id == rnd.meeting_id))).one()
    assert rnd.closes_at == bkk(2022, 1, 28, 9, 30) == meeting.starts_at and meeting.manual
    assert [r.late for r in reports] == [False]


async def _january(sessions: Sessions) -> tuple[datetime | None, bool]:
    async with sessions() as s:
        row = (
            await s.execute(
                select(Meeting.starts_at, Meeting.manual).where(Meeting.month == date(2022, 1, 1))
            )
        ).one_or_none()
    return (row[0], row[1]) if row else (None, False)


async def test_only_coordinators_move_meetings_and_bad_presses_change_nothing(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    fake = FakeTelegram()
    await _world(sessions, fake)
    head, coordinator = Phone(fake, FIN_HEAD), Phone(fake, COORDINATOR)
    clock = Clock(bkk(2022, 1, 21, 10, 0))
    settings = bot_settings(fake, db_url)
    async with running_bot(fake, engine, db_url, clock=clock) as app:
        deliver = TelegramDelivery(app.bot, core_of(sessions, settings.tz))
        await tick(sessions, clock(), deliver, tick_config(settings), WorkCalendar())
        before = await _january(sessions)
        assert before[0] == bkk(2022, 1, 26, 9, 30)
        prompt = await head.expect("ประจำเดือนมกราคม ๒๕๖๕", buttons=True)
        # A head, whatever the buttons say: refused on the server, every step, audited.
        for forged in ("mvm:202201", "mvd:202201:28", "mvt:202201:28:930", "mvy:202201:28:930"):
            await head.alert(prompt, forged, "ไม่มีสิทธิ์")
        coordinator.send("/meetings")
        listed = await coordinator.expect("เลือกเดือนด้านล่าง", buttons=True)
        refusals = {
            "mvt:202201:20:900": "วันเวลาที่ผ่านมาแล้ว",  # yesterday
            "mvy:202201:21:900": "วันเวลาที่ผ่านมาแล้ว",  # this morning
            "mvm:202112": "เริ่มไปแล้ว",  # December's meeting was held
            "mvy:202112:30:900": "เริ่มไปแล้ว",
            "mvm:202305": "ไม่มีการประชุมตามแผน",  # outside the plan
            "mvm:202213": "ข้อมูลวันหรือเวลาไม่ถูกต้อง",  # no such month
            "mvt:202201:32:900": "ข้อมูลวันหรือเวลาไม่ถูกต้อง",
            "mvy:202202:28:2460": "ข้อมูลวันหรือเวลาไม่ถูกต้อง",
            "mvd:202202:30": "ข้อมูลวันหรือเวลาไม่ถูกต้อง",
        }
        for data, needle in refusals.items():
            await coordinator.alert(listed, data, needle)
        # Cancelling says so and changes nothing either.
        coordinator.press(listed, "mvx", strict=False)
        await coordinator.expect("ยกเลิกการเปลี่ยนวันประชุมแล้ว")
    assert await _january(sessions) == before
    assert await _moved(sessions) == []
    async with sessions() as s:
        refused = await audit.recent(s, action=audit.ACTION_REFUSED)
    assert sum(e.detail.get("action") == "move_meeting" for e in refused) >= 4


async def test_a_weekend_or_special_holiday_is_warned_before_the_move(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    fake = FakeTelegram()
    await _world(sessions, fake)
    async with sessions() as s, s.begin():
        await add_holiday(s, date(2022, 1, 27), "วันหยุดพิเศษ ท้องถิ่น")
    coordinator = Phone(fake, COORDINATOR)
    clock = Clock(bkk(2022, 1, 21, 10, 0))
    async with running_bot(fake, engine, db_url, clock=clock):
        coordinator.send("/meetings")
        listed = await coordinator.expect("เลือกเดือนด้านล่าง", buttons=True)
        coordinator.press(listed, "mvm:202201")
        grid = await coordinator.expect("เลือกวันประชุมใหม่", buttons=True)
        assert "๒๗*" in [label for label, _ in grid.buttons()]
        coordinator.press(grid, "mvd:202201:27")
        times = await coordinator.expect("เลือกเวลาประชุม", buttons=True)
        coordinator.press(times, "mvt:202201:27:1330")
        ask = await coordinator.expect("ยืนยันการเปลี่ยนวันประชุม", buttons=True)
        assert "⚠️ วันที่เลือกตรงกับวันหยุด: วันหยุดพิเศษ ท้องถิ่น" in _text(ask)
        coordinator.press(ask, "mvt:202201:29:900", strict=False)
        ask = await coordinator.expect("ยืนยันการเปลี่ยนวันประชุม", buttons=True)
        assert "⚠️ วันที่เลือกตรงกับวันหยุดสุดสัปดาห์" in _text(ask)
        coordinator.press(ask, _button(ask, "mvy:"))
        done = await coordinator.expect("เรียบร้อยแล้ว")
        assert "วันหยุดสุดสัปดาห์" in _text(done)
        assert "ราย" not in _text(done)  # nobody was prompted yet: nobody to tell
    starts, manual = await _january(sessions)
    assert starts == bkk(2022, 1, 29, 9, 0) and manual
