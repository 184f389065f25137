"""Every handler, registered in one place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.telegram import gate, throttle
from bot.telegram.callbacks import Callback
from bot.telegram.context import BotContext
from bot.telegram.handlers import (
    answer,
    away,
    basic,
    enrol,
    evidence,
    exports,
    history,
    meetings,
    nudges,
    people,
    privacy,
    review,
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
    evidence.BUTTONS,
    nudges.BUTTONS,
    history.BUTTONS,
    exports.BUTTONS,
    review.BUTTONS,
    away.BUTTONS,
    meetings.BUTTONS,
)

# Every command, by name. The order is irrelevant: each name has one handler.
COMMANDS: dict[str, Callable[[Update, Any], Coroutine[Any, Any, None]]] = {
    "start": enrol.start,
    "help": basic.help_command,
    "language": basic.language_command,
    "whoami": enrol.whoami,
    "invite": people.invite,
    "members": people.members,
    "revoke": people.revoke,
    "meetings": meetings.meetings_command,
    "report": answer.report_command,
    "cancel": answer.cancel_command,
    "summary": summary.summary_command,
    "missing": nudges.missing_command,
    "history": history.history_command,
    "export": exports.export_command,
    "review": review.review_command,
    "away": away.away_command,
    "privacy": privacy.privacy_command,
    "mydata": privacy.mydata_command,
}


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Wire every handler into the application."""
    application.add_handler(TypeHandler(Update, basic.log_update), group=-100)
    # Before the gate touches the database: one sender's flood is dropped here (in memory).
    application.add_handler(TypeHandler(Update, throttle.throttle), group=-75)
    # After the log line, before everything else: strangers are answered here and stopped.
    application.add_handler(TypeHandler(Update, gate.gate), group=-50)
    # Every command is private-only by filter as well as by the gate: a second lock, so that
    # names, answers and links never reach a group even if the gate were bypassed.
    private = filters.ChatType.PRIVATE
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=private))
    # A reviewer's comment on a return is taken (and the update stopped) before answering.
    application.add_handler(
        MessageHandler(private & ~filters.COMMAND, review.on_comment), group=review.COMMENT_GROUP
    )
    application.add_handler(MessageHandler(private & ~filters.COMMAND, answer.on_message))
    # Every button press, routed by its verb (bot/telegram/router.py).
    application.add_handler(button_handler(ROUTES))
    # Same group as the commands, registered last: only a command nobody handled reaches it.
    application.add_handler(MessageHandler(private & filters.COMMAND, basic.unknown_command))
    application.add_error_handler(basic.on_error)
