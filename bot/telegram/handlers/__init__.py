"""Every handler, registered in one place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.telegram import gate
from bot.telegram.callbacks import Callback
from bot.telegram.context import BotContext
from bot.telegram.handlers import (
    answer,
    basic,
    enrol,
    exports,
    history,
    meetings,
    nudges,
    people,
    summary,
)
from bot.telegram.router import ButtonHandler, button_handler, merge_routes


def _whole(handler: Callable[[Update, Any], Awaitable[None]]) -> ButtonHandler:
    """A handler that decodes the data itself (until it takes the decoded callback)."""

    async def call(update: Update, context: BotContext, _cb: Callback) -> None:
        await handler(update, context)

    return call


ROUTES = merge_routes(
    answer.BUTTONS,
    people.BUTTONS,
    summary.BUTTONS,
    nudges.BUTTONS,
    history.BUTTONS,
    exports.BUTTONS,
)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Wire every handler into the application."""
    application.add_handler(TypeHandler(Update, basic.log_update), group=-100)
    # After the log line, before everything else: strangers are answered here and stopped.
    application.add_handler(TypeHandler(Update, gate.gate), group=-50)
    application.add_handler(CommandHandler("start", enrol.start))
    application.add_handler(CommandHandler("help", basic.help_command))
    application.add_handler(CommandHandler("language", basic.language_command))
    application.add_handler(CommandHandler("whoami", enrol.whoami))
    application.add_handler(CommandHandler("invite", people.invite))
    application.add_handler(CommandHandler("members", people.members))
    application.add_handler(CommandHandler("revoke", people.revoke))
    application.add_handler(CommandHandler("meetings", meetings.meetings_command))
    application.add_handler(CommandHandler("report", answer.report_command))
    application.add_handler(CommandHandler("cancel", answer.cancel_command))
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, answer.on_message)
    )
    # Reports show other people's answers: private chats only, never a group.
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("summary", summary.summary_command, filters=private))
    application.add_handler(CommandHandler("missing", nudges.missing_command, filters=private))
    application.add_handler(CommandHandler("history", history.history_command, filters=private))
    application.add_handler(CommandHandler("export", exports.export_command, filters=private))
    # Every button press, routed by its verb (bot/telegram/router.py).
    application.add_handler(button_handler(ROUTES))
    # Same group as the commands, registered last: only a command nobody handled reaches it.
    application.add_handler(MessageHandler(filters.COMMAND, basic.unknown_command))
    application.add_error_handler(basic.on_error)
