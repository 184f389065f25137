"""Enrolment and people: who is writing, their roles and language, invitations, revocation."""

from __future__ import annotations

from bot.usecases.core import Core
from storage.people import Actor, load_actor, mark_reachable


async def identify(core: Core, telegram_user_id: int) -> Actor | None:
    """The enrolled sender with active roles, or None; a person who writes is reachable again.

    Decided from the database on every update, never from what a button or a cache says.
    """
    async with core.uow() as uow:
        actor = await load_actor(uow.session, telegram_user_id)
        if actor is not None:
            # They wrote to us, so Telegram will deliver to them again (a 403 may have stopped us).
            await mark_reachable(uow.session, telegram_user_id)
    return actor
