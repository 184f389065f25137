"""Recording refusals and other attempts in the audit log, each in a transaction of its own."""

from __future__ import annotations

from typing import Any

from bot.usecases.core import Core
from storage import audit


async def record_refusal(
    core: Core,
    *,
    person_id: int | None,
    telegram_id: int | None,
    detail: dict[str, Any],
    action: str = audit.ACTION_REFUSED,
) -> None:
    """Record a refused attempt; its own transaction, since the refusal itself changed nothing."""
    async with core.uow() as uow:
        await audit.record(
            uow.session,
            action,
            actor_person_id=person_id,
            actor_telegram_id=telegram_id,
            detail=detail,
            at=core.now(),
        )
