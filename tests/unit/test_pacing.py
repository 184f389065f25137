"""Pacing sends at Telegram's limits: 30 in any second for the bot, 1/s per chat, concurrently."""

from __future__ import annotations

import asyncio
import itertools

from bot.telegram.delivery import ChatPacer, WindowLimiter
from tests.fakebot import ManualClock


async def test_window_limiter_lets_a_full_second_through_then_waits_it_out() -> None:
    clock = ManualClock(0.0)
    sleeps: list[float] = []

    async def record(seconds: float) -> None:  # the clock stands still: every wait is a slot
        sleeps.append(seconds)

    limiter = WindowLimiter(30, 1.0, margin=0.03, clock=clock, sleep=record)
    for _ in range(65):
        await limiter.wait()
    assert sleeps == [1.03] * 30 + [2.06] * 5


async def test_concurrent_senders_never_break_either_limit() -> None:
    clock = ManualClock(0.0)
    granted: list[tuple[float, int]] = []

    async def advance(seconds: float) -> None:
        await asyncio.sleep(0)  # let the other senders interleave
        clock.advance(seconds)

    pacer = ChatPacer(clock=clock, sleep=advance)

    async def send(chat: int) -> None:
        await pacer.wait(chat)
        granted.append((clock(), chat))

    # 70 chats, three of which get three messages each, all asked for at once.
    chats = [*range(1, 71), 1, 2, 3, 1, 2, 3]
    await asyncio.gather(*(send(c) for c in chats))
    assert len(granted) == len(chats)
    times = sorted(at for at, _ in granted)
    for i, at in enumerate(times):
        assert sum(1 for t in times[i:] if t < at + 1.0) <= 30
    for chat in (1, 2, 3):
        mine = sorted(at for at, c in granted if c == chat)
        assert all(b - a >= 1.0 for a, b in itertools.pairwise(mine))
