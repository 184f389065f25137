"""Drill: a round to 50 chats while the Bot API answers 10% 5xx, 5% timeouts and bursts of 429.

The real tick (eight sends at once) and TelegramDelivery, through a real PTB bot and the
outgoing limiter, against the in-process fake Bot API with Telegram's rate limits. `now` jumps
to each retry's next_attempt_at, so nothing waits for a schedule. Timeouts here are undelivered
ones; a timeout after delivery is the documented ambiguous case (tests/storage/test_tick.py) and
would send twice.
tests/bot/test_delivery.py covers 403 and the digest under faults for nine heads; this drill
is about scale, concurrency and repeated 429 bursts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.telegram.delivery import TelegramDelivery
from bot.telegram.limiter import OutgoingLimiter
from scheduler.tick import TickState, tick
from storage.deliveries import deliveries
from storage.models import Delivery
from tests.bot.harness import core_of
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram, ManualClock, fake_bot
from tests.scheduling import BKK, CAL, CONFIG, bkk

Sessions = async_sessionmaker[AsyncSession]
# PTB 22.2+ warns on each 429 that retry_after will become a timedelta; delivery handles both.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
# Not STRAT: on the 19 October prompt day, the prompt is the one notice each person is owed.
CODES = ("PALAD", "FIN", "ENG", "HEALTH", "EDU", "WELFARE", "HR", "AUDIT")
CHATS = [7000 + i for i in range(50)]


async def _next_retry(sessions: Sessions) -> dt.datetime | None:
    async with sessions() as session:
        q = select(func.min(Delivery.next_attempt_at)).where(Delivery.state == "pending")
        at = await session.scalar(q)
    return at if at is None or at.tzinfo else at.replace(tzinfo=dt.UTC)


async def test_every_prompt_once_through_5xx_timeouts_and_429_bursts(sessions: Sessions) -> None:
    await seed_plan(sessions)
    for i, chat in enumerate(CHATS):
        await enrol(sessions, chat, "head" if i < len(CODES) else "member", CODES[i % len(CODES)])
    clock = ManualClock()
    fake = FakeTelegram(clock=clock, rate_limits=True)
    for chat in CHATS:
        fake.add_user(chat)

    async def advance(seconds: float) -> None:
        clock.advance(seconds)

    async with fake_bot(fake, OutgoingLimiter(clock=clock, sleep=advance)) as bot:
        fake.fault_rates(p5xx=0.10, ptimeout=0.05, seed=7)
        deliver = TelegramDelivery(bot, core_of(sessions, BKK))
        state = TickState()
        now = bkk(2021, 10, 19, 9, 1)
        for tick_no in range(60):
            if tick_no in (0, 2, 4):  # three bursts of flood control early in the round
                fake.fail_next("sendMessage", kind="429", count=10, retry_after=5)
            report = await tick(sessions, now, deliver, CONFIG, CAL, state)
            assert report.failed == 0
            retry_at = await _next_retry(sessions)
            if retry_at is None:
                break
            step = max(retry_at - now, dt.timedelta(0)) + dt.timedelta(seconds=1)
            now += step
            clock.advance(step.total_seconds())
        else:
            raise AssertionError("deliveries still pending after 60 ticks")

    assert fake.stats["429"] >= 10 and fake.stats["5xx"] >= 3 and fake.stats["timeouts"] >= 1
    async with sessions() as session:
        prompts = await deliveries(session, kind="prompt")
    assert Counter(r.state for r in prompts) == {"sent": len(CHATS)}
    assert sorted(r.chat_id for r in prompts) == CHATS
    for row in prompts:
        # Exactly one message in each chat, and it is the one the database recorded.
        assert [m.message_id for m in fake.messages(row.chat_id)] == [row.telegram_message_id]
    assert sum(r.attempts for r in prompts) > len(CHATS)  # the faults did make it retry
