"""Benchmark: one stranger floods 500 messages while 20 heads answer; their p95 barely moves.

The same run twice against the HTTP fake Bot API: 20 heads answering one measure each (the
whole flow of bench.answers), then the same 20 with a stranger sending 500 messages beside
them, ten at a time. Printed: the heads' press-to-confirmation p95 in both runs and their
ratio (goal: at most 1.5), the stranger's replies (goal: 1) and audit rows (goal: 1).
Telegram's rate limits are on in the fake (30/s overall, 1/s per chat).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.answers import TOKEN, _pct, _person
from bot.settings import Settings
from bot.telegram.app import build_application
from storage import audit
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import AuditEvent, Division, Measure
from storage.types import utcnow
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeBotApiServer, FakeTelegram
from tests.round_factories import make_round

STRANGER = 99_999


async def _world(
    url: str, heads: int, fake: FakeTelegram
) -> tuple[int, int, list[tuple[int, int]]]:
    """A database with one open round and `heads` enrolled heads: (round, measure, users)."""
    engine = create_engine(url)
    await upgrade(engine)
    sessions = session_factory(engine)
    await seed_plan(sessions)
    async with sessions() as s:
        divisions = list(await s.scalars(select(Division).order_by(Division.id)))
        measure = await s.scalar(select(Measure.id).where(Measure.seq == 3))
    assert measure is not None
    now = utcnow()
    rnd = await make_round(
        sessions,
        "2565-01",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=5),
        items=[(3, d.code) for d in divisions],
    )
    users = []
    for i in range(heads):
        uid, division = 10_000 + i, divisions[i % len(divisions)]
        await enrol(sessions, uid, "member", division.code)
        fake.add_user(uid)
        users.append((uid, division.id))
    await engine.dispose()
    return rnd, measure, users


async def _flood(fake: FakeTelegram, count: int) -> None:
    """The stranger's messages, spread over the heads' run (ten at a time, as fast as typed)."""
    for i in range(count):
        fake.send_text(STRANGER, f"สวัสดี {i}")
        if i % 10 == 9:
            await asyncio.sleep(0.01)


async def _run(heads: int, flood: int, workdir: Path) -> dict[str, Any]:
    url = f"sqlite+aiosqlite:///{workdir}/flood-{flood}.db"
    # Telegram's limits on (30/s overall, 1/s per chat): a reply per flooded message is what
    # stalled everyone, when updates were handled one at a time (before issue 16).
    fake = FakeTelegram(token=TOKEN, rate_limits=True)
    fake.add_user(STRANGER)
    rnd, measure, users = await _world(url, heads, fake)
    engine = create_engine(url)
    latencies: list[float] = []
    async with FakeBotApiServer(fake) as server:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            telegram_bot_token=TOKEN,
            telegram_api_url=server.base_url,
            database_url=url,
            scheduler_enabled=False,  # this measures replies, not the tick (see bench.answers)
        )
        app = build_application(settings, engine)
        await app.initialize()
        await app.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
        await app.start()
        heads_done = asyncio.gather(
            *(_person(fake, u, rnd, measure, d, latencies) for u, d in users)
        )
        await asyncio.gather(heads_done, _flood(fake, flood))
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
        await app.shutdown()
    async with session_factory(engine)() as s:
        rows = await s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == audit.STRANGER_REFUSED)
        )
    await engine.dispose()
    return {
        "p50_ms": _pct(latencies, 0.50) * 1000,
        "p95_ms": _pct(latencies, 0.95) * 1000,
        "stranger_replies": len(fake.messages(STRANGER)),
        "stranger_audit_rows": rows,
    }


async def run(heads: int, flood: int) -> dict[str, Any]:
    """The quiet run, then the flooded one; their figures and the p95 ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        quiet = await _run(heads, 0, Path(tmp))
        flooded = await _run(heads, flood, Path(tmp))
    return {
        "bench": "flood",
        "heads": heads,
        "flood": flood,
        "quiet": quiet,
        "flooded": flooded,
        "p95_ratio": flooded["p95_ms"] / max(quiet["p95_ms"], 1e-6),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: `python -m bench.flood [--heads 20] [--flood 500]`; 1 past the goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--heads", type=int, default=20)
    parser.add_argument("--flood", type=int, default=500)
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.heads, args.flood))
    quiet, flooded = result["quiet"], result["flooded"]
    print(
        f"heads' press->confirmation p95: {quiet['p95_ms']:.0f} ms quiet, "
        f"{flooded['p95_ms']:.0f} ms beside a {args.flood}-message flood "
        f"(ratio {result['p95_ratio']:.2f}, goal <= 1.5)"
    )
    print(
        f"stranger: {flooded['stranger_replies']} replies, "
        f"{flooded['stranger_audit_rows']} audit rows (goal 1 and 1)"
    )
    print(json.dumps(result))
    ok = (
        result["p95_ratio"] <= 1.5
        and flooded["stranger_replies"] <= 1
        and flooded["stranger_audit_rows"] <= 1
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
