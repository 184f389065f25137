"""Answering an update: one way to say no, one way to send a chat view."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from bot.telegram.context import BotContext
from bot.texts import has_text, t
from bot.usecases.audit import record_refusal
from bot.usecases.refusals import Refused

log = logging.getLogger("bot.refusals")
T = TypeVar("T")

View = tuple[str, InlineKeyboardMarkup | None]


def _attempt(update: Update) -> dict[str, str]:
    """What was attempted, for the audit log: callback data (ids only) or a command name."""
    if update.callback_query is not None:
        # Callback data holds ids only, so it is safe to keep; it shows what was tried.
        return {"kind": "callback", "data": (update.callback_query.data or "")[:64]}
    message = update.effective_message
    text = message.text if message and message.text else ""
    if text.startswith("/"):
        return {"kind": "command", "command": text.split()[0].split("@")[0][:33]}
    return {"kind": "message"}


async def refuse(update: Update, context: BotContext, refusal: Refused) -> None:
    """Say no politely, change nothing, and audit the attempt when the refusal asks for it.

    A button press gets an alert (the catalog's `<key>_alert` when it has a shorter one);
    a message or command gets a reply.
    """
    lang = context.lang
    if refusal.audit:
        actor = context.actor
        user = update.effective_user
        await record_refusal(
            context.core,
            person_id=actor.person_id if actor else None,
            telegram_id=user.id if user else None,
            detail={
                "action": refusal.action or "button",
                **_attempt(update),
                "reason": refusal.reason,
            },
        )
        log.warning(
            "refused %s for user %s",
            refusal.reason,
            update.effective_user and update.effective_user.id,
        )
    query = update.callback_query
    if query is not None:
        key = refusal.key + "_alert" if has_text(refusal.key + "_alert") else refusal.key
        await query.answer(t(key, lang, **refusal.values), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(t(refusal.key, lang, **refusal.values))


async def attempt(
    update: Update,
    context: BotContext,
    work: Awaitable[T],
    *,
    before: Callable[[Refused], Awaitable[None]] | None = None,
) -> T | Refused:
    """The use case's result, or its refusal after saying no the one way (refuse()).

    `before` says something first when a refusal needs context (a dropped draft, say).
    """
    try:
        return await work
    except Refused as refusal:
        if before is not None:
            await before(refusal)
        await refuse(update, context, refusal)
        return refusal


async def send(update: Update, view: View, *, html: bool = True) -> None:
    """Send a view (text and buttons) to the update's chat."""
    chat = update.effective_chat
    if chat is None:
        return
    text, markup = view
    await chat.send_message(text, parse_mode=ParseMode.HTML if html else None, reply_markup=markup)


async def ack_and_send(update: Update, view: View, *, html: bool = True) -> None:
    """Stop a pressed button's spinner and send the view below it, both at once.

    At once, not one after the other: each is a round trip to Telegram (issue 16).
    """
    if update.callback_query is None:
        await send(update, view, html=html)
        return
    await asyncio.gather(update.callback_query.answer(), send(update, view, html=html))
