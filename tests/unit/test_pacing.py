"""The outgoing schedule and limiter: lanes, per-chat spacing, arrival margin, 429s; no sleeps."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.telegram.limiter import OutgoingLimiter, paced
from bot.telegram.pacing import Jitter, Lane, Limits, Pacing, Ticket
from scheduler.tickconfig import TickConfig
from tests.fakebot import ManualClock

# PTB 22.2+ warns when a RetryAfter is built with seconds; the limiter reads both forms.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def drain(pacing: Pacing, tickets: list[Ticket], start: float = 0.0) -> list[tuple[float, Ticket]]:
    """Let every ticket leave as soon as the schedule allows; (departure time, ticket)."""
    for t in tickets:
        pacing.join(t)
    now, out, pending = start, [], list(tickets)
    while pending:
        asks: list[float] = []
        for t in list(pending):
            at = pacing.take(t, now)
            if at is None:
                out.append((now, t))
                pending.remove(t)
            else:
                asks.append(at)
        if pending and asks:
            now = max(now, min(asks))
    return out


def fixed(margin: float) -> Jitter:
    return Jitter(floor=margin, cap=margin)


def test_no_second_holds_more_than_thirty_plus_margin() -> None:
    pacing = Pacing(jitter=fixed(0.03))
    out = drain(pacing, [Ticket(Lane.REPLY, c) for c in range(1, 101)])
    times = [at for at, _ in out]
    for i, at in enumerate(times):
        assert sum(1 for t in times[i:] if t < at + 1.03) <= 30
    assert times[29] == 0.0 and times[30] == pytest.approx(1.03)  # replies may burst


def test_notices_go_evenly_at_the_paced_rate() -> None:
    pacing = Pacing(jitter=fixed(0.03))
    out = drain(pacing, [Ticket(Lane.NOTICE, c) for c in range(1, 61)])
    gaps = [b - a for (a, _), (b, _) in itertools.pairwise(out)]
    assert all(g == pytest.approx(1.03 / 30) for g in gaps)


def test_a_late_notice_does_not_push_the_later_ones_back() -> None:
    pacing = Pacing(jitter=fixed(0.0))
    gap = 1 / 30
    tickets = [Ticket(Lane.NOTICE, c) for c in (1, 2, 3)]
    for t in tickets:
        pacing.join(t)
    assert pacing.take(tickets[0], 0.0) is None
    assert pacing.take(tickets[1], gap + 0.004) is None  # woke 4 ms late
    assert pacing.take(tickets[2], 2 * gap - 0.001) == pytest.approx(2 * gap)


def test_one_chat_gets_one_message_a_second_plus_margin_in_order() -> None:
    pacing = Pacing(jitter=fixed(0.05))
    tickets = [Ticket(Lane.REPLY, 7) for _ in range(4)]
    out = drain(pacing, tickets)
    assert [t for _, t in out] == tickets
    assert [at for at, _ in out] == pytest.approx([0.0, 1.05, 2.10, 3.15])


def test_groups_get_twenty_a_minute() -> None:
    pacing = Pacing(jitter=fixed(0.0))
    out = drain(pacing, [Ticket(Lane.REPLY, -100) for _ in range(22)])
    times = [at for at, _ in out]
    assert times[19] == pytest.approx(19.0) and times[20] == pytest.approx(60.0)


def test_a_ready_reply_takes_the_slot_before_any_waiting_notice() -> None:
    pacing = Pacing(jitter=fixed(0.0))
    notice = Ticket(Lane.NOTICE, 1)
    pacing.join(notice)
    reply = Ticket(Lane.REPLY, 2)
    pacing.join(reply)
    assert pacing.take(notice, 0.0) == pytest.approx(0.001)  # steps aside
    assert pacing.take(reply, 0.0) is None
    assert pacing.take(notice, 0.001) is None


def test_a_reply_waiting_for_its_own_chat_does_not_hold_notices_back() -> None:
    pacing = Pacing(jitter=fixed(0.0))
    assert drain(pacing, [Ticket(Lane.REPLY, 2)])
    reply, notice = Ticket(Lane.REPLY, 2), Ticket(Lane.NOTICE, 3)
    pacing.join(reply)
    pacing.join(notice)
    assert pacing.take(reply, 0.5) == pytest.approx(1.0)
    assert pacing.take(notice, 0.5) is None


def test_replies_while_a_broadcast_runs_wait_at_most_one_notice_gap() -> None:
    pacing = Pacing(jitter=fixed(0.03))
    notices = [Ticket(Lane.NOTICE, 1000 + i) for i in range(300)]
    replies = [Ticket(Lane.REPLY, i) for i in range(1, 21)]
    for t in notices:
        pacing.join(t)
    gap = 1.03 / 30
    now, sent, waits = 0.0, 0, []
    asked = {id(r): 2.0 + i * 0.37 for i, r in enumerate(replies)}  # presses spread over 7 s
    pending_replies = list(replies)
    while sent < 300 or pending_replies:
        for r in [r for r in pending_replies if asked[id(r)] <= now]:
            if r not in pacing._waiting:
                pacing.join(r)
            if pacing.take(r, now) is None:
                waits.append(now - asked[id(r)])
                pending_replies.remove(r)
        for n in notices[sent : sent + 1]:
            if pacing.take(n, now) is None:
                sent += 1
        now = round(now + 0.001, 6)
    assert len(waits) == 20 and max(waits) <= gap + 0.002


def test_margin_follows_the_spread_of_round_trips() -> None:
    jitter = Jitter(floor=0.015, cap=0.25)
    assert jitter.margin == 0.015
    for rtt in (0.24, 0.36, 0.30):
        jitter.observe(rtt)
    assert jitter.margin == pytest.approx(0.015 + 0.06)
    for _ in range(64):
        jitter.observe(5.0)  # old samples age out
    assert jitter.margin == 0.015
    for _ in range(3):
        jitter.observe(0.0)  # three outliers: past the trimmed two, the cap bounds the spread
    assert jitter.margin == 0.25


def test_one_stall_does_not_widen_the_margin() -> None:
    jitter = Jitter(floor=0.015, cap=0.25)
    for i in range(63):
        jitter.observe(0.15 + (i % 5) * 0.01)
    jitter.observe(1.5)
    assert jitter.margin == pytest.approx(0.015 + 0.02)


def test_few_round_trips_are_not_trimmed() -> None:
    # At the start of a broadcast few round trips are known; they show less than the whole
    # spread already, and trimming them too drew a 429 at 300 ms (bench.broadcast).
    jitter = Jitter(floor=0.015, cap=0.25)
    for rtt in (0.24, 0.27, 0.30, 0.33, 0.36, 0.30, 0.29, 0.31, 0.28, 0.32):
        jitter.observe(rtt)
    assert jitter.margin == pytest.approx(0.015 + 0.06)


def test_one_tick_takes_on_a_minute_of_sending() -> None:
    # Between two ticks the limiter runs dry (the last sends' round trip, the next sync): a
    # round's prompts should go out in one tick, not in batches of a few hundred.
    limits = Limits()
    assert TickConfig().batch_limit >= 60 * limits.per_window / limits.window


def test_only_messages_to_chats_are_paced() -> None:
    assert paced("sendMessage", {"chat_id": 1}) and paced("editMessageText", {"chat_id": 1})
    assert not paced("answerCallbackQuery", {"callback_query_id": "x"})
    assert not paced("sendChatAction", {"chat_id": 1}) and not paced("getFile", {})


class Wire:
    """A controlled clock and a callback that answers 429 for chosen chats, then succeeds."""

    def __init__(self) -> None:
        self.clock = ManualClock(0.0)
        self.sent: list[tuple[float, int]] = []
        self.refuse: dict[int, int] = {}

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # let other senders interleave; the clock is ours
        self.clock.advance(seconds)

    def limiter(self) -> OutgoingLimiter:
        return OutgoingLimiter(clock=self.clock, sleep=self.sleep)

    async def send(self, limiter: OutgoingLimiter, chat: int, lane: Lane | None = None) -> Any:
        async def callback(chat_id: int) -> dict[str, Any]:
            if self.refuse.get(chat_id, 0) > 0:
                self.refuse[chat_id] -= 1
                raise RetryAfter(5)
            self.sent.append((self.clock(), chat_id))
            return {"ok": True}

        data = {"chat_id": chat}
        return await limiter.process_request(callback, (), data, "sendMessage", data, lane)


async def test_limiter_keeps_both_limits_with_concurrent_senders() -> None:
    wire = Wire()
    limiter = wire.limiter()
    chats = [*range(1, 71), 1, 2, 3, 1, 2, 3]
    await asyncio.gather(*(wire.send(limiter, c) for c in chats))
    times = sorted(at for at, _ in wire.sent)
    assert len(times) == len(chats)
    for i, at in enumerate(times):
        assert sum(1 for t in times[i:] if t < at + 1.0) <= 30
    for chat in (1, 2, 3):
        mine = [at for at, c in wire.sent if c == chat]
        assert all(b - a >= 1.0 for a, b in itertools.pairwise(mine))


async def test_a_429_pauses_its_chat_only_counts_and_retries() -> None:
    wire = Wire()
    limiter = wire.limiter()
    wire.refuse[1] = 1
    await asyncio.gather(wire.send(limiter, 1), wire.send(limiter, 2), wire.send(limiter, 3))
    assert limiter.http_429 == 1
    at = dict((c, t) for t, c in wire.sent)
    assert at[2] < 1.0 and at[3] < 1.0  # the others were not held
    assert at[1] >= 5.0  # the refused chat waited its retry_after
    assert limiter.pacing.waiting == 0


async def test_429s_for_two_chats_within_a_window_pause_everything() -> None:
    wire = Wire()
    limiter = wire.limiter()
    limiter.on_429(1, 5.0)
    limiter.on_429(2, 5.0)
    await wire.send(limiter, 3)
    assert wire.sent[0][0] >= 5.0 and limiter.http_429 == 2


async def test_a_429_past_the_retries_reaches_the_caller() -> None:
    wire = Wire()
    limiter = wire.limiter()
    wire.refuse[9] = 10
    with pytest.raises(RetryAfter):
        await wire.send(limiter, 9)
    assert limiter.http_429 == limiter.max_retries + 1 and limiter.pacing.waiting == 0


async def test_a_notices_429_goes_back_to_the_tick_at_once() -> None:
    wire = Wire()
    limiter = wire.limiter()
    wire.refuse[9] = 1
    with pytest.raises(RetryAfter):
        await wire.send(limiter, 9, Lane.NOTICE)
    assert limiter.http_429 == 1 and wire.clock() < 1.0


def test_limits_are_telegrams() -> None:
    assert Limits() == Limits(30, 1.0, 1.0, 20, 60.0)
