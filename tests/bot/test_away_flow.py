"""Issue 14's acceptance, stand-ins: a head away for a week names a member with /away; the
prompt and the reminder go to the stand-in only; the stand-in's answer counts for the
division; the head gets one summary when the week ends (also across a restart); afterwards
the head is asked again. Refusals: past days, overlapping days, another division's person,
a member naming a stand-in. Through the real Application and the fake Bot API, on SQLite
and PostgreSQL, with a controlled clock.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.telegram.callbacks import encode
from bot.telegram.delivery import TelegramDelivery
from bot.telegram.ticker import tick_config
from scheduler.tick import tick
from scheduler.workdays import WorkCalendar
from storage import audit
from storage.counting import item_answers
from storage.models import AuditEvent, Delivery, Division, StandIn
from storage.standins import AWAY_REASON, AWAY_SUMMARY
from storage.summary import round_by_key
from tests.bot.harness import App, Clock, bot_settings, core_of, running_bot
from tests.bot.test_answer_flow import Phone, _text
from tests.bot.test_review_flow import _answer
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram, SentMessage
from tests.scheduling import bkk

Sessions = async_sessionmaker[AsyncSession]
HEAD, MEMBER, PALAD_HEAD, COORDINATOR = 6301, 6302, 6303, 6309
ANSWER = "จัดทำร่างรายงานการใช้จ่ายงบประมาณแล้ว (ผู้ปฏิบัติหน้าที่แทน)"
SUMMARY = "สรุประหว่างที่ท่านไม่อยู่"


async def _people(sessions: Sessions, fake: FakeTelegram) -> dict[int, int]:
    await seed_plan(sessions)
    ids = {
        HEAD: await enrol(sessions, HEAD, "head", "FIN", name="ผอ.สำนักคลัง"),
        MEMBER: await enrol(sessions, MEMBER, "member", "FIN", name="นักวิชาการเงิน"),
        PALAD_HEAD: await enrol(sessions, PALAD_HEAD, "head", "PALAD", name="ปลัด"),
        COORDINATOR: await enrol(sessions, COORDINATOR, "coordinator", name="ผู้ประสานงาน"),
    }
    for uid in ids:
        fake.add_user(uid)
    return ids


def _kinds(fake: FakeTelegram, uid: int, needle: str) -> list[SentMessage]:
    return [m for m in fake.messages(uid) if needle in _text(m)]


async def _name_the_member(head: Phone, member_id: int) -> None:
    """/away, the member, today (18 Jan), the seventh day (24 Jan): a week away."""
    head.send("/away")
    screen = await head.expect("ผู้ปฏิบัติหน้าที่แทน", buttons=True)
    assert "นักวิชาการเงิน" in str(screen.buttons())
    head.press(screen, encode("aws", member_id))
    first = await head.expect("กรุณาเลือกวันแรก", buttons=True)
    head.press(first, first.buttons()[0][1])
    last = await head.expect("กรุณาเลือกวันสุดท้าย", buttons=True)
    head.press(last, last.buttons()[6][1])
    done = await head.expect("แต่งตั้งผู้ปฏิบัติหน้าที่แทนเรียบร้อยแล้ว")
    assert "18 ม.ค. 2565 ถึง 24 ม.ค. 2565" in _text(done)


async def _refusals(head: Phone, member: Phone, ids: dict[int, int], screen: SentMessage) -> None:
    """Past days, overlapping days, another division's head, a member: refused, saying why."""
    jan = ("738157", "738158")  # 5 and 6 January 2022: before today
    await head.alert(screen, f"awt:{ids[MEMBER]}:{jan[0]}:{jan[1]}", "ย้อนหลัง")
    await head.alert(screen, f"awt:{ids[MEMBER]}:738174:738176", "ซ้อนกับ")  # 22-24 Jan
    await head.alert(screen, f"awt:{ids[PALAD_HEAD]}:738180:738181", "หน่วยงานเดียวกับท่าน")
    member.send("/away")
    await member.expect("สงวนไว้สำหรับหัวหน้าหน่วยงาน")
    member.send("/review")
    await member.expect("สงวนไว้สำหรับผู้ประสานงาน")


