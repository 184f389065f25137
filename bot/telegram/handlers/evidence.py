"""ev: an answer's evidence files, uploaded again from the archive to the person who asks.

Who may have them is decided by the use case (bot.usecases.evidence.answer_files) on every
press, from the database's view of the presser; the button holds only the report id. The
files are uploaded as bytes read from EVIDENCE_DIR, never by the file_id Telegram gave
when they were received: those ids belong to one bot token, the archive does not.

Uploading takes a while (up to ten files of up to 20 MB each) and updates are handled one at
a time, so the press is answered at once and the files go out in a task of their own, one
request at a time per person, as /export does.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import tzinfo
from typing import Any

from telegram import Chat, InputFile, Update
from telegram.error import BadRequest
from telegram.ext import Application

from bot.telegram.callbacks import Callback
from bot.telegram.context import BotContext
from bot.telegram.replies import attempt, refuse
from bot.telegram.router import ButtonHandler
from bot.telegram.views.evidence import caption, is_file, notes, upload_name
from bot.texts import t
from bot.usecases.evidence import AnswerFiles, Attachment, answer_files
from bot.usecases.refusals import Refused
from storage.evidence import PENDING, EvidenceFile

log = logging.getLogger("bot.evidence")

# bot_data key: the EvidenceSenders of this application.
SENDERS_KEY = "evidence-senders"
PHOTO = "photo"


class EvidenceSenders:
    """Evidence being sent, off the update path: one request per person at a time."""

    def __init__(self) -> None:
        self.busy: set[int] = set()
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        person: int,
        work: Callable[[], Awaitable[None]],
        update: Update,
    ) -> bool:
        """Run `work` in a task for `person`; False (nothing started) if one is running."""
        if person in self.busy:
            return False
        self.busy.add(person)

        async def run() -> None:
            try:
                await work()
            finally:
                self.busy.discard(person)

        # Through the application, so that a failure reaches the error handler (an apology).
        task = application.create_task(run(), update=update, name=f"evidence-{person}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def drain(self) -> None:
        """Wait until everything started has been sent (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def senders(context: BotContext) -> EvidenceSenders:
    """The application's EvidenceSenders (made on first use)."""
    found = context.bot_data.setdefault(SENDERS_KEY, EvidenceSenders())
    assert isinstance(found, EvidenceSenders)
    return found


async def _upload(chat: Chat, f: EvidenceFile, data: bytes, text: str) -> bool:
    """Upload one file's bytes; a photo Telegram will not take as a photo goes as a file."""
    name = upload_name(f)
    if f.kind == PHOTO:
        try:
            await chat.send_photo(InputFile(data, filename=name), caption=text)
            return True
        except BadRequest as exc:  # too large or odd dimensions for a photo
            log.warning("evidence %s not taken as a photo (%s)", f.evidence_id, exc.message)
    try:
        await chat.send_document(InputFile(data, filename=name), caption=text)
    except BadRequest as exc:
        log.warning("evidence %s not sent (%s)", f.evidence_id, exc.message)
        return False
    return True


async def deliver(chat: Chat, files: AnswerFiles, lang: str, tz: tzinfo) -> None:
    """Upload the answer's archived files, then one message: links, waiting and lost files."""
    waiting: list[Attachment] = []
    missing: list[Attachment] = []
    failed: list[EvidenceFile] = []
    for a in files.attachments:
        if not is_file(a.file):
            continue  # a link: listed in the message after the files
        if a.path is None:
            (waiting if a.file.state == PENDING else missing).append(a)
            continue
        try:
            data = await asyncio.to_thread(a.path.read_bytes)  # off the event loop
        except OSError as exc:
            log.error("archived evidence %s unreadable (%s)", a.file.evidence_id, exc)
            missing.append(a)
            continue
        text = caption(files, lang, tz, a.file.received_at)
        if not await _upload(chat, a.file, data, text):
            failed.append(a.file)
    message = notes(files, lang, tz, waiting=waiting, missing=missing, failed=failed)
    if message is not None:
        await chat.send_message(message)


async def send_evidence(update: Update, context: BotContext, cb: Callback) -> None:
    """ev REPORT: the answer's files to the presser, if they may see that division's answers."""
    work = answer_files(context.core, context.sender(), report_id=cb.args[0])
    files = await attempt(update, context, work)
    chat, query = update.effective_chat, update.callback_query
    if isinstance(files, Refused) or chat is None or query is None:
        return
    person, lang, tz = context.sender().person_id, context.lang, context.core.rules.tz
    running = senders(context)
    if person in running.busy:
        await refuse(update, context, Refused("evidence_busy"))
        return
    await query.answer(t("evidence.sending", lang))
    log.info("evidence of report %s sent to person %s", cb.args[0], person)
    running.start(context.application, person, lambda: deliver(chat, files, lang, tz), update)


BUTTONS: dict[str, ButtonHandler] = {"ev": send_evidence}
