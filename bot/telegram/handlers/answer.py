"""Answering on a phone: measure screen, status, text, evidence, confirm; /report and /cancel.

Every press and message is re-checked on the server: the sender must be enrolled, the item must
exist in a round that still takes answers, and the sender must belong to the item's division.
The half-finished answer lives in the `draft` table, so a restart loses nothing.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.present import round_title, status_label
from bot.telegram.auth import get_actor
from bot.telegram.callbacks import Callback, decode, encode
from bot.telegram.deps import Deps, deps
from bot.telegram.keyboards import owed_keyboard
from bot.texts import localized, t
from scheduler.thaidate import format_datetime
from storage import audit
from storage.answers import owed_items
from storage.drafts import (
    EVIDENCE_LIMIT,
    TEXT_LIMIT,
    AnswerRefused,
    ItemContext,
    accepts_answers,
    answerable_rounds,
    confirm_draft,
    draft_is_live,
    extend_draft,
    get_draft,
    has_content,
    item_context,
    start_draft,
)
from storage.models import STATUSES, Division, Draft, Measure, Report
from storage.people import Actor
from storage.summary import round_info

log = logging.getLogger(__name__)

# Telegram lets a bot download files up to 20 MB; anything larger could never be exported.
MAX_FILE_BYTES = 20 * 1024 * 1024
PREVIEW_CHARS = 800


def _lang(actor: Actor) -> str:
    return actor.language if actor.language in ("th", "en") else "th"


async def _refuse(update: Update, key: str, lang: str, **values: object) -> None:
    """Say no politely: as a callback alert for button presses, else as a reply."""
    text = t(key, lang, **values)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def _audit_refusal(d: Deps, actor: Actor, reason: str, data: str | None) -> None:
    """Record a refused press in the audit log (own transaction: the refusal changes nothing)."""
    async with d.sessions() as session, session.begin():
        await audit.record(
            session,
            audit.ACTION_REFUSED,
            actor_person_id=actor.person_id,
            actor_telegram_id=actor.telegram_user_id,
            # Callback data holds ids only, so it is safe to keep; it shows what was tried.
            detail={"action": "answer", "reason": reason, "data": (data or "")[:64]},
        )


async def _actor(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Actor | None:
    actor = await get_actor(update, context)
    if actor is None:
        lang = deps(context).settings.default_language
        await _refuse(update, "refuse.not_enrolled", lang)
    return actor


def _cut(text: str, limit: int = PREVIEW_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _division_name(session: AsyncSession, division_id: int, lang: str) -> str:
    division = await session.get(Division, division_id)
    if division is None:
        return "?"
    return localized(lang, division.name_th, division.name_en)


def _draft_keyboard(draft: Draft, lang: str) -> InlineKeyboardMarkup:
    rows = []
    if draft.step in ("evidence", "carry_confirm"):
        rows.append(
            [InlineKeyboardButton(t("kb.confirm", lang), callback_data=encode("ok", draft.id))]
        )
    rows.append([InlineKeyboardButton(t("kb.cancel", lang), callback_data=encode("x", draft.id))])
    return InlineKeyboardMarkup(rows)


async def _preview(session: AsyncSession, draft: Draft, lang: str) -> str:
    measure = await session.get(Measure, draft.measure_id)
    return t(
        "answer.preview",
        lang,
        seq=measure.seq if measure else "?",
        division=html.escape(await _division_name(session, draft.division_id, lang)),
        status=status_label(draft.status, lang),
        text=html.escape(_cut(draft.text)) or "–",
        evidence=len(draft.evidence),
    )


async def _draft_step(
    session: AsyncSession, draft: Draft, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    """What to ask next for a draft: the text and its buttons (sent after the commit)."""
    if draft.step == "text":
        measure = await session.get(Measure, draft.measure_id)
        text = t(
            "answer.ask_text",
            lang,
            status=status_label(draft.status, lang),
            seq=measure.seq if measure else "?",
        )
    elif draft.step == "carry_confirm":
        text = t("answer.ask_carry", lang, preview=await _preview(session, draft, lang))
    else:
        text = t("answer.ask_evidence", lang, preview=await _preview(session, draft, lang))
    return text, _draft_keyboard(draft, lang)


async def _reply_html(message: Message, view: tuple[str, InlineKeyboardMarkup | None]) -> None:
    await message.reply_text(view[0], parse_mode=ParseMode.HTML, reply_markup=view[1])


def _report_lines(report: Report, lang: str, tz: Any) -> tuple[str, str, str]:
    return (
        format_datetime(report.created_at, tz, lang=lang),
        status_label(report.status, lang),
        html.escape(_cut(report.text, 400)),
    )


async def _measure_screen(ctx: ItemContext, session: AsyncSession, d: Deps, lang: str) -> str:
    tz = d.settings.tz
    actions = "\n".join(f"{a.seq}. {html.escape(a.text_th)}" for a in ctx.measure.actions)
    previous = t("answer.no_previous", lang)
    if ctx.previous is not None:
        when, status, text = _report_lines(ctx.previous, lang, tz)
        previous = t("answer.previous", lang, when=when, status=status, text=text)
    current = ""
    if ctx.current is not None:
        when, status, text = _report_lines(ctx.current, lang, tz)
        current = t(
            "answer.current",
            lang,
            who=html.escape(ctx.current.person.name),
            when=when,
            status=status,
            text=text,
        )
    title = localized(lang, ctx.measure.title_th, ctx.measure.title_en)
    screen = t(
        "answer.screen",
        lang,
        seq=ctx.measure.seq,
        title=html.escape(title),
        round=html.escape(round_title(round_info(ctx.round), lang, tz)),
        division=html.escape(await _division_name(session, ctx.division_id, lang)),
        actions=actions,
        previous=previous,
        current=current,
        # Said before the status buttons, so it is read before the choice is made.
        late=t("answer.late_notice", lang) + "\n\n" if ctx.round.closes_at <= d.clock() else "",
    )
    return screen


def _status_keyboard(ctx: ItemContext, lang: str) -> InlineKeyboardMarkup:
    r, m, dv = ctx.round.id, ctx.measure.id, ctx.division_id
    buttons = [
        InlineKeyboardButton(status_label(s, lang), callback_data=encode("st", r, m, dv, i))
        for i, s in enumerate(STATUSES)
    ]
    rows = [buttons[0:2], buttons[2:4]]
    if ctx.previous is not None:
        rows.append(
            [InlineKeyboardButton(t("kb.no_change", lang), callback_data=encode("nc", r, m, dv))]
        )
    rows.append([InlineKeyboardButton(t("kb.back", lang), callback_data=encode("ow"))])
    return InlineKeyboardMarkup(rows)


async def _checked_item(
    update: Update, session: AsyncSession, d: Deps, actor: Actor, r: int, m: int, dv: int
) -> ItemContext | None:
    """The item if it exists, takes answers, and the actor may answer for its division."""
    lang = _lang(actor)
    data = update.callback_query.data if update.callback_query else None
    if not actor.may_answer_for(dv):
        log.warning("person %s refused: division %s is not theirs", actor.person_id, dv)
        await _audit_refusal(d, actor, "not_your_division", data)
        await _refuse(update, "refuse.not_your_division", lang)
        return None
    ctx = await item_context(session, r, m, dv)
    if ctx is None:
        await _audit_refusal(d, actor, "no_such_item", data)
        await _refuse(update, "refuse.bad_button", lang)
        return None
    if not accepts_answers(ctx.round, d.clock(), d.settings.late_answer_days):
        await _refuse(update, "refuse.round_closed", lang)
        return None
    return ctx


async def on_answer_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a press of one of the answer flow's buttons, after checking everything again."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    actor = await _actor(update, context)
    if actor is None:
        return
    cb = decode(query.data)
    lang = _lang(actor)
    d = deps(context)
    handler = _BUTTONS.get(cb.verb) if cb is not None else None
    if cb is None or handler is None:
        await _audit_refusal(d, actor, "malformed", query.data)
        await _refuse(update, "refuse.bad_button", lang)
        return
    await handler(update, d, actor, cb)


async def _answer_and_reply(update: Update, view: tuple[str, InlineKeyboardMarkup | None]) -> None:
    """Acknowledge the press, then reply under the pressed message."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    if isinstance(query.message, Message):
        await _reply_html(query.message, view)