async def test_a_head_away_for_a_week(engine: AsyncEngine, db_url: str, sessions: Sessions) -> None:
    fake = FakeTelegram()
    ids = await _people(sessions, fake)
    head, member = Phone(fake, HEAD), Phone(fake, MEMBER)
    clock = Clock(bkk(2022, 1, 18, 8, 0))
    settings = bot_settings(fake, db_url)

    async def run_tick(app: App) -> None:
        deliver = TelegramDelivery(app.bot, replace(core_of(sessions, settings.tz), clock=clock))
        await tick(sessions, clock(), deliver, tick_config(settings), WorkCalendar())

    async with running_bot(fake, engine, db_url, clock=clock) as app:
        await _name_the_member(head, ids[MEMBER])
        head.send("/away")
        screen = await head.expect("ที่แต่งตั้งไว้แล้ว", buttons=True)
        await _refusals(head, member, ids, screen)
        # "Invite someone": a one-time link to join FIN as a member (to stand in later).
        head.press(screen, encode("awi"))
        link = await head.expect("สร้างลิงก์เชิญแล้ว")
        assert "ผู้ได้รับมอบหมาย – สำนักคลัง (FIN)" in _text(link)
        clock.now = bkk(2022, 1, 19, 9, 1)  # January's prompts
        await run_tick(app)
        prompt = await member.expect("ประจำเดือนมกราคม ๒๕๖๕", buttons=True)
        await _answer(member, prompt, prompt.buttons()[0][1], ANSWER)
    async with running_bot(fake, engine, db_url, clock=clock) as app:
        clock.now = bkk(2022, 1, 24, 9, 1)  # the reminder, the range's last day
        await run_tick(app)
        await member.expect("ขอเรียนเตือน")
        assert _kinds(fake, HEAD, "มกราคม ๒๕๖๕") == []  # neither the prompt nor the reminder
        clock.now = bkk(2022, 1, 25, 9, 1)  # the week is over
        await run_tick(app)
        summary = await head.expect(SUMMARY)
    async with running_bot(fake, engine, db_url, clock=clock) as app:
        await run_tick(app)
        await run_tick(app)
        assert len(_kinds(fake, HEAD, SUMMARY)) == 1 and _kinds(fake, MEMBER, SUMMARY) == []
        # Back: the coordinator's nudge reaches the head again.
        coordinator = Phone(fake, COORDINATOR)
        coordinator.send("/missing")
        missing = await coordinator.expect("หน่วยงานที่ยังรายงานไม่ครบ", buttons=True)
        async with sessions() as s:
            jan = await round_by_key(s, "2565-01")
            fin = await s.scalar(select(Division.id).where(Division.code == "FIN"))
        assert jan is not None and fin is not None
        await fake.wait_for_answer(coordinator.press(missing, encode("nd", jan.id, fin)))
        await run_tick(app)
        await head.expect("สำนักคลัง", buttons=True)
    text = _text(summary)
    assert "ผู้ปฏิบัติหน้าที่แทน: นักวิชาการเงิน" in text
    assert "ระบบส่งการแจ้งเตือน 2 รายการ" in text  # the prompt and the reminder
    assert "มาตรการที่ 1" in text and "นักวิชาการเงิน" in text
    await _check_records(sessions, ids)


async def _check_records(sessions: Sessions, ids: dict[int, int]) -> None:
    """The head's notices skipped as away; the stand-in's answer counts; audited; one summary."""
    async with sessions() as s:
        held = (
            await s.scalars(
                select(Delivery.kind).where(
                    Delivery.person_id == ids[HEAD], Delivery.last_error == AWAY_REASON
                )
            )
        ).all()
        summaries = (await s.scalars(select(Delivery).where(Delivery.kind == AWAY_SUMMARY))).all()
        jan = await round_by_key(s, "2565-01")
        assert jan is not None
        fin = await s.scalar(select(Division.id).where(Division.code == "FIN"))
        assert fin is not None
        items = await item_answers(s, [jan], division_ids=[fin])
        events = (
            await s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("standin.%")))
        ).all()
        ranges = (await s.scalars(select(StandIn))).all()
    assert sorted(held) == ["prompt", "reminder"]
    assert [(d.person_id, d.state) for d in summaries] == [(ids[HEAD], "sent")]
    answered = [i.answer for i in items if i.answer is not None]
    assert [a.text for a in answered] == [ANSWER]
    assert events == [audit.STANDIN_SET] and len(ranges) == 1
