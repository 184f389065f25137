"""Recording intents at scale: one notice to thousands of people, recorded once, on both databases.

asyncpg takes at most 32,767 parameters per statement; an intent is ten, so a prompt to 6,000
people used to fail on PostgreSQL. Intents are looked up and inserted in chunks.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.deliveries import CHUNK, Intent, add_intents
from storage.keys import delivery_key
from storage.models import Delivery, Person

Sessions = async_sessionmaker[AsyncSession]
PEOPLE = 3 * CHUNK + 500  # 35,000 parameters in one statement: more than asyncpg takes
DUE = dt.datetime(2030, 1, 23, 2, 0, tzinfo=dt.UTC)


def _intents(people: range) -> list[Intent]:
    return [
        Intent(
            key=delivery_key("prompt", None, None, p),
            kind="prompt",
            round_id=None,
            division_id=None,
            person_id=p,
            chat_id=p,
            due_at=DUE,
            stale_at=DUE + dt.timedelta(days=7),
        )
        for p in people
    ]


async def test_a_notice_to_thousands_is_recorded_once(sessions: Sessions) -> None:
    async with sessions() as s, s.begin():
        await s.execute(
            insert(Person),
            [
                {"id": p, "telegram_user_id": p, "chat_id": p, "name": f"p{p}"}
                for p in range(1, PEOPLE + 1)
            ],
        )
    async with sessions() as s, s.begin():
        assert await add_intents(s, _intents(range(1, PEOPLE - 99))) == PEOPLE - 100
    async with sessions() as s, s.begin():
        # Again, with a hundred people more: only theirs are new.
        assert await add_intents(s, _intents(range(1, PEOPLE + 1))) == 100
        assert await add_intents(s, _intents(range(1, PEOPLE + 1))) == 0
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Delivery)) == PEOPLE
