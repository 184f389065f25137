"""Inline keyboards of /summary, /missing and /history (ids only in callback data)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.present import division_name, short
from bot.telegram.callbacks import encode
from bot.texts import t
from storage.read_models import DivisionRef, MeasureRef, RoundInfo

BUTTON_CHARS = 30


def _rows(buttons: list[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def summary_keyboard(
    round_: RoundInfo,
    measures: Sequence[MeasureRef],
    divisions: Sequence[DivisionRef],
    lang: str,
) -> InlineKeyboardMarkup:
    """Open one measure (sm) or one division (sd) of the round; export it or its memo (ex)."""
    by_measure = [
        InlineKeyboardButton(
            t("summary.btn_measure", lang, seq=m.seq), callback_data=encode("sm", round_.id, m.id)
        )
        for m in measures
    ]
    by_division = [
        InlineKeyboardButton(
            short(division_name(d, lang), BUTTON_CHARS),
            callback_data=encode("sd", round_.id, d.id),
        )
        for d in divisions
    ]
    export = [
        InlineKeyboardButton(t("export.btn", lang), callback_data=encode("ex", round_.id, 0)),
        InlineKeyboardButton(t("export.btn_memo", lang), callback_data=encode("ex", round_.id, 1)),
    ]
    return InlineKeyboardMarkup([*_rows(by_measure, 4), *_rows(by_division, 2), export])


def pack_keyboard(round_id: int, lang: str) -> InlineKeyboardMarkup:
    """One button under the exported files: the round's publication pack (ex ROUND 2)."""
    button = InlineKeyboardButton(
        t("export.btn_pack", lang), callback_data=encode("ex", round_id, 2)
    )
    return InlineKeyboardMarkup([[button]])


def nudge_keyboard(
    round_: RoundInfo, divisions: Sequence[DivisionRef], lang: str
) -> InlineKeyboardMarkup | None:
    """One nudge button (nd) per division the reader may nudge now; None when there is none."""
    buttons = [
        InlineKeyboardButton(
            t("missing.btn_nudge", lang, name=short(division_name(d, lang), BUTTON_CHARS)),
            callback_data=encode("nd", round_.id, d.id),
        )
        for d in divisions
    ]
    return InlineKeyboardMarkup(_rows(buttons, 1)) if buttons else None


def history_keyboard(
    measures: Sequence[MeasureRef], divisions: Sequence[DivisionRef], lang: str
) -> InlineKeyboardMarkup:
    """Choose a measure (hm) or a division (hd) to see its history."""
    by_measure = [
        InlineKeyboardButton(
            t("history.btn_measure", lang, seq=m.seq), callback_data=encode("hm", m.id)
        )
        for m in measures
    ]
    by_division = [
        InlineKeyboardButton(
            short(division_name(d, lang), BUTTON_CHARS), callback_data=encode("hd", d.id)
        )
        for d in divisions
    ]
    return InlineKeyboardMarkup([*_rows(by_measure, 4), *_rows(by_division, 2)])


def back_to_summary(round_id: int, lang: str) -> InlineKeyboardMarkup:
    """One button back to the round's summary, under a detail screen."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t("summary.back", lang), callback_data=encode("sr", round_id))]]
    )


# Evidence buttons per row under a detail screen: short labels, so a phone shows three.
EVIDENCE_PER_ROW = 3


def detail_keyboard(
    round_id: int,
    evidence: Sequence[tuple[str, int]],
    lang: str,
    review: Sequence[tuple[str, int]] = (),
) -> InlineKeyboardMarkup:
    """A detail screen's buttons: one per answer with files (ev: its report id), one per
    answer to review (rw: its report id; reviewers only), then back."""
    files = [
        InlineKeyboardButton(short(label, BUTTON_CHARS), callback_data=encode("ev", report_id))
        for label, report_id in evidence
    ]
    to_review = [
        InlineKeyboardButton(short(label, BUTTON_CHARS), callback_data=encode("rw", report_id))
        for label, report_id in review
    ]
    back = back_to_summary(round_id, lang).inline_keyboard
    rows = [*_rows(files, EVIDENCE_PER_ROW), *_rows(to_review, EVIDENCE_PER_ROW)]
    return InlineKeyboardMarkup([*rows, *back])
