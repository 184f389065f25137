"""Every handler, registered in one place."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.handlers import basic, summary


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Wire every handler into the application."""
    application.add_handler(TypeHandler(Update, basic.log_update), group=-100)
    application.add_handler(CommandHandler("start", basic.start))
    application.add_handler(CommandHandler("help", basic.help_command))
    # Reports show other people's answers: private chats only, never a group.
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("summary", summary.summary_command, filters=private))
    application.add_handler(CommandHandler("missing", summary.missing_command, filters=private))
    application.add_handler(CommandHandler("history", summary.history_command, filters=private))
    application.add_handler(CommandHandler("export", summary.export_command, filters=private))
    application.add_handler(CallbackQueryHandler(summary.on_button, pattern=summary.BUTTONS))
    # Same group as the commands, registered last: only a command nobody handled reaches it.
    application.add_handler(MessageHandler(filters.COMMAND, basic.unknown_command))
    application.add_error_handler(basic.on_error)
