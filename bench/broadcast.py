"""Broadcast: one round's prompts to N private chats over HTTP at Telegram's limits.

The real pieces end to end: the scheduler tick (`scheduler.tick.tick`), `TelegramDelivery` and
the PTB `Bot` of `bot.telegram.app.build_application` (with its outgoing limiter), talking HTTP
to the fake Bot API (`bench.wire.WireFake`) with rate limits on (30 messages/s overall, 1/s per
private chat, 429 with `retry_after` over them), at 0, 150 and 300 ms round trips with 20 %
jitter on each leg. The tick is called again and again, with `now` advancing with the wall
clock from the prompt time, until no delivery is pending. Printed: messages/s from the first
tick to the last message, its ratio to Telegram's 30/s (goal 0.95 at every round trip), 429s
counted by the fake (goal 0), prompts lost and chats prompted twice. The last line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bench.wire import WireFake
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.delivery import TelegramDelivery
from bot.telegram.ticker import tick_config
from bot.usecases.core import Core
from scheduler.outcomes import Deliver
from scheduler.tick import TickConfig, TickState, tick
from scheduler.workdays import WorkCalendar
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Delivery, Division, Membership, Person
from tests.factories import seed_plan
from tests.fakebot import FakeBotApiServer, FakeTelegram
from tests.scheduling import bkk

TOKEN = "778:BROADCAST"
LIMIT_PER_S = 30.0  # Telegram's overall limit for one bot
GOAL = 0.95
RTTS_MS = (0, 150, 300)
# The October 2564 monthly prompt (meeting 27 Oct): the only notice due then, one per person.
PROMPT_AT = bkk(2021, 10, 19, 9, 0)
FIRST_USER = 500_000
DEADLINE_S = 300.0

Sessions = async_sessionmaker[AsyncSession]


async def prepare(engine: AsyncEngine, fake: FakeTelegram, chats: int) -> Sessions:
    """Migrate, import the seed plan and enrol `chats` people (heads, then members) round the
    divisions; each is a user of the fake."""
    await upgrade(engine)
    sessions = session_factory(engine)
    await seed_plan(sessions)
    await enrol_many(sessions, fake, chats)
    return sessions


async def enrol_many(sessions: Sessions, fake: FakeTelegram, chats: int) -> None:
    """Enrol `chats` people round the divisions in one transaction (enrol() per person is slow)."""
    async with sessions() as session, session.begin():
        divisions = list(await session.scalars(select(Division.id).order_by(Division.id)))
        people = [
            Person(telegram_user_id=uid, chat_id=uid, name=f"ผู้รับ {i}", language="th")
            for i, uid in enumerate(range(FIRST_USER, FIRST_USER + chats))
        ]
        session.add_all(people)
        await session.flush()
        session.add_all(
            Membership(
                person_id=p.id,
                division_id=divisions[i % len(divisions)],
                role="head" if i < len(divisions) else "member",
            )
            for i, p in enumerate(people)
        )
    for uid in range(FIRST_USER, FIRST_USER + chats):
        fake.add_user(uid)


async def pending(sessions: Sessions) -> int:
    """Deliveries not yet sent, skipped or failed."""
    async with sessions() as session:
        q = select(func.count()).select_from(Delivery).where(Delivery.state == "pending")
        return int(await session.scalar(q) or 0)


async def run_round(
    sessions: Sessions, deliver: Deliver, config: TickConfig, *, deadline: float = DEADLINE_S
) -> tuple[float, int]:
    """Tick until nothing is pending (or `deadline` seconds); returns (seconds, ticks)."""
    calendar, state = WorkCalendar(), TickState()
    started = time.perf_counter()
    ticks = 0
    while True:
        elapsed = time.perf_counter() - started
        now = PROMPT_AT + dt.timedelta(seconds=elapsed)
        report = await tick(sessions, now, deliver, config, calendar, state)
        ticks += 1
        if not await pending(sessions) or elapsed > deadline:
            return time.perf_counter() - started, ticks
        if not (report.sent or report.created):
            await asyncio.sleep(0.1)  # only retries are left: wait for their time


def settings_for(server: FakeBotApiServer, url: str) -> Settings:
    """Settings for a bot on the fake server; the tick is driven here, not by the JobQueue."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_url=server.base_url,
        database_url=url,
        scheduler_enabled=False,
    )


