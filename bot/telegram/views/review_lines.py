"""How an answer's review reads in chat: its state (by whom, when, the comment) and its trail."""

from __future__ import annotations

import html
from datetime import tzinfo

from bot.present import review_icon, review_name, review_words, short, when
from bot.texts import t
from storage.read_models import AWAITING, Answer, ReviewEvent

# A comment in a summary or card (the whole one is in the exports and the audit log).
COMMENT_CHARS = 500


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def comment_line(review: ReviewEvent, lang: str, indent: str = "") -> list[str]:
    """The review's comment as one escaped line (none when it has none)."""
    if not review.comment:
        return []
    return [indent + t("review.comment", lang, comment=_esc(short(review.comment, COMMENT_CHARS)))]


def review_lines(answer: Answer, tz: tzinfo, lang: str) -> list[str]:
    """The answer's review state, its comment, then the item's earlier reviews (HTML)."""
    if answer.review is None:
        lines = [f"{review_icon(AWAITING)} {review_name(AWAITING, lang)}"]
    else:
        lines = [_esc(review_words(answer.review, tz, lang)), *comment_line(answer.review, lang)]
    if answer.trail:
        lines.append(t("review.trail_title", lang))
    for event in answer.trail:
        lines.append(
            t(
                "review.trail_line",
                lang,
                state=review_name(event.decision, lang),
                name=_esc(event.reviewer_name),
                when=when(event.at, tz, lang),
                answered=when(event.answered_at, tz, lang),
            )
        )
        lines.extend(comment_line(event, lang, indent="  "))
    return lines
