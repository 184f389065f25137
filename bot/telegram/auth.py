"""Left for the handlers not moved yet (answer, summary, meetings): delete it once none imports it.

The gate moved to bot.telegram.gate; handlers read `context.actor`, say no through
bot.telegram.replies.refuse, and the rules on people live in bot.usecases.people.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.telegram.context import BotContext
from bot.telegram.deps import deps
from bot.texts import t
from storage import audit
from storage.people import Actor


async def get_actor(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Actor | None:
    """The sender the gate resolved for this update (see BotContext.actor)."""
    assert isinstance(context, BotContext)
    return context.actor


async def refuse(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    actor: Actor | None,
    action: str,
    *,
    reason: str = "not_allowed",
    alert_key: str = "auth.not_allowed_alert",
) -> None:
    """Refuse an enrolled person's command or button politely, change nothing, audit it."""
    async with deps(context).sessions() as session, session.begin():
        await audit.record(
            session,
            audit.ACTION_REFUSED,
            actor_person_id=actor.person_id if actor else None,
            actor_telegram_id=update.effective_user.id if update.effective_user else None,
            detail={"action": action, "reason": reason},
        )
    assert isinstance(context, BotContext)
    lang = context.lang
    if update.callback_query is not None:
        await update.callback_query.answer(t(alert_key, lang), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(t("auth.not_allowed", lang))
