"""Updates side by side: one chat's in order, different chats at once, the database stays right."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update

from bot.telegram.ordering import PerChatProcessor, chat_key
from tests.bot.harness import Clock, running_bot
from tests.bot.test_answer_flow import (
    HEAD,
    OPENS,
    OTHER,
    Phone,
    Sessions,
    _button,
    _ids,
    _reports,
    _setup,
)
from tests.fakebot import FakeTelegram
from tests.fakebot.objects import JSON

GUARD_S = 5.0  # only a guard against a hang: nothing here waits for time to pass


def _update(uid: int, chat: int) -> Update:
    data: JSON = {
        "update_id": uid,
        "message": {
            "message_id": uid,
            "date": 0,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "x"},
            "text": "hi",
        },
    }
    return Update.de_json(data, None)


async def test_one_chats_updates_run_one_after_another_in_order() -> None:
    proc = PerChatProcessor()
    log: list[str] = []
    gate = asyncio.Event()

    async def handler(name: str, wait: bool) -> None:
        log.append(f"start {name}")
        if wait:
            await gate.wait()
        await asyncio.sleep(0)
        log.append(f"end {name}")

    tasks = [
        asyncio.create_task(proc.process_update(_update(i, 7), handler(str(i), i == 1)))
        for i in (1, 2, 3)
    ]
    for _ in range(5):
        await asyncio.sleep(0)
    assert log == ["start 1"]  # the chat's next update waits for the first to end
    gate.set()
    await asyncio.wait_for(asyncio.gather(*tasks), GUARD_S)
    assert log == ["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]
    assert proc.busy_chats == 0


async def test_different_chats_run_at_once_up_to_the_bound() -> None:
    proc = PerChatProcessor(running=2)
    started: list[int] = []
    gate = asyncio.Event()

    async def handler(chat: int) -> None:
        started.append(chat)
        await gate.wait()

    tasks = [asyncio.create_task(proc.process_update(_update(c, c), handler(c))) for c in (1, 2, 3)]
    for _ in range(5):
        await asyncio.sleep(0)
    assert started == [1, 2]  # two at once, the third waits for a slot
    gate.set()
    await asyncio.wait_for(asyncio.gather(*tasks), GUARD_S)
    assert started == [1, 2, 3]


async def test_a_chat_waiting_for_its_turn_holds_no_slot() -> None:
    proc = PerChatProcessor(running=2)
    gate, other_ran = asyncio.Event(), asyncio.Event()

    async def slow() -> None:
        await gate.wait()

    async def other() -> None:
        other_ran.set()

    busy = [asyncio.create_task(proc.process_update(_update(i, 1), slow())) for i in range(5)]
    await asyncio.wait_for(proc.process_update(_update(9, 2), other()), GUARD_S)
    assert other_ran.is_set()
    gate.set()
    await asyncio.wait_for(asyncio.gather(*busy), GUARD_S)


async def test_a_cancelled_waiter_hands_the_turn_on() -> None:
    proc = PerChatProcessor()
    gate, ran = asyncio.Event(), []

    async def handler(name: str) -> None:
        ran.append(name)
        if name == "a":
            await gate.wait()

    a = asyncio.create_task(proc.process_update(_update(1, 5), handler("a")))
    b = asyncio.create_task(proc.process_update(_update(2, 5), handler("b")))
    c = asyncio.create_task(proc.process_update(_update(3, 5), handler("c")))
    await asyncio.sleep(0)
    b.cancel()
    gate.set()
    await asyncio.wait_for(asyncio.gather(a, c), GUARD_S)
    assert ran == ["a", "c"] and proc.busy_chats == 0


def test_updates_are_keyed_by_chat() -> None:
    assert chat_key(_update(1, 42)) == 42 and chat_key(object()) is None


async def _at_confirm(phone: Phone, round_id: int, measure: int, division: int) -> Any:
    """Walk one answer up to its confirm question; returns that message."""
    from bot.telegram.callbacks import encode

    phone.send("/report")
    listing = await phone.expect(buttons=True)
    phone.press(listing, encode("m", round_id, measure, division))
    screen = await phone.expect("วิธีดำเนินการ")
    phone.press(screen, encode("st", round_id, measure, division, 0))
    await phone.expect("กรุณาพิมพ์สรุป")
    phone.send("ดำเนินการแล้ว")
    return await phone.expect("ยืนยันส่งรายงาน")


async def test_two_presses_of_the_same_confirm_arriving_together_store_one_answer(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    round_id = await _setup(sessions)
    m1, fin = await _ids(sessions, 1, "FIN")
    fake = FakeTelegram()
    fake.add_user(HEAD)
    head = Phone(fake, HEAD)
    async with running_bot(fake, engine, db_url, clock=Clock(OPENS + timedelta(days=1))):
        ask = await _at_confirm(head, round_id, m1, fin)
        ok = _button(ask, "ok:")
        first = head.press(ask, ok)
        second = fake.press(HEAD, ask.message_id, ok)  # in the same getUpdates batch
        await head.expect("บันทึกรายงาน")
        await fake.wait_for_answer(first)
        await fake.wait_for_answer(second)
    assert [r.measure_id for r in await _reports(sessions)] == [m1]


async def test_two_heads_confirming_at_once_both_store(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    round_id = await _setup(sessions)
    m1, fin = await _ids(sessions, 1, "FIN")
    m2, palad = await _ids(sessions, 2, "PALAD")
    fake = FakeTelegram()
    for uid in (HEAD, OTHER):
        fake.add_user(uid)
    head, other = Phone(fake, HEAD), Phone(fake, OTHER)
    async with running_bot(fake, engine, db_url, clock=Clock(OPENS + timedelta(days=1))):
        asks = await asyncio.gather(
            _at_confirm(head, round_id, m1, fin), _at_confirm(other, round_id, m2, palad)
        )
        head.press(asks[0], _button(asks[0], "ok:"))
        other.press(asks[1], _button(asks[1], "ok:"))
        await asyncio.gather(head.expect("บันทึกรายงาน"), other.expect("บันทึกรายงาน"))
    assert sorted(r.measure_id for r in await _reports(sessions)) == sorted([m1, m2])
