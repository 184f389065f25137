"""Fairness: people who answer are not held up by a broadcast going out at the same time.

Twenty people (the first enrolled: nine heads, eleven members) answer one measure each, all at
once, through the five-update flow (`/report`, open the measure, pick a status, write a
sentence, confirm), over HTTP to the fake Bot API 150 ms away with 20 % jitter and Telegram's
limits on (`bench.wire`). Each waits `THINK_S` after a reply before the next step, as a person
reads (Telegram allows one message a second in a chat, so a faster person would be paced by
it, not by the bot). Timed: each step, from the update leaving the phone to the bot's answer
arriving; p95 over the 100 steps, as a multiple of the round trip.

Twice in one run: alone (only the twenty are enrolled; their prompts went out first), then
while the monthly prompt goes to 600 chats (the twenty start once each has their own prompt,
as people do). Goals: alone, p95 at most 4 round trips (`press_p95_over_rtt`); beside the
round, at most 1.5 x alone (`fairness_ratio`); the round still at least 0.9 of 30/s net of the
replies (`broadcast_net_ratio`). The last line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.answers import _pct, _wait
from bench.broadcast import (
    FIRST_USER,
    LIMIT_PER_S,
    PROMPT_AT,
    TOKEN,
    Sessions,
    prepare,
    run_round,
    settings_for,
)
from bench.wire import WireFake
from bot.telegram.app import build_application
from bot.telegram.callbacks import encode
from bot.telegram.delivery import TelegramDelivery
from bot.telegram.ticker import tick_config
from bot.usecases.core import Core
from storage.db import create_engine
from storage.models import Membership, Round, RoundItem
from tests.fakebot import FakeBotApiServer
from tests.fakebot.objects import SENDING_METHODS

PEOPLE = 20
THINK_S = 1.0
GOALS = {"press_p95_over_rtt": 4.0, "fairness_ratio": 1.5, "broadcast_net_ratio": 0.9}


async def _owed(sessions: Sessions, users: list[int]) -> dict[int, tuple[int, int, int]]:
    """For each user: (round, measure, division) of one item their division owes."""
    async with sessions() as s:
        rnd = await s.scalar(select(Round.id).order_by(Round.opens_at.desc()).limit(1))
        out = {}
        for i, uid in enumerate(users):
            division = await s.scalar(
                select(Membership.division_id).where(Membership.person_id == i + 1)
            )
            measure = await s.scalar(
                select(RoundItem.measure_id)
                .where(RoundItem.round_id == rnd, RoundItem.division_id == division)
                .order_by(RoundItem.measure_id)
            )
            assert rnd is not None and division is not None and measure is not None
            out[uid] = (rnd, measure, division)
    return out


async def _step(fake: WireFake, user: int, act: Any, needle: str, times: list[float]) -> Any:
    await asyncio.sleep(THINK_S)
    n = fake.sent_count(user)
    started = time.perf_counter()
    act()
    message = await _wait(fake, user, needle, n)
    times.append(time.perf_counter() - started)
    return message


async def _answer(
    fake: WireFake, user: int, item: tuple[int, int, int], times: list[float]
) -> None:
    """One person's five updates, each timed to the bot's answer."""
    rnd, measure, division = item
    listing = await _step(fake, user, lambda: fake.send_text(user, "/report"), "มาตรการ", times)
    m_data = encode("m", rnd, measure, division)
    screen = await _step(
        fake, user, lambda: fake.press(user, listing.message_id, m_data), "วิธีดำเนินการ", times
    )
    st = encode("st", rnd, measure, division, 0)
    await _step(fake, user, lambda: fake.press(user, screen.message_id, st), "กรุณาพิมพ์สรุป", times)
    ask = await _step(
        fake, user, lambda: fake.send_text(user, "ดำเนินการแล้ว"), "ยืนยันส่งรายงาน", times
    )
    ok = next(d for _, d in ask.buttons() if d.startswith("ok:"))
    await _step(fake, user, lambda: fake.press(user, ask.message_id, ok), "บันทึกรายงาน", times)


async def run(chats: int, rtt: float) -> dict[str, Any]:
    """Twenty answers, beside a round to `chats` (just their own prompts when 20)."""
    users = list(range(FIRST_USER, FIRST_USER + PEOPLE))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'fair.db'}"
        engine = create_engine(url)
        fake = WireFake(token=TOKEN, rate_limits=True, rtt=rtt)
        sessions = await prepare(engine, fake, chats)
        started = time.perf_counter()

        def clock() -> dt.datetime:
            return PROMPT_AT + dt.timedelta(seconds=time.perf_counter() - started)

        times: list[float] = []
        async with FakeBotApiServer(fake) as server:
            settings = settings_for(server, url)
            app = build_application(settings, engine, clock=clock)
            await app.initialize()
            await app.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
            await app.start()
            core = Core(sessions=sessions, rules=settings.rules(), clock=clock)
            deliver = TelegramDelivery(app.bot, core)
            broadcast = asyncio.create_task(run_round(sessions, deliver, tick_config(settings)))
            # Each starts once their own prompt is there, as people do.
            await asyncio.gather(
                *(fake.wait_for_message(u, lambda _: True, timeout=120) for u in users)
            )
            calls_before = len(fake.calls)
            owed = await _owed(sessions, users)
            await asyncio.gather(*(_answer(fake, u, owed[u], times) for u in users))
            seconds, _ = await broadcast
            replies = sum(
                1
                for c in fake.calls[calls_before:]
                if c.status == 200 and c.method in SENDING_METHODS and c.params["chat_id"] in users
            )
            await app.updater.stop()  # type: ignore[union-attr]
            await app.stop()
            await app.shutdown()
        await engine.dispose()
    budget = seconds * LIMIT_PER_S - replies
    return {
        "chats": chats,
        "steps": len(times),
        "p50_ms": round(_pct(times, 0.5) * 1000),
        "p95_ms": round(_pct(times, 0.95) * 1000),
        "round_seconds": round(seconds, 2),
        "replies": replies,
        "broadcast_net_ratio": round(chats / budget, 3) if budget > 0 else None,
        "http_429": fake.stats["429"],
    }


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.fairness [--chats 600] [--rtt-ms 150]`; 1 past a goal."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chats", type=int, default=600)
    parser.add_argument("--rtt-ms", type=float, default=150.0)
    args = parser.parse_args(argv)
    rtt = args.rtt_ms / 1000
    alone = asyncio.run(run(PEOPLE, rtt))
    busy = asyncio.run(run(args.chats, rtt))
    figures = {
        "press_p95_over_rtt": round(alone["p95_ms"] / args.rtt_ms, 2),
        "fairness_ratio": round(busy["p95_ms"] / max(alone["p95_ms"], 1), 2),
        "broadcast_net_ratio": busy["broadcast_net_ratio"] or 0.0,
    }
    met = {
        "press_p95_over_rtt": figures["press_p95_over_rtt"] <= GOALS["press_p95_over_rtt"],
        "fairness_ratio": figures["fairness_ratio"] <= GOALS["fairness_ratio"],
        "broadcast_net_ratio": figures["broadcast_net_ratio"] >= GOALS["broadcast_net_ratio"],
    }
    print(f"fairness: {PEOPLE} people answer at once, {args.rtt_ms:.0f} ms round trip")
    print(f"  alone: press->reply p50 {alone['p50_ms']} ms, p95 {alone['p95_ms']} ms")
    print(
        f"  beside a round to {args.chats} chats: p50 {busy['p50_ms']} ms, p95 {busy['p95_ms']} ms;"
        f" the round {busy['round_seconds']} s with {busy['replies']} replies among it"
    )
    for key, value in figures.items():
        verdict = "met" if met[key] else "MISSED"
        sign = ">=" if key == "broadcast_net_ratio" else "<="
        print(f"  {key}: {value} (goal {sign} {GOALS[key]}: {verdict})")
    result = {
        "bench": "fairness",
        "rtt_ms": args.rtt_ms,
        **figures,
        "goal": GOALS,
        "met": met,
        "alone": alone,
        "beside_round": busy,
    }
    print(json.dumps(result))
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
