"""/review and its buttons: open an answer (rw), accept it (ra), return it for more (rr), drop
the return waiting for its comment (rx), the waiting answers again (rq); and the comment.

Who may review is decided by bot.usecases.reviews on every update and every press; the
buttons hold report ids only. The comment of a return is the reviewer's next message: the
wait is in the database, so `on_comment` (a group of its own, before answering) asks the use
case whether one waits, takes the message if so and stops it there; otherwise the message
goes on to the answering handlers untouched.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.telegram.callbacks import Callback
from bot.telegram.context import BotContext
from bot.telegram.incoming import incoming_of
from bot.telegram.replies import ack_and_send, attempt, send
from bot.telegram.router import ButtonHandler
from bot.telegram.views.review import asked_view, card_view, decided_view, queue_view
from bot.texts import t
from bot.usecases import reviews
from bot.usecases.refusals import Refused

# The handler group of `on_comment`: after the gate (-50), before the answering handlers (0).
COMMENT_GROUP = -10


async def review_command(update: Update, context: BotContext) -> None:
    """/review: the answers waiting for review, oldest first, one button each."""
    queue = await attempt(update, context, reviews.review_queue(context.core, context.sender()))
    if not isinstance(queue, Refused):
        await send(update, queue_view(queue, context.lang, context.core.rules.tz))


async def queue_button(update: Update, context: BotContext, cb: Callback) -> None:
    """rq: the waiting answers again."""
    queue = await attempt(update, context, reviews.review_queue(context.core, context.sender()))
    if not isinstance(queue, Refused):
        await ack_and_send(update, queue_view(queue, context.lang, context.core.rules.tz))


async def open_button(update: Update, context: BotContext, cb: Callback) -> None:
    """rw: one answer with its evidence and review trail, and the decision buttons."""
    work = reviews.open_answer(context.core, context.sender(), cb.args[0])
    card = await attempt(update, context, work)
    if not isinstance(card, Refused):
        await ack_and_send(update, card_view(card, context.lang, context.core.rules.tz))


async def accept_button(update: Update, context: BotContext, cb: Callback) -> None:
    """ra: record that the answer is accepted."""
    done = await attempt(
        update, context, reviews.accept(context.core, context.sender(), cb.args[0])
    )
    if not isinstance(done, Refused):
        await ack_and_send(update, decided_view(done, context.lang), html=False)


async def return_button(update: Update, context: BotContext, cb: Callback) -> None:
    """rr: start returning the answer; the next message will be the comment."""
    work = reviews.ask_comment(context.core, context.sender(), cb.args[0])
    asked = await attempt(update, context, work)
    if not isinstance(asked, Refused):
        await ack_and_send(update, asked_view(asked, context.lang))


async def cancel_button(update: Update, context: BotContext, cb: Callback) -> None:
    """rx: do not return the answer after all."""
    done = await attempt(update, context, reviews.cancel_comment(context.core, context.sender()))
    if not isinstance(done, Refused):
        await ack_and_send(update, (t("review.cancelled", context.lang), None), html=False)


async def on_comment(update: Update, context: BotContext) -> None:
    """The comment of a return, if one waits for the sender: return the answer with it."""
    message, user = update.effective_message, update.effective_user
    actor = context.actor
    if message is None or user is None or update.edited_message is not None:
        return
    if not reviews.may_review(actor) or actor is None:
        return  # heads and members: an answer's words, for the answering handlers
    if await reviews.pending_comment(context.core, actor) is None:
        return
    if not incoming_of(context).continues_split(user.id, message):
        # A later part of a long text was refused with its first part: said once, not again.
        done = await attempt(
            update, context, reviews.give_comment(context.core, actor, message.text)
        )
        if not isinstance(done, Refused):
            await send(update, decided_view(done, context.lang), html=False)
    raise ApplicationHandlerStop


BUTTONS: dict[str, ButtonHandler] = {
    "rw": open_button,
    "ra": accept_button,
    "rr": return_button,
    "rx": cancel_button,
    "rq": queue_button,
}
