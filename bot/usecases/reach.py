"""Reachability: Telegram answered 403, so stop messaging a person until they write again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.people import mark_unreachable
from storage.types import utcnow


async def note_forbidden(
    sessions: async_sessionmaker[AsyncSession], person_id: int, at: datetime | None = None
) -> None:
    """Record that the person blocked the bot or deleted the account (/members shows it)."""
    async with sessions() as session, session.begin():
        await mark_unreachable(session, person_id, at or utcnow())
