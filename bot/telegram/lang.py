"""Which catalog language to answer an update in."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.telegram.deps import deps
from bot.texts import CATALOGS

LANG_KEY = "lang"


def language_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The catalog language for whoever sent this update.

    Enrolled people get the language stored with them (Thai unless they chose English with
    /language); everyone else gets DEFAULT_LANGUAGE. Telegram's own client language is not
    used: there is no official Thai Telegram app, so Thai staff would mostly get English.
    The stranger gate puts the stored language in `user_data` for each update.
    """
    default = deps(context).settings.default_language
    stored = context.user_data.get(LANG_KEY) if context.user_data is not None else None
    return stored if isinstance(stored, str) and stored in CATALOGS else default
