"""Answering on a phone: measure screen, status, text, evidence, confirm; /report and /cancel.

Each handler parses the update, calls one use case of bot.usecases.answering (which re-checks
everything on the server) and sends its view; every refusal goes through replies.refuse.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Message, Update

from bot.telegram.callbacks import Callback
from bot.telegram.context import BotContext
from bot.telegram.incoming import Part, incoming_of
from bot.telegram.replies import View, ack_and_send, attempt, refuse, send
from bot.telegram.router import ButtonHandler
from bot.telegram.views import answer as views
from bot.texts import t
from bot.usecases import answering, draft_edits
from bot.usecases.answering import DraftView, ItemKey, NoDraft
from bot.usecases.core import Core
from bot.usecases.drafts import Addition, AnswerRefused, FileEvidence
from bot.usecases.refusals import Refused
from storage.people import Actor

T = TypeVar("T")


async def _call(
    update: Update, context: BotContext, use_case: Callable[[Actor], Awaitable[T]]
) -> T | None:
    """Run a use case for the sender; None once a refusal has been said (replies.attempt)."""

    async def dropped_first(refusal: Refused) -> None:
        # A dead draft was dropped first: say so before saying there is nothing to add to.
        if isinstance(refusal, NoDraft) and refusal.expired_seq is not None:
            await send(update, views.expired(refusal.expired_seq, context.lang), html=False)

    result = await attempt(update, context, use_case(context.sender()), before=dropped_first)
    return None if isinstance(result, Refused) else result


def _key(cb: Callback) -> ItemKey:
    round_id, measure_id, division_id = cb.args[:3]
    return ItemKey(round_id, measure_id, division_id)


async def open_measure(update: Update, context: BotContext, cb: Callback) -> None:
    """`m`: show a measure's actions, last round's answer, and the status buttons."""
    core = context.core
    item = await _call(update, context, lambda a: answering.open_item(core, a, _key(cb)))
    if item is not None:
        await ack_and_send(update, views.measure_screen(item, context.lang, core.rules.tz))


async def choose_status(update: Update, context: BotContext, cb: Callback) -> None:
    """`st`: start a draft with the chosen status and ask for the text."""
    core, index = context.core, cb.args[3]
    result = await _call(
        update, context, lambda a: answering.choose_status(core, a, _key(cb), index)
    )
    if result is not None:
        await ack_and_send(update, views.started(result, context.lang))


async def no_change(update: Update, context: BotContext, cb: Callback) -> None:
    """`nc`: offer to copy last round's answer forward, after a confirmation."""
    core = context.core
    result = await _call(update, context, lambda a: answering.carry_forward(core, a, _key(cb)))
    if result is not None:
        await ack_and_send(update, views.started(result, context.lang))


async def confirm(update: Update, context: BotContext, cb: Callback) -> None:
    """`ok`: store the draft as the answer and show what is still owed."""
    core = context.core
    result = await _call(update, context, lambda a: answering.confirm(core, a, cb.args[0]))
    # The answer is committed before anything is sent: a failed send loses nothing.
    if result is not None:
        await ack_and_send(update, views.confirmed(result, context.lang))


async def cancel_button(update: Update, context: BotContext, cb: Callback) -> None:
    """`x`: drop the draft the button belongs to."""
    core = context.core
    dropped = await _call(update, context, lambda a: answering.cancel(core, a, cb.args[0]))
    if dropped and update.callback_query is not None:
        await update.callback_query.answer(t("answer.cancelled", context.lang))


def _on_draft(
    use_case: Callable[[Core, Actor, int], Awaitable[DraftView]],
    view: Callable[[DraftView, str], View],
) -> ButtonHandler:
    """A button naming a draft: run `use_case` on it, then send `view` of the result."""

    async def handle(update: Update, context: BotContext, cb: Callback) -> None:
        core = context.core
        draft = await _call(update, context, lambda a: use_case(core, a, cb.args[0]))
        if draft is not None:
            await ack_and_send(update, view(draft, context.lang))

    return handle


# `ro` asks before clearing the draft's text and evidence; `roy` clears them (the status
# stays) and asks for the text again; `dr` shows the draft as it stands ("no, keep it").
start_over_ask = _on_draft(draft_edits.show_draft, views.start_over_question)
start_over_yes = _on_draft(draft_edits.restart_draft, views.draft_step)
show_draft = _on_draft(draft_edits.show_draft, views.draft_step)