async def _open_measure(update: Update, d: Deps, actor: Actor, cb: Callback) -> None:
    """Show a measure's actions, last round's answer, and the status buttons."""
    lang = _lang(actor)
    async with d.sessions() as session:
        ctx = await _checked_item(update, session, d, actor, *cb.args)
        if ctx is None:
            return
        screen = await _measure_screen(ctx, session, d, lang)
    assert update.callback_query is not None
    await update.callback_query.answer()
    message = update.callback_query.message
    assert isinstance(message, Message)
    await message.reply_text(
        screen, parse_mode=ParseMode.HTML, reply_markup=_status_keyboard(ctx, lang)
    )


async def _live_draft(
    session: AsyncSession, d: Deps, actor: Actor
) -> tuple[Draft | None, list[str]]:
    """The person's draft if it can still be confirmed; a dead one is dropped, with a notice.

    A draft dies when its round stops taking answers or the person lost the division's role.
    """
    draft = await get_draft(session, actor.person_id)
    if draft is None:
        return None, []
    if actor.may_answer_for(draft.division_id) and await draft_is_live(
        session, draft, d.clock(), d.settings.late_answer_days
    ):
        return draft, []
    measure = await session.get(Measure, draft.measure_id)
    await session.delete(draft)
    return None, [t("answer.draft_expired", _lang(actor), seq=measure.seq if measure else "?")]


