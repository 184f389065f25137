"""/summary and its buttons: a round at a glance (sm: one measure, sd: one division, sr: back).

The measure and division screens carry a button per answer with files (ev, handled in
bot.telegram.handlers.evidence) that sends those files from the archive, and for reviewers a
button per answer to review it (rw, handled in bot.telegram.handlers.review).

Who sees what is decided by the use cases (bot.usecases.summaries) on every update and every
button press, from the database's view of the sender; button data is only ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from telegram import Update

from bot.telegram.callbacks import Callback
from bot.telegram.context import BotContext
from bot.telegram.replies import ack_and_send, attempt, send
from bot.telegram.router import ButtonHandler
from bot.telegram.views.reports import division_view, measure_view, summary_view
from bot.usecases.refusals import Refused
from bot.usecases.reviews import may_review
from bot.usecases.summaries import division_detail, measure_detail, summary

T = TypeVar("T")
# A round key is a few characters ("2565-01"); a longer argument is cut before it is echoed.
KEY_CHARS = 16


def round_key(args: Sequence[str] | None) -> str | None:
    """The round key a command names (`/summary 2565-01`), or None for the current round."""
    return args[0][:KEY_CHARS] if args else None


async def summary_command(update: Update, context: BotContext) -> None:
    """/summary [KEY]: the current (or named) round at a glance, with buttons to drill down."""
    view = await attempt(
        update, context, summary(context.core, context.sender(), round_key(context.args))
    )
    if not isinstance(view, Refused):
        await send(update, summary_view(view, context.lang, context.core.rules.tz))


async def summary_again(update: Update, context: BotContext, cb: Callback) -> None:
    """sr: back to a round's summary from one of its detail screens."""
    work = summary(context.core, context.sender(), round_id=cb.args[0])
    view = await attempt(update, context, work)
    if not isinstance(view, Refused):
        await ack_and_send(update, summary_view(view, context.lang, context.core.rules.tz))


async def open_measure(update: Update, context: BotContext, cb: Callback) -> None:
    """sm: each visible division's latest answer to one measure of a round."""
    round_id, measure_id = cb.args
    work = measure_detail(context.core, context.sender(), round_id, measure_id)
    detail = await attempt(update, context, work)
    if not isinstance(detail, Refused):
        reviewer = may_review(context.sender())
        view = measure_view(detail, context.lang, context.core.rules.tz, reviewer=reviewer)
        await ack_and_send(update, view)


async def open_division(update: Update, context: BotContext, cb: Callback) -> None:
    """sd: one division's latest answers in a round, if the presser may see that division."""
    round_id, division_id = cb.args
    work = division_detail(context.core, context.sender(), round_id, division_id)
    detail = await attempt(update, context, work)
    if not isinstance(detail, Refused):
        reviewer = may_review(context.sender())
        view = division_view(detail, context.lang, context.core.rules.tz, reviewer=reviewer)
        await ack_and_send(update, view)


BUTTONS: dict[str, ButtonHandler] = {
    "sm": open_measure,
    "sd": open_division,
    "sr": summary_again,
}
