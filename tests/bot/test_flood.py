"""One sender's flood: one "slow down", one stranger reply a day, others still served (hole 3)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.telegram.throttle import KEY, Throttle
from storage import audit
from tests.bot.harness import running_bot
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram

Sessions = async_sessionmaker[AsyncSession]
HEAD, FLOODER, STRANGER = 3001, 3002, 5100


class Frozen:
    """A clock that does not move: no token comes back during the test."""

    def __call__(self) -> float:
        return 0.0


async def test_a_stranger_flood_gets_one_reply_and_one_audit_row(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, HEAD, "head", "FIN")
    fake = FakeTelegram()
    fake.add_user(HEAD)
    fake.add_user(STRANGER)
    async with running_bot(fake, engine, db_url) as app:
        app.bot_data[KEY] = Throttle(clock=Frozen())
        for i in range(200):
            fake.send_text(STRANGER, f"hello {i}")
        fake.send_text(HEAD, "/help")
        await fake.wait_for_message(HEAD)
    assert len(fake.messages(STRANGER)) == 1
    async with sessions() as session:
        rows = await audit.recent(session, 1000, audit.STRANGER_REFUSED)
    # The throttle dropped most before the gate; what reached it is one row, counted.
    assert len(rows) == 1 and 1 <= rows[0].detail["count"] <= 20


async def test_an_enrolled_flood_gets_one_slow_down_per_burst(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, FLOODER, "head", "FIN")
    await enrol(sessions, HEAD, "head", "PALAD")
    fake = FakeTelegram()
    fake.add_user(FLOODER)
    fake.add_user(HEAD)
    async with running_bot(fake, engine, db_url) as app:
        app.bot_data[KEY] = Throttle(capacity=5, clock=Frozen())
        for _ in range(40):
            fake.send_text(FLOODER, "/help")
        fake.send_text(HEAD, "/help")
        await fake.wait_for_message(HEAD)
    texts = [m.text or "" for m in fake.messages(FLOODER)]
    slow = [x for x in texts if "ถี่เกินไป" in x]
    assert len(slow) == 1 and len(texts) == 5 + 1  # five answered, one polite notice
