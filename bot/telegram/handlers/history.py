"""/history and its buttons: how a measure (hm) or a division (hd) moved round by round."""

from __future__ import annotations

from telegram import Update

from bot.telegram.callbacks import Callback
from bot.telegram.context import BotContext
from bot.telegram.replies import ack_and_send, attempt, send
from bot.telegram.router import ButtonHandler
from bot.telegram.views.reports import history_choice_view, history_view
from bot.usecases.refusals import Refused
from bot.usecases.summaries import division_history, history_choices, measure_history
from storage.read_models import History


async def history_command(update: Update, context: BotContext) -> None:
    """/history: offer the measures and divisions whose history this person may see."""
    choices = await attempt(update, context, history_choices(context.core, context.sender()))
    if not isinstance(choices, Refused):
        await send(update, history_choice_view(choices, context.lang))


async def _show(update: Update, context: BotContext, h: History | Refused | None) -> None:
    if not isinstance(h, Refused):
        # "No history yet" is a plain line; a history is HTML.
        await ack_and_send(update, history_view(h, context.lang), html=h is not None)


async def measure_history_button(update: Update, context: BotContext, cb: Callback) -> None:
    """hm: one measure's status round by round (own divisions for heads and members)."""
    work = measure_history(context.core, context.sender(), cb.args[0])
    await _show(update, context, await attempt(update, context, work))


async def division_history_button(update: Update, context: BotContext, cb: Callback) -> None:
    """hd: one division's measures round by round, if the presser may see that division."""
    work = division_history(context.core, context.sender(), cb.args[0])
    await _show(update, context, await attempt(update, context, work))


BUTTONS: dict[str, ButtonHandler] = {
    "hm": measure_history_button,
    "hd": division_history_button,
}
