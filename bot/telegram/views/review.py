"""Telegram views of reviewing: /review, an answer's card, the comment asked, what was done,
and the notice a returned answer sends its division. Pure, escaped, ids only in buttons."""

from __future__ import annotations

import html
from datetime import tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.present import (
    division_name,
    measure_title,
    round_label,
    round_title,
    short,
    status_label,
    when,
)
from bot.telegram.callbacks import encode
from bot.telegram.replies import View
from bot.telegram.views.answer import ANSWER_CHARS
from bot.telegram.views.evidence import has_files
from bot.telegram.views.length import cut
from bot.telegram.views.reports import answer_block, fit
from bot.telegram.views.review_lines import COMMENT_CHARS
from bot.texts import t
from bot.usecases.reviews import (
    CommentAsked,
    Decided,
    QueueView,
    ReturnNotice,
    ReviewCard,
)
from storage.read_models import ACCEPTED, RETURNED, ReviewEvent

BUTTON_CHARS = 30


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _button(label: str, verb: str, *args: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(short(label, BUTTON_CHARS), callback_data=encode(verb, *args))


def queue_view(queue: QueueView, lang: str, tz: tzinfo) -> View:
    """/review: the waiting answers, oldest first, one button each to open it."""
    if not queue.items:
        return t("review.queue_empty", lang), None
    lines = []
    for n, w in enumerate(queue.items, start=1):
        lines.append(
            t(
                "review.queue_line",
                lang,
                n=n,
                round=_esc(round_label(w.round, lang)),
                seq=w.measure.seq,
                division=_esc(division_name(w.division, lang)),
                name=_esc(w.person_name),
                when=when(w.answered_at, tz, lang),
            )
        )
    blocks = [t("review.queue_title", lang, total=queue.total), "\n".join(lines)]
    if queue.total > len(queue.items):
        blocks.append(t("review.queue_more", lang, n=queue.total - len(queue.items)))
    buttons = [
        _button(
            t("review.btn_open", lang, n=n, seq=w.measure.seq, code=w.division.code),
            "rw",
            w.report_id,
        )
        for n, w in enumerate(queue.items, start=1)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return fit(blocks, lang), InlineKeyboardMarkup(rows)


def card_view(card: ReviewCard, lang: str, tz: tzinfo) -> View:
    """One answer to decide on: the answer as /summary shows it, and the decision buttons."""
    item = card.target.item
    title = t(
        "review.card_title",
        lang,
        seq=item.measure.seq,
        title=_esc(short(measure_title(item.measure, lang))),
        round=_esc(round_label(item.round, lang)),
    )
    until = (
        t("review.card_until", lang, when=when(card.takes_answers_until, tz, lang))
        if card.returnable
        else t("review.card_closed", lang)
    )
    blocks = [title, answer_block(item, division_name(item.division, lang), tz, lang), until]
    return fit(blocks, lang), _card_keyboard(card, lang)


def _card_keyboard(card: ReviewCard, lang: str) -> InlineKeyboardMarkup:
    rid, item = card.target.report_id, card.target.item
    state = item.answer.review_state if item.answer is not None else None
    decide = []
    if state != ACCEPTED:
        decide.append(_button(t("review.btn_accept", lang), "ra", rid))
    if card.returnable and state != RETURNED:
        decide.append(_button(t("review.btn_return", lang), "rr", rid))
    rows = [decide] if decide else []
    if item.answer is not None and has_files(item.answer):
        code = item.division.code
        rows.append([_button(t("summary.btn_evidence_division", lang, code=code), "ev", rid)])
    back = t("review.btn_measure", lang, seq=item.measure.seq)
    rows.append([_button(back, "sm", item.round.id, item.measure.id)])
    rows.append([_button(t("review.btn_queue", lang), "rq")])
    return InlineKeyboardMarkup(rows)


def asked_view(asked: CommentAsked, lang: str) -> View:
    """Ask for the comment of a return, with a button not to return after all."""
    text = t(
        "review.ask_comment",
        lang,
        seq=asked.measure.seq,
        division=_esc(division_name(asked.division, lang)),
        limit=asked.limit,
    )
    return text, InlineKeyboardMarkup([[_button(t("review.btn_cancel", lang), "rx")]])


def decided_view(done: Decided, lang: str) -> View:
    """What was recorded, how many wait still, and a button to the next one (plain text)."""
    values = {"seq": done.measure.seq, "division": division_name(done.division, lang)}
    if done.decision == ACCEPTED:
        lines = [t("review.done_accepted", lang, **values)]
    elif done.notified:
        lines = [t("review.done_returned", lang, count=done.notified, **values)]
    else:
        lines = [t("review.done_nobody", lang, **values)]
    rows = []
    if done.next_report_id is not None:
        lines.append(t("review.left", lang, count=done.waiting))
        rows.append([_button(t("review.btn_next", lang), "rw", done.next_report_id)])
        rows.append([_button(t("review.btn_queue", lang), "rq")])
    else:
        lines.append(t("review.none_left", lang))
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


def _returned_values(review: ReviewEvent, lang: str, tz: tzinfo) -> dict[str, str]:
    return {
        "answered": when(review.answered_at, tz, lang),
        "status": status_label(review.status, lang),
        "text": _esc(cut(review.text, ANSWER_CHARS)) or "–",
        "reviewer": _esc(review.reviewer_name),
        "when": when(review.at, tz, lang),
        "comment": _esc(cut(review.comment, COMMENT_CHARS * 2)),
    }


def notice_view(data: ReturnNotice, lang: str, tz: tzinfo) -> View:
    """The notice a return sends each head and member: the answer, the comment, a button that
    opens the measure (with the returned answer and the comment shown) to answer again."""
    n = data.notice
    text = t(
        "review.notice",
        lang,
        seq=n.measure.seq,
        title=_esc(short(measure_title(n.measure, lang))),
        division=_esc(division_name(n.division, lang)),
        round=_esc(round_title(n.round, lang, tz)),
        until=when(data.until, tz, lang),
        **_returned_values(n.review, lang, tz),
    )
    if n.person_name is not None:
        text = t("rounds.greeting", lang, name=_esc(n.person_name)) + "\n\n" + text
    label = t("review.btn_answer", lang, seq=n.measure.seq)
    button = _button(label, "m", n.round.id, n.measure.id, n.division.id)
    return text, InlineKeyboardMarkup([[button]])
