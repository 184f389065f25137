"""Who sent this update: the enrolled person and their roles, decided on the server every time."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.deps import deps
from storage.people import Actor, load_actor


async def get_actor(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Actor | None:
    """The enrolled sender with active roles, or None for strangers and revoked people."""
    user = update.effective_user
    if user is None:
        return None
    async with deps(context).sessions() as session:
        return await load_actor(session, user.id)
