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

from bot.telegram import auth
from bot.telegram.handlers import answer, basic, enrol, meetings, summary


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Wire every handler into the application."""
    application.add_handler(TypeHandler(Update, basic.log_update), group=-100)
    # After the log line, before everything else: strangers are answered here and stopped.
    application.add_handler(TypeHandler(Update, auth.gate), group=-50)
    application.add_handler(CommandHandler("start", enrol.start))
    application.add_handler(CommandHandler("help", basic.help_command))
    application.add_handler(CommandHandler("language", basic.language_command))
    application.add_handler(CommandHandler("whoami", enrol.whoami))
    application.add_handler(CommandHandler("invite", enrol.invite))
    application.add_handler(CommandHandler("members", enrol.members))
    application.add_handler(CommandHandler("revoke", enrol.revoke))
    application.add_handler(CallbackQueryHandler(enrol.invite_division, pattern=r"^ivd:"))
    application.add_handler(CallbackQueryHandler(enrol.invite_role, pattern=r"^ivr:"))
    application.add_handler(CallbackQueryHandler(enrol.invite_revoke, pattern=r"^ivx:"))
    application.add_handler(CallbackQueryHandler(enrol.revoke_ask, pattern=r"^rv:"))
    application.add_handler(CallbackQueryHandler(enrol.revoke_confirmed, pattern=r"^rvy:"))
    application.add_handler(CallbackQueryHandler(enrol.revoke_page, pattern=r"^rvp:"))
    application.add_handler(CommandHandler("meetings", meetings.meetings_command))
    application.add_handler(CommandHandler("report", answer.report_command))
    application.add_handler(CommandHandler("cancel", answer.cancel_command))
    application.add_handler(
        CallbackQueryHandler(answer.on_answer_button, pattern=answer.ANSWER_PATTERN)
    )
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, answer.on_message)
    )
    # Reports show other people's answers: private chats only, never a group.
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("summary", summary.summary_command, filters=private))
    application.add_handler(CommandHandler("missing", summary.missing_command, filters=private))
    application.add_handler(CommandHandler("history", summary.history_command, filters=private))
    application.add_handler(CommandHandler("export", summary.export_command, filters=private))
    application.add_handler(CallbackQueryHandler(summary.on_button, pattern=summary.BUTTONS))
    # Same group as the commands, registered last: only a command nobody handled reaches it.
    application.add_handler(MessageHandler(filters.COMMAND, basic.unknown_command))
    # Forged, truncated or outdated callback data that no handler above claimed.
    application.add_handler(CallbackQueryHandler(basic.unknown_button))
    application.add_error_handler(basic.on_error)
