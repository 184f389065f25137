"""2565 then 2566 through the real Application, the tick and the fake Bot API, both databases.

The example next-year plan is imported beside the 2565 one; the clock walks from a 2565 round
into the 2566 year. No notice of one plan's rounds reaches the other's; /summary follows the
current plan (scheduler.plan_years); /history of a carried-over measure shows both years.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.telegram.callbacks import encode
from bot.telegram.delivery import TelegramDelivery
from bot.telegram.ticker import tick_config
from scheduler.tick import tick
from scheduler.workdays import WorkCalendar
from storage.models import Delivery, Measure, Plan, Round, RoundItem
from storage.plan_file import load_plan_file
from storage.plan_import import import_plan
from tests.bot.harness import Clock, bot_settings, core_of, running_bot
from tests.bot.test_answer_flow import Phone, _button, _text
from tests.bot.test_cli_plan_years import EXAMPLE_2566
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram, SentMessage
from tests.scheduling import bkk

Sessions = async_sessionmaker[AsyncSession]
FIN_HEAD, PALAD_HEAD, COORDINATOR = 6001, 6003, 6009


async def _answer(phone: Phone, prompt: SentMessage, data: str, text: str) -> None:
    phone.press(prompt, data)
    screen = await phone.expect("วิธีดำเนินการ")
    phone.press(screen, _button(screen, "st:"))
    await phone.expect("กรุณาพิมพ์สรุป")
    phone.send(text)
    ask = await phone.expect("ยืนยันส่งรายงาน")
    phone.press(ask, _button(ask, "ok:"))
    await phone.expect("บันทึกรายงาน")


async def _plan_of_measures(sessions: Sessions) -> dict[int, int]:
    async with sessions() as s:
        return dict((await s.execute(select(Measure.id, Measure.plan_id))).all())  # type: ignore[arg-type]


async def _no_leak(sessions: Sessions, fake: FakeTelegram, users: tuple[int, ...]) -> None:
    """Every sent button's measure, and every round item's, belongs to its round's plan."""
    measure_plan = await _plan_of_measures(sessions)
    async with sessions() as s:
        round_plan = dict((await s.execute(select(Round.id, Round.plan_id))).all())  # type: ignore[arg-type]
        items = (await s.execute(select(RoundItem.round_id, RoundItem.measure_id))).all()
        deliveries = (await s.execute(select(Delivery.round_id))).scalars().all()
    assert all(measure_plan[m] == round_plan[r] for r, m in items)
    assert all(r is None or r in round_plan for r in deliveries)
    for user in users:
        for message in fake.messages(user):
            for _, data in message.buttons():
                if data.startswith("m:"):
                    _, rid, mid, _ = data.split(":")
                    assert measure_plan[int(mid)] == round_plan[int(rid)], (data, _text(message))


async def test_2565_then_2566(engine: AsyncEngine, db_url: str, sessions: Sessions) -> None:
    await seed_plan(sessions)
    await import_plan(sessions, load_plan_file(EXAMPLE_2566))
    await enrol(sessions, FIN_HEAD, "head", "FIN", name="ผอ.สำนักคลัง")
    await enrol(sessions, PALAD_HEAD, "head", "PALAD", name="ปลัด")
    await enrol(sessions, COORDINATOR, "coordinator", name="ผู้ประสานงาน")
    async with sessions() as s:
        plans = {p.code: p.id for p in await s.scalars(select(Plan))}
    users = (FIN_HEAD, PALAD_HEAD, COORDINATOR)
    fake = FakeTelegram()
    for uid in users:
        fake.add_user(uid)
    head, palad, coordinator = (Phone(fake, u) for u in users)
    clock = Clock(bkk(2022, 1, 19, 9, 1))
    settings = bot_settings(fake, db_url)

    async with running_bot(fake, engine, db_url, clock=clock) as app:
        deliver = TelegramDelivery(app.bot, core_of(sessions, settings.tz))

        async def run_tick() -> None:
            for phone in (head, palad, coordinator):
                phone.mark()
            await tick(sessions, clock(), deliver, tick_config(settings), WorkCalendar())

        # January 2565: the 2565 prompt, answered for measure 1; 2566 sends nothing yet.
        await run_tick()
        prompt = await head.expect("ประจำเดือนมกราคม ๒๕๖๕", buttons=True)
        jan_m1 = prompt.buttons()[0][1]
        await _answer(head, prompt, jan_m1, "เผยแพร่รายงานการใช้จ่ายงบประมาณแล้ว")
        coordinator.send("/summary")
        summary = await coordinator.expect("สรุปผล", buttons=True)
        assert "มกราคม ๒๕๖๕" in _text(summary)

        # 3 October 2022: the 2566 year has begun, its first round not yet open. The tick
        # sends nothing of either plan, and /summary no longer offers last year's round.
        clock.now = bkk(2022, 10, 3, 9, 0)
        await run_tick()
        assert [fake.sent_count(u) for u in users] == [p.seen for p in (head, palad, coordinator)]
        coordinator.send("/summary")
        none_yet = await coordinator.expect()
        assert "ยังไม่มีรอบการติดตามผล" in _text(none_yet), _text(none_yet)

        # 19 October 2022: the 2566 October prompt asks FIN the 2566 measures only.
        clock.now = bkk(2022, 10, 19, 9, 1)
        await run_tick()
        october = await head.expect("ประจำเดือนตุลาคม ๒๕๖๕", buttons=True)
        measure_plan = await _plan_of_measures(sessions)
        owed = [data for _, data in october.buttons() if data.startswith("m:")]
        assert {measure_plan[int(d.split(":")[2])] for d in owed} == {plans["ita-2566"]}
        assert len(owed) == 4  # 2566 measures 1, 2, 4, 5 (m1, and m3, m5, m6 of every division)
        palad_october = await palad.expect("ประจำเดือนตุลาคม ๒๕๖๕", buttons=True)
        # PALAD now also answers the changed m4 and the new complaints measure.
        assert len(palad_october.buttons()) == 5
        await _answer(head, october, owed[0], "รายงานการใช้จ่ายงบประมาณเดือนตุลาคมแล้ว")

        coordinator.send("/summary")
        summary = await coordinator.expect("สรุปผล", buttons=True)
        assert "ตุลาคม ๒๕๖๕" in _text(summary) and "มกราคม" not in _text(summary)

        # /history offers the 2566 measures; measure 1 (key m1) shows January and October.
        head.send("/history")
        choices = await head.expect(buttons=True)
        async with sessions() as s:
            m1_2566 = await s.scalar(
                select(Measure.id).where(Measure.plan_id == plans["ita-2566"], Measure.seq == 1)
            )
        assert m1_2566 is not None
        head.press(choices, encode("hm", m1_2566))
        history = await head.expect("มาตรการที่ 1")
        assert "ม.ค. ๖๕ ✅ · ต.ค. ๖๕ ✅" in _text(history), _text(history)

    await _no_leak(sessions, fake, users)
