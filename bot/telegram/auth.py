"""Who sent this update: the enrolled person and their roles, decided on the server every time.

The gate runs before every handler: strangers (never enrolled, or every role revoked) get one
polite answer on how to join and nothing else; only `/start <token>` passes through to enrol.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.telegram.context import BotContext
from bot.telegram.deps import deps
from bot.telegram.lang import language_of
from bot.texts import t
from bot.usecases.people import identify
from storage import audit
from storage.people import Actor


async def get_actor(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Actor | None:
    """The enrolled sender with active roles, or None for strangers and revoked people.

    The gate resolved it from the database for this update (see bot.telegram.context).
    """
    assert isinstance(context, BotContext)
    return context.actor


def may_manage_people(actor: Actor) -> bool:
    """Coordinators and admins invite, list and revoke people."""
    return actor.is_coordinator


def may_grant(actor: Actor, role: str) -> bool:
    """Only admins make or remove admins; coordinators handle every other role."""
    return actor.is_admin if role == "admin" else actor.is_coordinator


def _language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    # Strangers get the default language; enrolled people their stored one (see language_of).
    return language_of(update, context)


def _opens_invite(update: Update) -> bool:
    """`/start <token>`: the one thing a stranger may send."""
    message = update.message
    if message is None or not message.text:
        return False
    parts = message.text.split()
    return len(parts) > 1 and parts[0].split("@", 1)[0] == "/start"


def _what(update: Update) -> dict[str, Any]:
    """What was attempted, for the audit log: the kind and a command name, never free text."""
    if update.callback_query is not None:
        return {"kind": "callback", "verb": (update.callback_query.data or "").split(":")[0][:8]}
    message = update.effective_message
    text = message.text if message and message.text else ""
    if text.startswith("/"):
        return {"kind": "command", "command": text.split()[0].split("@")[0][:33]}
    return {"kind": "message"}


async def _not_here(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Point a command or a button press outside a private chat to the private chat."""
    lang = _language(update, context)
    message = update.message
    is_command = message is not None and (message.text or "").startswith("/")
    if update.callback_query is None and not is_command:
        return  # ordinary group chatter: stay silent
    user = update.effective_user
    async with deps(context).sessions() as session, session.begin():
        await audit.record(
            session,
            audit.ACTION_REFUSED,
            actor_telegram_id=user.id if user else None,
            detail={**_what(update), "reason": "not_private"},
        )
    if update.callback_query is not None:
        await update.callback_query.answer(t("auth.private_only", lang), show_alert=True)
        return
    if message is not None:
        await message.reply_text(t("auth.private_only", lang))


async def gate(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Let enrolled people through (and mark them reachable again); answer strangers once, stop.

    Everything happens in private chats: in a group, the bot would show people, answers and
    invitation links to whoever is in the group. A command there gets one line saying so.
    """
    if not isinstance(update, Update):
        return
    chat = update.effective_chat
    if update.effective_user is None or chat is None or chat.type != ChatType.PRIVATE:
        await _not_here(update, context)
        raise ApplicationHandlerStop
    user = update.effective_user
    assert isinstance(context, BotContext)
    actor = await identify(context.core, user.id)
    context.set_actor(actor)
    if actor is not None:
        return
    if _opens_invite(update):
        return
    async with deps(context).sessions() as session, session.begin():
        await audit.record(
            session, audit.STRANGER_REFUSED, actor_telegram_id=user.id, detail=_what(update)
        )
    lang = _language(update, context)
    if update.callback_query is not None:
        await update.callback_query.answer(t("auth.stranger_alert", lang), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(t("auth.stranger", lang))
    raise ApplicationHandlerStop


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
    lang = _language(update, context)
    if update.callback_query is not None:
        await update.callback_query.answer(t(alert_key, lang), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(t("auth.not_allowed", lang))
