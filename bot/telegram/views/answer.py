"""How answering reads on a phone: the measure screen, the draft's steps, confirmations, lists.

Pure functions of the answering use cases' read models; HTML is escaped here, on the way out.
"""

from __future__ import annotations

import html
from datetime import tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.present import division_name, measure_title, round_title, status_label, when
from bot.telegram.callbacks import encode
from bot.telegram.keyboards import draft_keyboard, owed_keyboard, status_keyboard
from bot.telegram.replies import View
from bot.telegram.views.length import cut
from bot.texts import t
from bot.usecases.answering import (
    AnswerSummary,
    Confirmed,
    DraftView,
    ItemView,
    OwedGroup,
    Started,
)
from bot.usecases.drafts import DraftEvent, DraftStep, allows
from storage.read_models import RETURNED

# The draft's text in its preview; an earlier answer's text on the measure screen. In UTF-16
# units, as Telegram counts (emoji are two), cut before escaping (`&lt;` counts as one).
PREVIEW_CHARS = 800
ANSWER_CHARS = 400
# A coordinator's comment on the current answer (at most bot.usecases.reviews.COMMENT_LIMIT).
REVIEW_COMMENT_CHARS = 1000


def _answer_values(answer: AnswerSummary, lang: str, tz: tzinfo) -> dict[str, str]:
    return {
        "when": when(answer.at, tz, lang),
        "status": status_label(answer.status, lang),
        "text": html.escape(cut(answer.text, ANSWER_CHARS)),
    }


def _review_note(item: ItemView, lang: str, tz: tzinfo) -> str:
    """What a coordinator decided on the current answer: returned (with the comment), accepted."""
    review = item.review
    if review is None:
        return ""
    values = {"name": html.escape(review.reviewer_name), "when": when(review.at, tz, lang)}
    if review.decision == RETURNED:
        comment = html.escape(cut(review.comment, REVIEW_COMMENT_CHARS))
        return t("review.screen_returned", lang, comment=comment, **values)
    return t("review.screen_accepted", lang, **values)


def measure_screen(item: ItemView, lang: str, tz: tzinfo) -> View:
    """The measure's actions, last round's and this round's answers, and the status buttons."""
    previous = t("answer.no_previous", lang)
    if item.previous is not None:
        previous = t("answer.previous", lang, **_answer_values(item.previous, lang, tz))
    current = ""
    if item.current is not None:
        who = html.escape(item.current.who)
        current = t("answer.current", lang, who=who, **_answer_values(item.current, lang, tz))
        current += _review_note(item, lang, tz)
    text = t(
        "answer.screen",
        lang,
        seq=item.measure.seq,
        title=html.escape(measure_title(item.measure, lang)),
        round=html.escape(round_title(item.round, lang, tz)),
        division=html.escape(division_name(item.division, lang)),
        actions="\n".join(f"{seq}. {html.escape(action)}" for seq, action in item.actions),
        previous=previous,
        current=current,
        # Said before the status buttons, so it is read before the choice is made.
        late=t("answer.late_notice", lang) + "\n\n" if item.late else "",
    )
    return text, status_keyboard(item, lang)


def _preview(draft: DraftView, lang: str) -> str:
    return t(
        "answer.preview",
        lang,
        seq=draft.measure.seq,
        division=html.escape(division_name(draft.division, lang)),
        status=status_label(draft.status, lang),
        text=html.escape(cut(draft.text, PREVIEW_CHARS)) or "–",
        evidence=draft.evidence_count,
    )


def draft_step(draft: DraftView, lang: str) -> View:
    """What the draft asks for next, with its confirm and cancel buttons."""
    if draft.step == DraftStep.TEXT:
        status = status_label(draft.status, lang)
        text = t("answer.ask_text", lang, status=status, seq=draft.measure.seq)
    elif draft.step == DraftStep.CARRY_CONFIRM:
        text = t("answer.ask_carry", lang, preview=_preview(draft, lang))
    else:
        text = t("answer.ask_evidence", lang, preview=_preview(draft, lang))
    markup = draft_keyboard(draft, lang)
    if (draft.text or draft.evidence_count) and allows(draft.step, DraftEvent.START_OVER):
        # Clearing what was written is its own button, behind a confirmation: never a slip.
        button = InlineKeyboardButton(
            t("kb.start_over", lang), callback_data=encode("ro", draft.id)
        )
        markup = InlineKeyboardMarkup([*markup.inline_keyboard, [button]])
    return text, markup


def start_over_question(draft: DraftView, lang: str) -> View:
    """Ask before clearing the draft's text and evidence: yes clears, no shows it again."""
    yes = InlineKeyboardButton(t("kb.start_over_yes", lang), callback_data=encode("roy", draft.id))
    no = InlineKeyboardButton(t("kb.start_over_no", lang), callback_data=encode("dr", draft.id))
    text = t("answer.start_over_ask", lang, seq=draft.measure.seq)
    return text, InlineKeyboardMarkup([[yes], [no]])


def started(result: Started, lang: str) -> View:
    """The new draft's first step, or the unfinished one to finish first."""
    text, markup = draft_step(result.draft, lang)
    if not result.blocked:
        return text, markup
    notice = t(
        "answer.finish_first",
        lang,
        seq=result.draft.measure.seq,
        division=html.escape(division_name(result.draft.division, lang)),
    )
    return f"{notice}\n\n{text}", markup


def confirmed(result: Confirmed, lang: str) -> View:
    """The stored answer, and in the same message what the division still owes.

    One message keeps the chat short on a phone.
    """
    division = html.escape(division_name(result.division, lang))
    key = "answer.saved_late" if result.late else "answer.saved"
    saved = t(key, lang, seq=result.measure.seq, division=division)
    if result.remaining:
        text = saved + "\n\n" + t("answer.remaining", lang, division=division)
        return text, owed_keyboard(result.remaining, lang)
    return saved + "\n\n" + t("answer.all_done", lang), None


def owed_group(group: OwedGroup, lang: str, tz: tzinfo) -> View:
    """One round and division: how much is answered, and a button per measure."""
    title = html.escape(round_title(group.round, lang, tz))
    if group.late_until is not None:
        # A closed round: what is sent now counts late, and only until the late window ends.
        title += "\n" + t("answer.owed_late_only", lang, until=when(group.late_until, tz, lang))
    header = t(
        "answer.owed_header",
        lang,
        round=title,
        division=html.escape(division_name(group.division, lang)),
        done=sum(1 for i in group.items if i.answered),
        total=len(group.items),
    )
    returned = sum(1 for i in group.items if i.returned)
    if returned:
        header += "\n" + t("answer.owed_returned", lang, count=returned)
    return header, owed_keyboard(group.items, lang)


def expired(seq: int, lang: str) -> View:
    """A dead draft was dropped (plain text)."""
    return t("answer.draft_expired", lang, seq=seq), None


def pending(draft: DraftView, lang: str) -> View:
    """There is an unfinished answer (plain text; its step follows)."""
    division = division_name(draft.division, lang)
    return t("answer.draft_pending", lang, seq=draft.measure.seq, division=division), None


def evidence_added(draft: DraftView, lang: str) -> View:
    """The evidence is in the draft (plain text)."""
    return t("answer.evidence_added", lang, count=draft.evidence_count), None


def plain(key: str, lang: str) -> View:
    """A one-line catalog text without buttons."""
    return t(key, lang), None