async def _other_draft_blocks(
    session: AsyncSession, d: Deps, actor: Actor, ctx: ItemContext
) -> tuple[str, InlineKeyboardMarkup | None] | None:
    """A view asking to finish or drop another measure's unfinished answer, if there is one.

    Starting a new answer would otherwise silently throw away what the person already wrote.
    """
    draft, _ = await _live_draft(session, d, actor)
    if draft is None or not has_content(draft):
        return None
    if (draft.round_id, draft.measure_id, draft.division_id) == (
        ctx.round.id,
        ctx.measure.id,
        ctx.division_id,
    ):
        return None
    lang = _lang(actor)
    measure = await session.get(Measure, draft.measure_id)
    text, markup = await _draft_step(session, draft, lang)
    notice = t(
        "answer.finish_first",
        lang,
        seq=measure.seq if measure else "?",
        division=html.escape(await _division_name(session, draft.division_id, lang)),
    )
    return f"{notice}\n\n{text}", markup


async def _choose_status(update: Update, d: Deps, actor: Actor, cb: Callback) -> None:
    """Start a draft with the chosen status and ask for the text."""
    r, m, dv, index = cb.args
    lang = _lang(actor)
    if index >= len(STATUSES):
        await _refuse(update, "refuse.bad_button", lang)
        return
    async with d.sessions() as session, session.begin():
        ctx = await _checked_item(update, session, d, actor, r, m, dv)
        if ctx is None:
            return
        view = await _other_draft_blocks(session, d, actor, ctx)
        if view is None:
            draft = await start_draft(
                session, actor.person_id, ctx, status=STATUSES[index], now=d.clock()
            )
            view = await _draft_step(session, draft, lang)
    await _answer_and_reply(update, view)


async def _no_change(update: Update, d: Deps, actor: Actor, cb: Callback) -> None:
    """Offer to copy last round's answer forward, after a confirmation."""
    lang = _lang(actor)
    async with d.sessions() as session, session.begin():
        ctx = await _checked_item(update, session, d, actor, *cb.args)
        if ctx is None:
            return
        if ctx.previous is None:
            await _refuse(update, "refuse.bad_button", lang)
            return
        view = await _other_draft_blocks(session, d, actor, ctx)
        if view is None:
            draft = await start_draft(
                session, actor.person_id, ctx, status=None, now=d.clock(), carry=ctx.previous
            )
            view = await _draft_step(session, draft, lang)
    await _answer_and_reply(update, view)


async def _own_draft(
    update: Update, session: AsyncSession, actor: Actor, draft_id: int
) -> Draft | None:
    """The actor's draft if the button refers to it; old buttons of finished drafts are refused."""
    draft = await get_draft(session, actor.person_id)
    if draft is None or draft.id != draft_id:
        await _refuse(update, "refuse.stale_draft", _lang(actor))
        return None
    if not actor.may_answer_for(draft.division_id):
        # The person lost the role since starting: the draft can never be confirmed.
        await session.delete(draft)
        await _refuse(update, "refuse.not_your_division", _lang(actor))
        return None
    return draft


