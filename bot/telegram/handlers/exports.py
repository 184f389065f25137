"""/export and its buttons (ex): the round's XLSX, meeting DOCX and chart PNG, its memo, or
its publication pack (a ZIP, offered to coordinators and admins under the files).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from telegram import Update
from telegram.constants import FileSizeLimit

from bot.present import round_label
from bot.reports.fonts import FontMissingError
from bot.reports.pack_zip import size_text
from bot.reports.pdf import PdfUnavailable
from bot.telegram.callbacks import Callback
from bot.telegram.context import BotContext
from bot.telegram.handlers.summary import round_key
from bot.telegram.replies import attempt, refuse, send
from bot.telegram.report_keyboards import pack_keyboard
from bot.telegram.router import ButtonHandler
from bot.telegram.views.reports import file_caption
from bot.texts import t
from bot.usecases.exports import CHAT_FORMATS, MEMO, export_round
from bot.usecases.pack import PackTooLarge, may_pack, pack_round
from bot.usecases.refusals import Refused
from bot.usecases.summaries import choose_round
from storage.read_models import RoundInfo

log = logging.getLogger("bot.summary")
# bot_data key: the people whose export is being prepared now.
BUSY_KEY = "exports_in_progress"
# The second argument of the export button that asks for the publication pack.
PACK = 2


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
    if context.sender().is_coordinator and tuple(formats) == CHAT_FORMATS:
        offer = t("export.pack_offer", lang, round=round_label(round_, lang))
        await send(update, (offer, pack_keyboard(round_.id, lang)), html=False)


def upload_limit(context: BotContext) -> int:
    """The largest file the bot may send (a self-hosted Bot API server in local mode: more)."""
    local = context.bot.local_mode
    return int(FileSizeLimit.FILESIZE_UPLOAD_LOCAL_MODE if local else FileSizeLimit.FILESIZE_UPLOAD)


async def _send_pack(update: Update, context: BotContext, round_: RoundInfo) -> None:
    """Build the round's pack in a temporary folder and send it, or say it is too large."""
    chat, lang = update.effective_chat, context.lang
    if chat is None:
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    label = round_label(round_, lang)
    await send(update, (t("export.pack_preparing", lang, round=label), None), html=False)
    limit = upload_limit(context)
    with tempfile.TemporaryDirectory(prefix="ita-pack-") as folder:
        target = Path(folder) / f"ita-{round_.key}-pack.zip"
        try:
            pack = await pack_round(context.core, context.sender(), round_, target, max_bytes=limit)
        except PackTooLarge as large:
            await _too_large(update, context, round_, large.size, limit)
            return
        except (FontMissingError, PdfUnavailable):
            log.exception("cannot make the publication pack")
            await send(update, (t("export.failed", lang), None), html=False)
            return
        except Refused as refusal:  # the role went between the press and now
            await send(update, (t(refusal.key, lang, **refusal.values), None), html=False)
            return
        if pack.size > limit:
            await _too_large(update, context, round_, pack.size, limit)
            return
        words = {"round": label, "files": pack.files, "size": size_text(pack.size)}
        with target.open("rb") as data:
            await chat.send_document(
                data, filename=target.name, caption=t("export.caption_pack", lang, **words)
            )


async def _too_large(
    update: Update, context: BotContext, round_: RoundInfo, size: int, limit: int
) -> None:
    """Say politely that the pack cannot go through Telegram, and which command makes it."""
    words = {
        "round": round_label(round_, context.lang),
        "size": size_text(size),
        "limit": size_text(limit),
        "command": f"ita-followup pack --round {round_.key} -o pack.zip",
    }
    await send(update, (t("export.pack_too_big", context.lang, **words), None), html=False)


async def _off_the_update_path(
    update: Update, context: BotContext, work: Callable[[], Awaitable[None]]
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
            await work()
        finally:
            busy.discard(person)

    context.application.create_task(prepare(), update=update, name=f"export-{person}")


async def export_command(update: Update, context: BotContext) -> None:
    """/export [KEY]: the files of the current (or named) round; heads get their own data."""
    work = choose_round(context.core, context.sender(), round_key(context.args))
    round_ = await attempt(update, context, work)
    if not isinstance(round_, Refused):
        await _off_the_update_path(update, context, lambda: _send_files(update, context, round_))


async def export_button(update: Update, context: BotContext, cb: Callback) -> None:
    """ex: the round's files (scoped like /export); ex ROUND 1: the memo; ex ROUND 2: the pack.

    The pack is the whole organisation's: anyone but a coordinator or admin is refused here,
    on every press, whatever the button says (and the use case checks again).
    """
    if cb.args[1] == PACK:
        try:
            may_pack(context.sender())
        except Refused as refusal:
            await refuse(update, context, refusal)
            return
    work = choose_round(context.core, context.sender(), round_id=cb.args[0])
    round_ = await attempt(update, context, work)
    if isinstance(round_, Refused):
        return
    if cb.args[1] == PACK:
        await _off_the_update_path(update, context, lambda: _send_pack(update, context, round_))
        return
    formats = ("memo",) if cb.args[1] == MEMO else CHAT_FORMATS
    await _off_the_update_path(
        update, context, lambda: _send_files(update, context, round_, formats)
    )


BUTTONS: dict[str, ButtonHandler] = {"ex": export_button}
