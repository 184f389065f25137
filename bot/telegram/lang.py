"""Which catalog language to answer an update in."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.telegram.context import LANG_KEY, BotContext

__all__ = ["LANG_KEY", "language_of"]


def language_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The catalog language for whoever sent this update (see BotContext.lang)."""
    assert isinstance(context, BotContext)
    return context.lang