async def figures(
    sessions: Sessions, fake: FakeTelegram, chats: int, seconds: float
) -> dict[str, Any]:
    """What reached the chats, checked against the database."""
    async with sessions() as session:
        q = select(Delivery.state, func.count()).group_by(Delivery.state)
        by_state = {state: int(n) for state, n in (await session.execute(q)).all()}
    received = [fake.sent_count(FIRST_USER + i) for i in range(chats)]
    sent = sum(received)
    rate = sent / seconds if seconds else 0.0
    return {
        "chats": chats,
        "sent": sent,
        "seconds": round(seconds, 2),
        "msgs_per_s": round(rate, 2),
        "ratio_to_limit": round(rate / LIMIT_PER_S, 3),
        "http_429": fake.stats["429"],
        # A chat without its prompt, or a delivery the database still has pending.
        "lost": max(sum(1 for n in received if n == 0), by_state.get("pending", 0)),
        "twice": sum(1 for n in received if n > 1),
        "deliveries": by_state,
    }


async def run(
    chats: int, *, latency: float = 0.0, concurrency: int | None = None
) -> dict[str, Any]:
    """One broadcast round of `chats` prompts; returns the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'broadcast.db'}"
        engine = create_engine(url)
        fake = WireFake(token=TOKEN, rate_limits=True, rtt=latency)
        try:
            sessions = await prepare(engine, fake, chats)
            async with FakeBotApiServer(fake) as server:
                settings = settings_for(server, url)
                config = tick_config(settings)
                if concurrency is not None:
                    config = dataclasses.replace(config, send_concurrency=concurrency)
                app = build_application(settings, engine)
                async with app:
                    deliver = TelegramDelivery(
                        app.bot, Core(sessions=sessions, rules=settings.rules())
                    )
                    seconds, ticks = await run_round(sessions, deliver, config)
                    limiter = app.bot.rate_limiter
                    margin = getattr(getattr(limiter, "pacing", None), "jitter", None)
            result = await figures(sessions, fake, chats, seconds)
        finally:
            await engine.dispose()
    extra = {"latency_ms": round(latency * 1000), "concurrency": config.send_concurrency}
    if margin is not None:  # the limiter's arrival margin at the end (bot/telegram/pacing.py)
        extra["margin_ms"] = round(margin.margin * 1000, 1)
    return {**result, **extra, "ticks": ticks}


def _line(label: str, r: Mapping[str, Any]) -> str:
    return (
        f"  {label}: {r['sent']} to {r['chats']} chats in {r['seconds']:.1f} s, "
        f"{r['msgs_per_s']:.1f} msg/s = {r['ratio_to_limit']:.3f} x {LIMIT_PER_S:.0f}/s; "
        f"429s {r['http_429']}, lost {r['lost']}, twice {r['twice']}  "
        f"({'met' if r['met'] else 'MISSED'}: goal >= {GOAL}, 0 x 429, 0 lost, 0 twice)"
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.broadcast [--chats N] [--rtt-ms MS ...]`.

    Exit status 1 when a prompt is lost or doubled.
    """
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chats", type=int, default=600)
    parser.add_argument("--rtt-ms", type=int, nargs="+", default=list(RTTS_MS))
    args = parser.parse_args(argv)
    print(f"broadcast: one round's prompts, fake Bot API over HTTP at {LIMIT_PER_S:.0f} msg/s")
    runs: dict[str, dict[str, Any]] = {}
    for ms in args.rtt_ms:
        r = asyncio.run(run(args.chats, latency=ms / 1000))
        r["goal"] = GOAL
        r["met"] = bool(r["ratio_to_limit"] >= GOAL and not (r["http_429"] or r["lost"]))
        r["met"] = r["met"] and not r["twice"]
        runs[str(ms)] = r
        print(_line(f"{ms} ms round trip, {r['concurrency']} in flight", r), flush=True)
    head = runs.get("150") or next(iter(runs.values()))
    keys = ("chats", "sent", "seconds", "msgs_per_s", "ratio_to_limit", "http_429", "lost")
    result = {
        "bench": "broadcast",
        "rtt_ms": head["latency_ms"],
        **{k: head[k] for k in (*keys, "twice", "deliveries", "ticks", "goal", "met")},
        "rtts": runs,
        "all_met": all(r["met"] for r in runs.values()),
    }
    print(json.dumps(result))
    return 1 if any(r["lost"] or r["twice"] for r in runs.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
