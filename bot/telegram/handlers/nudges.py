"""/missing and its nudge buttons (nd): who still owes answers, and reminding them now."""

from __future__ import annotations

from telegram import Update

from bot.telegram.callbacks import Callback
from bot.telegram.context import BotContext
from bot.telegram.handlers.summary import round_key
from bot.telegram.replies import attempt, refuse, send
from bot.telegram.router import ButtonHandler
from bot.telegram.views.reports import missing_view, named, nudged_text
from bot.usecases.nudges import missing, nudge
from bot.usecases.refusals import Refused


async def missing_command(update: Update, context: BotContext) -> None:
    """/missing [KEY]: the silent divisions, their people and reach; coordinators can nudge."""
    work = missing(context.core, context.sender(), round_key(context.args))
    view = await attempt(update, context, work)
    if not isinstance(view, Refused):
        await send(update, missing_view(view, context.lang))


async def nudge_button(update: Update, context: BotContext, cb: Callback) -> None:
    """nd: record today's nudge for a silent division (coordinators only; once a day)."""
    round_id, division_id = cb.args
    query = update.callback_query
    assert query is not None  # the router calls button handlers for button presses only
    try:
        done = await nudge(context.core, context.sender(), round_id, division_id)
    except Refused as refusal:
        await refuse(update, context, named(refusal, context.lang))
        return
    await query.answer(nudged_text(done.division, done.created, context.lang), show_alert=True)


BUTTONS: dict[str, ButtonHandler] = {"nd": nudge_button}
