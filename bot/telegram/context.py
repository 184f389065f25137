"""The one context every handler gets: the core, the settings, the sender and their language.

PTB makes one context per update and hands the same object to every handler group, so the
gate (group -50) resolves the sender once from the database and the handlers after it read
`context.actor` and `context.lang` instead of asking again.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.settings import Settings
from bot.usecases.core import Core
from storage.people import Actor

CORE_KEY = "core"
SETTINGS_KEY = "settings"
# The sender's stored language, kept in user_data so that the error handler (which PTB gives
# a fresh context) can still apologise in it. A cache, re-derived by the gate on every update.
LANG_KEY = "lang"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context with what every handler needs, resolved once per update."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        # Set by the gate: the enrolled sender with active roles, or None (a stranger).
        self.actor: Actor | None = None
        self._lang: str | None = None

    @property
    def core(self) -> Core:
        """The use cases' dependencies."""
        value = self.bot_data[CORE_KEY]
        assert isinstance(value, Core)
        return value

    @property
    def settings(self) -> Settings:
        """The settings the application was built with."""
        value = self.bot_data[SETTINGS_KEY]
        assert isinstance(value, Settings)
        return value

    @property
    def lang(self) -> str:
        """The catalog language for the sender: stored with them, else DEFAULT_LANGUAGE.

        Telegram's client language is not used: there is no official Thai Telegram app, so
        Thai staff would mostly get English.
        """
        if self._lang is not None:
            return self._lang
        stored = self.user_data.get(LANG_KEY) if self.user_data is not None else None
        return stored if stored in ("th", "en") else self.core.rules.default_language

    @lang.setter
    def lang(self, value: str) -> None:
        self._lang = value
        if self.user_data is not None:
            self.user_data[LANG_KEY] = value

    def sender(self) -> Actor:
        """The enrolled sender; the gate has stopped strangers before any handler runs."""
        if self.actor is None:
            raise RuntimeError("a handler ran for a stranger; the gate must stop them first")
        return self.actor

    def set_actor(self, actor: Actor | None) -> None:
        """Remember who sent this update (the gate calls it once per update)."""
        self.actor = actor
        self._lang = None
        if self.user_data is not None:
            self.user_data.pop(LANG_KEY, None)
        if actor is not None:
            self.lang = actor.language


CONTEXT_TYPES = ContextTypes(context=BotContext)


def install(
    application: Application[Any, Any, Any, Any, Any, Any], core: Core, settings: Settings
) -> None:
    """Attach the core and the settings to an application (once, in the composition root)."""
    application.bot_data[CORE_KEY] = core
    application.bot_data[SETTINGS_KEY] = settings
