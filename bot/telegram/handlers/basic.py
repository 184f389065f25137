"""/help, and the fallbacks: unknown commands, errors, and one log line per update."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode

from bot.telegram.context import BotContext
from bot.telegram.menus import help_text
from bot.texts import t
from bot.usecases.people import switch_language

log = logging.getLogger("bot.updates")


async def log_update(update: object, context: BotContext) -> None:
    """Log one line per incoming update: its id, kind, sender and chat (never its text)."""
    if not isinstance(update, Update):
        return
    kind = "callback" if update.callback_query else "message" if update.message else "other"
    user = update.effective_user
    chat = update.effective_chat
    log.info(
        "update %s %s from user %s in chat %s",
        update.update_id,
        kind,
        user.id if user else "-",
        chat.id if chat else "-",
    )


async def help_command(update: Update, context: BotContext) -> None:
    """List the commands this person may use (strangers never get here: the gate answers)."""
    if update.effective_message is None:
        return
    roles = [r.role for r in context.actor.roles] if context.actor else []
    await update.effective_message.reply_text(
        help_text(roles, context.lang), parse_mode=ParseMode.HTML
    )


async def language_command(update: Update, context: BotContext) -> None:
    """/language: switch this person's messages between Thai and English."""
    actor = context.actor
    if actor is None or update.effective_message is None:
        return
    context.lang = await switch_language(context.core, actor)
    await update.effective_message.reply_text(t("language.set", context.lang))


async def unknown_command(update: Update, context: BotContext) -> None:
    """Answer a command the bot does not know."""
    if update.effective_message:
        await update.effective_message.reply_text(t("unknown.command", context.lang))


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and, where there is a chat, apologise politely."""
    logging.getLogger("bot.errors").error(
        "handler failed for update %s", getattr(update, "update_id", "-"), exc_info=context.error
    )
    if isinstance(update, Update) and update.callback_query is not None:
        # Stop the button's spinner; the apology below says what happened.
        try:
            await update.callback_query.answer()
        except Exception:  # the query may be too old or the network down; never loop on it
            log.debug("could not answer the callback query", exc_info=True)
    if isinstance(update, Update) and update.effective_chat:
        lang = context.lang
        try:
            await context.bot.send_message(update.effective_chat.id, t("error.generic", lang))
        except Exception:  # the apology itself may fail (blocked, network); never loop on it
            logging.getLogger("bot.errors").warning("could not send the apology", exc_info=True)