async def _confirm(update: Update, d: Deps, actor: Actor, cb: Callback) -> None:
    """Store the draft as a confirmed answer and show what is still owed."""
    lang = _lang(actor)
    async with d.sessions() as session, session.begin():
        draft = await _own_draft(update, session, actor, cb.args[0])
        if draft is None:
            return
        if draft.step not in ("evidence", "carry_confirm"):
            await _refuse(update, "refuse.no_text", lang)
            return
        try:
            report = await confirm_draft(session, draft, d.clock(), d.settings.late_answer_days)
        except AnswerRefused as exc:
            if exc.reason == "round_closed":
                # It can never be confirmed now: drop it rather than offer it again forever.
                await session.delete(draft)
            await _refuse(update, f"refuse.{exc.reason}", lang)
            return
        measure = await session.get(Measure, report.measure_id)
        division = html.escape(await _division_name(session, report.division_id, lang))
        remaining = [
            i
            for i in await owed_items(session, report.round_id, report.division_id)
            if not i.answered
        ]
    log.info(
        "report %s saved: round %s measure %s division %s by person %s%s",
        report.id,
        report.round_id,
        report.measure_id,
        report.division_id,
        actor.person_id,
        " (late)" if report.late else "",
    )
    assert update.callback_query is not None
    await update.callback_query.answer()
    message = update.callback_query.message
    assert isinstance(message, Message)
    saved = t(
        "answer.saved_late" if report.late else "answer.saved",
        lang,
        seq=measure.seq if measure else "?",
        division=division,
    )
    # The answer is committed before anything is sent: a failed send loses nothing.
    # One message (confirmation plus what is still owed) keeps the chat short on a phone.
    if remaining:
        text = saved + "\n\n" + t("answer.remaining", lang, division=division)
        await message.reply_text(
            text, parse_mode=ParseMode.HTML, reply_markup=owed_keyboard(remaining, lang)
        )
    else:
        await message.reply_text(
            saved + "\n\n" + t("answer.all_done", lang), parse_mode=ParseMode.HTML
        )


async def _cancel_button(update: Update, d: Deps, actor: Actor, cb: Callback) -> None:
    """Drop the draft the button belongs to."""
    async with d.sessions() as session, session.begin():
        draft = await _own_draft(update, session, actor, cb.args[0])
        if draft is None:
            return
        await session.delete(draft)
    assert update.callback_query is not None
    await update.callback_query.answer(t("answer.cancelled", _lang(actor)))


async def _owed_button(update: Update, d: Deps, actor: Actor, cb: Callback) -> None:
    """Show the lists of measures still owed (the same as /report)."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    message = update.callback_query.message
    assert isinstance(message, Message)
    await _send_owed(message, d, actor)


_BUTTONS = {
    "m": _open_measure,
    "st": _choose_status,
    "nc": _no_change,
    "ok": _confirm,
    "x": _cancel_button,
    "ow": _owed_button,
}
ANSWER_PATTERN = r"^(m|st|nc|ok|x|ow)(:|$)"


async def _send_owed(message: Message, d: Deps, actor: Actor) -> None:
    """One message per round and division with the owed measures as buttons."""
    lang = _lang(actor)
    now = d.clock()
    sent = False
    async with d.sessions() as session:
        draft, notices = await _live_draft(session, d, actor)
        if notices:
            await session.commit()  # the dead draft is gone before we say so
        for notice in notices:
            await message.reply_text(notice)
        if draft is not None:
            measure = await session.get(Measure, draft.measure_id)
            await message.reply_text(
                t(
                    "answer.draft_pending",
                    lang,
                    seq=measure.seq if measure else "?",
                    division=await _division_name(session, draft.division_id, lang),
                )
            )
            await _reply_html(message, await _draft_step(session, draft, lang))
            sent = True
        rounds = await answerable_rounds(
            session, actor.division_ids, now, d.settings.late_answer_days
        )
        for rnd in rounds:
            for division_id in sorted(actor.division_ids):
                items = await owed_items(session, rnd.id, division_id)
                if not items:
                    continue
                header = t(
                    "answer.owed_header",
                    lang,
                    round=html.escape(round_title(round_info(rnd), lang, d.settings.tz)),
                    division=html.escape(await _division_name(session, division_id, lang)),
                    done=sum(1 for i in items if i.answered),
                    total=len(items),
                )
                await message.reply_text(
                    header, parse_mode=ParseMode.HTML, reply_markup=owed_keyboard(items, lang)
                )
                sent = True
    if not sent:
        await message.reply_text(t("answer.nothing_owed", lang))


async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report: reopen an unfinished answer and list every measure still owed."""
    actor = await _actor(update, context)
    if actor is None or update.effective_message is None:
        return
    await _send_owed(update.effective_message, deps(context), actor)


