"""Strangers who write to the bot: one answer and one audit row per stranger per day."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from bot.usecases.core import Core
from storage import audit


def start_of_day(core: Core) -> datetime:
    """Midnight of today in the municipality's zone (the "day" a stranger is counted in)."""
    now = core.now().astimezone(core.rules.tz)
    return datetime.combine(now.date(), time(0), tzinfo=core.rules.tz)


async def note_stranger(core: Core, telegram_id: int, detail: dict[str, Any]) -> bool:
    """Record a stranger's attempt in today's row; True when it is today's first (answer it)."""
    async with core.uow() as uow:
        return await audit.note_stranger(
            uow.session, telegram_id, detail, since=start_of_day(core), at=core.now()
        )
