"""Inline keyboards: labels from the catalog, callback data from bot.telegram.callbacks."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.present import short, status_icon
from bot.telegram.callbacks import encode
from bot.texts import localized, t
from storage.answers import OwedItem

# Button text on a phone: keep the measure title short enough to read at a glance.
TITLE_CHARS = 40


def owed_keyboard(items: Sequence[OwedItem], lang: str) -> InlineKeyboardMarkup:
    """One button per measure a division owes; answered ones carry their status icon."""
    rows = []
    for item in items:
        title = localized(lang, item.measure_title_th, item.measure_title_en)
        # An answered measure shows its status icon; an owed one a pencil.
        icon = status_icon(item.status) if item.status else "✏️"
        label = t(
            "kb.measure",
            lang,
            icon=icon,
            seq=item.measure_seq,
            title=short(title, TITLE_CHARS),
        )
        rows.append(
            [
                InlineKeyboardButton(
                    label,
                    callback_data=encode("m", item.round_id, item.measure_id, item.division_id),
                )
            ]
        )
    return InlineKeyboardMarkup(rows)
