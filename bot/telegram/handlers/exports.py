"""/export and its buttons (ex): the round's XLSX, meeting DOCX and chart PNG, or its memo."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Update

from bot.present import round_label
from bot.reports.fonts import FontMissingError
from bot.telegram.callbacks import Callback
from bot.telegram.context import BotContext
from bot.telegram.handlers.summary import round_key
from bot.telegram.replies import attempt, refuse, send
from bot.telegram.router import ButtonHandler
from bot.telegram.views.reports import file_caption
from bot.texts import t
from bot.usecases.exports import CHAT_FORMATS, MEMO, export_round
from bot.usecases.refusals import Refused
from bot.usecases.summaries import choose_round
from storage.read_models import RoundInfo

log = logging.getLogger("bot.summary")
# bot_data key: the people whose export is being prepared now.
BUSY_KEY = "exports_in_progress"


async def _send_files(
    update: Update, context: BotContext, round_: RoundInfo, formats: Sequence[str] = CHAT_FORMATS
) -> None:
    """Say the files are coming (rendering takes a moment), then send them."""
    chat, lang = update.effective_chat, context.lang
    if chat is None:
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    await send(
        update, (t("export.preparing", lang, round=round_label(round_, lang)), None), html=False
    )
    try:
        export = await export_round(context.core, context.sender(), round_, formats)
    except FontMissingError:
        log.exception("cannot render reports: no Thai font")
        await send(update, (t("export.failed", lang), None), html=False)
        return
    for f in export.files:
        await chat.send_document(f.data, filename=f.name, caption=file_caption(export, f, lang))


async def _off_the_update_path(
    update: Update, context: BotContext, round_: RoundInfo, formats: Sequence[str] = CHAT_FORMATS
) -> None:
    """Prepare the files in a task of their own, one export at a time per person.

    Rendering takes seconds; updates are handled one at a time, so everyone else would wait.
    Which exports are running is kept in memory: a restart forgets them, and nothing is lost.
    """
    busy: set[int] = context.bot_data.setdefault(BUSY_KEY, set())
    person = context.sender().person_id
    if person in busy:
        await refuse(update, context, Refused("export_busy"))
        return
    busy.add(person)

    async def prepare() -> None:
        try:
            await _send_files(update, context, round_, formats)
        finally:
            busy.discard(person)

    context.application.create_task(prepare(), update=update, name=f"export-{person}")


async def export_command(update: Update, context: BotContext) -> None:
    """/export [KEY]: the files of the current (or named) round; heads get their own data."""
    work = choose_round(context.core, context.sender(), round_key(context.args))
    round_ = await attempt(update, context, work)
    if not isinstance(round_, Refused):
        await _off_the_update_path(update, context, round_)


async def export_button(update: Update, context: BotContext, cb: Callback) -> None:
    """ex: the files of the round on the button (scoped like /export); ex ROUND 1: the memo."""
    work = choose_round(context.core, context.sender(), round_id=cb.args[0])
    round_ = await attempt(update, context, work)
    if not isinstance(round_, Refused):
        memo = len(cb.args) > 1 and cb.args[1] == MEMO
        await _off_the_update_path(update, context, round_, ("memo",) if memo else CHAT_FORMATS)


BUTTONS: dict[str, ButtonHandler] = {"ex": export_button}
