"""/help, and the fallbacks: unknown commands, errors, and one log line per update."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.telegram.auth import get_actor
from bot.telegram.deps import deps
from bot.telegram.lang import LANG_KEY, language_of
from bot.telegram.menus import help_lines
from bot.texts import t
from storage.people import set_language

log = logging.getLogger("bot.updates")


async def log_update(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
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


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the commands this person may use (strangers never get here: the gate answers)."""
    if update.effective_message is None:
        return
    lang = language_of(update, context)
    actor = await get_actor(update, context)
    roles = [r.role for r in actor.roles] if actor else []
    lines = [t("menu.help_title", lang), *help_lines(roles, lang), "", t("menu.help_footer", lang)]
    await update.effective_message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language: switch this person's messages between Thai and English."""
    actor = await get_actor(update, context)
    if actor is None or update.effective_message is None:
        return
    new = "en" if actor.language == "th" else "th"
    async with deps(context).sessions() as session, session.begin():
        await set_language(session, actor.person_id, new)
    if context.user_data is not None:
        context.user_data[LANG_KEY] = new
    await update.effective_message.reply_text(t("language.set", new))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a command the bot does not know."""
    if update.effective_message:
        await update.effective_message.reply_text(
            t("unknown.command", language_of(update, context))
        )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
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
        lang = language_of(update, context)
        try:
            await context.bot.send_message(update.effective_chat.id, t("error.generic", lang))
        except Exception:  # the apology itself may fail (blocked, network); never loop on it
            logging.getLogger("bot.errors").warning("could not send the apology", exc_info=True)
