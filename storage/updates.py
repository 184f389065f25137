"""Which Telegram updates were taken: claim once by update id, order a chat's, forget after a day.

Telegram re-delivers an update when a webhook request fails or times out, and a replica behind
the proxy may be given one another replica already took. The update id's primary key makes
"handle once" the database's job, as delivery keys do for sends.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.inserts import insert_new
from storage.models import ProcessedUpdate

# How long update ids are kept: Telegram gives up re-delivering an update within a day.
KEEP_FOR = timedelta(days=1)


async def claim_updates(
    session: AsyncSession, updates: list[tuple[int, int | None]], now: datetime
) -> set[int]:
    """Record (update id, chat id) pairs as taken in one statement; the ids not taken before."""
    if not updates:
        return set()
    stmt = insert_new(session, ProcessedUpdate, key="update_id", returning="update_id")
    rows = [{"update_id": u, "chat_id": c, "claimed_at": now} for u, c in updates]
    return set((await session.scalars(stmt, rows)).all())


async def mark_handled(session: AsyncSession, update_id: int, now: datetime) -> None:
    """The update's handling has ended (answered, refused or failed)."""
    await session.execute(
        update(ProcessedUpdate).where(ProcessedUpdate.update_id == update_id).values(handled_at=now)
    )


async def keep_claims(session: AsyncSession, update_ids: list[int], now: datetime) -> None:
    """A sign of life from a replica for its updates not yet ended: their claims' time moves to
    `now`, so that the chats' later updates go on waiting for them."""
    await session.execute(
        update(ProcessedUpdate)
        .where(ProcessedUpdate.update_id.in_(update_ids), ProcessedUpdate.handled_at.is_(None))
        .values(claimed_at=now)
    )


async def earlier_in_hand(
    session: AsyncSession, chat_id: int, update_id: int, since: datetime
) -> bool:
    """Whether an earlier update of the chat, claimed (or kept) after `since`, is not ended."""
    q = select(
        exists().where(
            ProcessedUpdate.chat_id == chat_id,
            ProcessedUpdate.update_id < update_id,
            ProcessedUpdate.handled_at.is_(None),
            ProcessedUpdate.claimed_at > since,
        )
    )
    return bool(await session.scalar(q))


async def forget_updates(session: AsyncSession, now: datetime) -> int:
    """Delete update ids claimed more than a day ago; how many."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.claimed_at < now - KEEP_FOR)
    )
    return int(getattr(result, "rowcount", 0) or 0)
