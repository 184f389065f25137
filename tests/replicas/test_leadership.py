"""One tick leader among replicas; another takes over when the leader's connection dies."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.locks import Leadership


async def test_on_sqlite_the_one_process_always_leads(tmp_path: object) -> None:
    alone = Leadership(f"sqlite+aiosqlite:///{tmp_path}/x.db")
    assert await alone.lead()
    await alone.close()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_failover_within_two_ticks(engine: AsyncEngine, db_url: str) -> None:
    a, b = Leadership(db_url), Leadership(db_url)
    try:
        # Ticks are calls: the clock is the test's, nothing waits for time to pass.
        assert await a.lead()
        assert not await b.lead()
        assert await a.lead() and not await b.lead()
        # The leader dies: PostgreSQL ends its session, as when a SIGKILLed process's socket
        # closes (terminated here from outside, like an administrator or a lost machine would).
        # The timeout form (PostgreSQL 14+) returns once the session has ended and so released
        # its locks; the plain form only signals, and b could tick before the lock was free.
        async with engine.connect() as conn:
            ended = await conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid, 10000) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid() "
                    "AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            )
            assert ended.scalars().all() == [True]  # the leader's one session, and it has ended
            await conn.commit()
        took = [await b.lead() for _ in range(2)]
        assert took[0] or took[1], took
        assert not await a.lead()  # the old leader sees it lost the lead and stands by
    finally:
        await a.close()
        await b.close()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_a_leader_that_closes_hands_over_at_once(engine: AsyncEngine, db_url: str) -> None:
    a, b = Leadership(db_url), Leadership(db_url)
    try:
        assert await a.lead() and not await b.lead()
        await a.close()  # a clean stop (post_shutdown)
        assert await b.lead()
    finally:
        await b.close()
