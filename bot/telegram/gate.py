"""The gate: every update passes here first, and strangers get one polite answer and no more.

Everything happens in private chats: in a group, the bot would show people, answers and
invitation links to whoever is in the group, so a command or a button there gets one line
pointing to the private chat (plain group chatter is ignored). In a private chat the sender is
resolved from the database once per update (`context.actor`); strangers (never enrolled, or
every role revoked) are told how to join once a day (a pressed button is always answered),
their attempts counted in one audit row a day, and only `/start <token>` passes to enrol.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.telegram.context import BotContext
from bot.telegram.replies import refuse
from bot.telegram.throttle import throttle_of
from bot.texts import t
from bot.usecases.audit import record_refusal
from bot.usecases.people import identify
from bot.usecases.refusals import Refused
from bot.usecases.strangers import note_stranger

# Worded by refuse(): a message gets the key, a button press its "auth.stranger_alert".
STRANGER = Refused("stranger", key="auth.stranger")
NOT_PRIVATE = Refused("not_private", key="auth.private_only")
log = logging.getLogger(__name__)


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


async def _not_here(update: Update, context: BotContext) -> None:
    """Point a command or a button press outside a private chat to the private chat."""
    message = update.message
    is_command = message is not None and (message.text or "").startswith("/")
    if update.callback_query is None and not is_command:
        return  # ordinary group chatter: stay silent
    user = update.effective_user
    await record_refusal(
        context.core,
        person_id=None,
        telegram_id=user.id if user else None,
        detail={**_what(update), "reason": "not_private"},
    )
    await refuse(update, context, NOT_PRIVATE)


async def gate(update: object, context: BotContext) -> None:
    """Let enrolled people through; answer strangers once; stop the update whatever fails here.

    Fails closed: PTB runs the next handler group after an exception, so a failed audit
    write or reply here would let a group's `/members` through to the roster.
    """
    if not isinstance(update, Update):
        return
    try:
        passes = await _decide(update, context)
    except ApplicationHandlerStop:
        raise
    except Exception:
        log.exception("the gate failed for update %s; stopped there", update.update_id)
        await _apologise(update, context)
        raise ApplicationHandlerStop from None
    if not passes:
        raise ApplicationHandlerStop


async def _apologise(update: Update, context: BotContext) -> None:
    """In a private chat only, say the bot is having trouble (best effort, never raises)."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return
    try:
        await context.bot.send_message(chat.id, t("error.generic", context.lang))
    except Exception:  # the network that failed the gate may fail this too
        log.warning("could not apologise for the failed gate", exc_info=True)


async def _decide(update: Update, context: BotContext) -> bool:
    """True when the update may go on to the handlers; strangers and groups are answered here."""
    chat, user = update.effective_chat, update.effective_user
    if user is None or chat is None or chat.type != ChatType.PRIVATE:
        await _not_here(update, context)
        return False
    actor = await identify(context.core, user.id)
    context.set_actor(actor)
    # A stranger's one reply a day is the gate's: the throttle must not add a second.
    throttle_of(context).quiet(user.id, stranger=actor is None)
    if actor is not None or _opens_invite(update):
        return True
    first_today = await note_stranger(context.core, user.id, _what(update))
    if first_today or update.callback_query is not None:
        # One chat reply a day; a pressed button is always answered (its spinner must stop).
        await refuse(update, context, STRANGER)
    return False