async def cancel_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cancel: drop the unfinished answer."""
    actor = await _actor(update, context)
    if actor is None or update.effective_message is None:
        return
    async with deps(context).sessions() as session, session.begin():
        draft = await get_draft(session, actor.person_id)
        if draft is not None:
            await session.delete(draft)
    key = "answer.cancelled" if draft is not None else "answer.nothing_to_cancel"
    await update.effective_message.reply_text(t(key, _lang(actor)))


def _links(message: Message) -> list[str]:
    """URLs in a message, whether typed or hidden behind text."""
    found = []
    for entity, text in message.parse_entities(["url", "text_link"]).items():
        found.append(entity.url if entity.type == "text_link" and entity.url else text)
    return found


def _file_evidence(message: Message) -> dict[str, Any] | None:
    if message.photo:
        photo = message.photo[-1]  # the largest size Telegram made
        return {
            "kind": "photo",
            "file_id": photo.file_id,
            "file_unique_id": photo.file_unique_id,
            "file_name": None,
            "mime_type": "image/jpeg",
            "file_size": photo.file_size,
            "url": None,
        }
    if message.document:
        doc = message.document
        return {
            "kind": "document",
            "file_id": doc.file_id,
            "file_unique_id": doc.file_unique_id,
            "file_name": doc.file_name,
            "mime_type": doc.mime_type,
            "file_size": doc.file_size,
            "url": None,
        }
    return None


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text, photos, documents and links go into the person's draft; anything else is refused."""
    message = update.effective_message
    if message is None:
        return
    actor = await _actor(update, context)
    if actor is None:
        return
    lang = _lang(actor)
    d = deps(context)
    text = message.text or message.caption or ""
    evidence = _file_evidence(message)
    if evidence is None and not text:
        await message.reply_text(t("refuse.unsupported", lang))
        return
    if evidence is not None and (evidence["file_size"] or 0) > MAX_FILE_BYTES:
        await message.reply_text(t("refuse.file_too_big", lang, limit=MAX_FILE_BYTES // 2**20))
        return
    if len(text) > TEXT_LIMIT:
        await message.reply_text(t("refuse.text_too_long", lang, limit=TEXT_LIMIT))
        return
    view: tuple[str, InlineKeyboardMarkup | None]
    async with d.sessions() as session, session.begin():
        draft, notes = await _live_draft(session, d, actor)
        if draft is None:
            key = "refuse.no_draft_evidence" if evidence else "answer.hint_report"
            view = (t(key, lang), None)
        elif draft.step == "carry_confirm":
            view = await _draft_step(session, draft, lang)
        else:
            links = _links(message) if evidence is None else []
            items = [{"kind": "link", "url": url} for url in links]
            if evidence is not None:
                items.append(evidence)
            # A message that is nothing but a link is evidence, not part of the text.
            words = "" if links and text.strip() in links else text
            try:
                extend_draft(draft, text=words, evidence=items, now=d.clock())
            except AnswerRefused as exc:
                limit = TEXT_LIMIT if exc.reason == "text_too_long" else EVIDENCE_LIMIT
                view = (t(f"refuse.{exc.reason}", lang, limit=limit), None)
            else:
                if items:
                    notes.append(t("answer.evidence_added", lang, count=len(draft.evidence)))
                view = await _draft_step(session, draft, lang)
    # Committed before replying: a failed reply never loses what the person sent.
    for note in notes:
        await message.reply_text(note)
    await _reply_html(message, view)