async def owed_button(update: Update, context: BotContext, cb: Callback) -> None:
    """`ow`: the lists of measures still owed (the same as /report)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    await _send_owed(update, context)


BUTTONS: dict[str, ButtonHandler] = {
    "m": open_measure,
    "st": choose_status,
    "nc": no_change,
    "ok": confirm,
    "x": cancel_button,
    "ro": start_over_ask,
    "roy": start_over_yes,
    "dr": show_draft,
    "ow": owed_button,
}


async def _send_owed(update: Update, context: BotContext) -> None:
    """A dropped draft, the unfinished one, then one message per round and division owed."""
    core, lang = context.core, context.lang
    overview = await _call(update, context, lambda a: answering.owed_overview(core, a))
    if overview is None:
        return
    if overview.expired_seq is not None:
        await send(update, views.expired(overview.expired_seq, lang), html=False)
    if overview.pending is not None:
        await send(update, views.pending(overview.pending, lang), html=False)
        await send(update, views.draft_step(overview.pending, lang))
    for group in overview.groups:
        await send(update, views.owed_group(group, lang, core.rules.tz))
    if overview.pending is None and not overview.groups:
        await send(update, views.plain("answer.nothing_owed", lang), html=False)


async def report_command(update: Update, context: BotContext) -> None:
    """/report: reopen an unfinished answer and list every measure still owed."""
    await _send_owed(update, context)


async def cancel_command(update: Update, context: BotContext) -> None:
    """/cancel: drop the unfinished answer."""
    core = context.core
    dropped = await _call(update, context, lambda a: answering.cancel(core, a))
    if dropped is not None:
        key = "answer.cancelled" if dropped else "answer.nothing_to_cancel"
        await send(update, views.plain(key, context.lang), html=False)


def _links(message: Message) -> tuple[str, ...]:
    """URLs in a message, whether typed or hidden behind text."""
    entities = message.parse_entities(["url", "text_link"]).items()
    return tuple(e.url if e.type == "text_link" and e.url else text for e, text in entities)


def _file(message: Message) -> FileEvidence | None:
    """The photo (its largest size), document, video or voice note a message carries."""
    if message.photo:
        photo = message.photo[-1]  # the largest size Telegram made
        return FileEvidence(
            "photo", photo.file_id, photo.file_unique_id, None, "image/jpeg", photo.file_size
        )
    media = message.document or message.video
    if media is not None:
        kind = "document" if message.document else "video"
        return FileEvidence(
            kind,
            media.file_id,
            media.file_unique_id,
            media.file_name,
            media.mime_type,
            media.file_size,
        )
    if message.voice:
        v = message.voice
        return FileEvidence("voice", v.file_id, v.file_unique_id, None, v.mime_type, v.file_size)
    if message.video_note:
        n = message.video_note
        return FileEvidence("video_note", n.file_id, n.file_unique_id, None, None, n.file_size)
    return None


def parse_message(message: Message) -> Addition:
    """What a message brings to a draft: words, links, and a file."""
    # A message has text or (with media) a caption; entities belong to the text.
    links = _links(message) if message.text else ()
    return Addition(text=message.text or message.caption or "", links=links, file=_file(message))


async def on_message(update: Update, context: BotContext) -> None:
    """Text, photos, documents and links go into the person's draft; anything else is refused."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    if update.edited_message is not None:
        await _on_edit(update, context, message, user.id)
        return
    pieces = incoming_of(context)
    if pieces.continues_split(user.id, message):
        return  # a later part of a long text: refused whole with its first part
    core, lang, addition = context.core, context.lang, parse_message(message)
    added = await _call(update, context, lambda a: answering.add_to_draft(core, a, addition))
    if added is not None and addition.text and not added.ignored:
        pieces.remember_part(user.id, message.message_id, Part(added.draft.id, addition.text))
    # Committed before replying: a failed reply never loses what the person sent.
    if added is None or not pieces.first_of_album(user.id, message.media_group_id):
        return  # an album is acknowledged once, at its first item
    if added.ignored:  # never silent: say why the message did not go into the answer
        await send(update, views.plain("answer.carry_ignores", lang), html=False)
    if added.evidence_added:
        await send(update, views.evidence_added(added.draft, lang), html=False)
    await send(update, views.draft_step(added.draft, lang))


async def _on_edit(update: Update, context: BotContext, message: Message, sender: int) -> None:
    """An edited message: replace its words in the open draft, or say why that cannot be."""
    pieces, core = incoming_of(context), context.core
    part, new = pieces.part(sender, message.message_id), message.text or message.caption or ""
    if part is None:
        await refuse(update, context, AnswerRefused("edit_unknown"))
        return
    done = await _call(
        update, context, lambda a: draft_edits.apply_edit(core, a, part.draft_id, part.text, new)
    )
    if done is not None:
        pieces.remember_part(sender, message.message_id, Part(done.id, new))
        await send(update, views.plain("answer.edit_applied", context.lang), html=False)
        await send(update, views.draft_step(done, context.lang))
