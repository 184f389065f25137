"""Joining and who one is: /start <token> enrols, plain /start greets, /whoami."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from bot.telegram.context import BotContext
from bot.telegram.handlers.privacy import send_notice
from bot.telegram.menus import set_chat_menu
from bot.telegram.replies import refuse
from bot.telegram.views import people as view
from bot.texts import t
from bot.usecases import enrolment, people
from bot.usecases.refusals import Refused
from storage.invites import Enrollee


async def start(update: Update, context: BotContext) -> None:
    """`/start <token>` enrols; plain `/start` greets an enrolled person with their roles."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    if context.args:
        await _enrol(update, context, " ".join(context.args))
        return
    actor = context.actor
    if actor is None:
        return  # the gate has answered strangers already
    # Re-setting the menu here lets a person repair a menu that went missing.
    await set_chat_menu(context.bot, actor.chat_id, [r.role for r in actor.roles], context.lang)
    await message.reply_text(view.greeting(actor, context.lang))


async def _enrol(update: Update, context: BotContext, token: str) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and user is not None
    lang = context.lang
    who = Enrollee(user.id, chat.id if chat else user.id, user.full_name[:255], user.username, lang)
    private = chat is not None and chat.type == ChatType.PRIVATE
    try:
        enrolled = await enrolment.enrol(context.core, who, token, private=private)
    except Refused as refusal:
        await refuse(update, context, refusal)
        return
    roles = [r.role for r in enrolled.actor.roles]
    await set_chat_menu(context.bot, enrolled.actor.chat_id, roles, lang)
    await message.reply_text(t("enrol.welcome", lang, role=view.role_name(enrolled.role, lang)))
    if len(roles) == 1:
        # Once, at a person's first enrolment: what is kept about them and why (PDPA); a
        # second role does not repeat it, and /privacy shows it again at any time.
        await send_notice(update, lang)


async def whoami(update: Update, context: BotContext) -> None:
    """Show the person's name, Telegram id, roles and divisions."""
    actor, message = context.actor, update.effective_message
    if actor is None or message is None:
        return
    oversees = await people.overseen_divisions(context.core, actor)
    await message.reply_text(view.whoami_text(actor, context.lang, oversees))
