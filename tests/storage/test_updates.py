"""Update ids: claimed once, an earlier one of a chat seen in hand, forgotten after a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.updates import (
    claim_updates,
    earlier_in_hand,
    forget_updates,
    keep_claims,
    mark_handled,
)

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


async def test_claim_once_order_and_forget(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        assert await claim_updates(session, [(10, 501)], NOW) == {10}
        assert await claim_updates(session, [(10, 501)], NOW) == set()  # a re-delivery
        assert await claim_updates(session, [(11, 501)], NOW) == {11}
    async with sessions() as session:
        assert await earlier_in_hand(session, 501, 11, NOW - timedelta(seconds=10))
        assert not await earlier_in_hand(session, 502, 11, NOW - timedelta(seconds=10))
        # A claim older than the wait (its replica was killed mid-update) holds nobody up.
        assert not await earlier_in_hand(session, 501, 11, NOW)
    async with sessions.begin() as session:
        await mark_handled(session, 10, NOW)
    async with sessions() as session:
        assert not await earlier_in_hand(session, 501, 11, NOW - timedelta(seconds=10))
    async with sessions.begin() as session:
        assert await forget_updates(session, NOW + timedelta(hours=23)) == 0
        assert await forget_updates(session, NOW + timedelta(days=1, seconds=1)) == 2
        assert await claim_updates(session, [(10, 501)], NOW + timedelta(days=2)) == {10}


async def test_a_live_replica_keeps_its_claims_fresh_until_handled(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    later = NOW + timedelta(seconds=30)
    async with sessions.begin() as session:
        await claim_updates(session, [(10, 501)], NOW)
        await keep_claims(session, [10], later)
        # Seen from update 11 with a 10-second window at `later`: alive, though claimed at NOW.
        assert await earlier_in_hand(session, 501, 11, later - timedelta(seconds=10))
        await mark_handled(session, 10, later)
        await keep_claims(session, [10], later + timedelta(seconds=60))  # ended: left as it is
        assert not await earlier_in_hand(session, 501, 11, NOW)
