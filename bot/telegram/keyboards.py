"""Inline keyboards: labels from the catalog, callback data from bot.telegram.callbacks."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.present import review_icon, short, status_icon, status_label
from bot.telegram.callbacks import encode
from bot.texts import localized, t
from bot.usecases.answering import DraftView, ItemView
from bot.usecases.drafts import DraftEvent, allows
from storage.answers import OwedItem
from storage.models import STATUSES
from storage.read_models import RETURNED

# Button text on a phone: keep the measure title short enough to read at a glance.
TITLE_CHARS = 40


def owed_keyboard(items: Sequence[OwedItem], lang: str) -> InlineKeyboardMarkup:
    """One button per measure a division owes; answered ones carry their status icon."""
    rows = []
    for item in items:
        title = localized(lang, item.measure_title_th, item.measure_title_en)
        # An answered measure shows its status icon, one returned for more ↩️; an owed one ✏️.
        icon = status_icon(item.status) if item.status else "✏️"
        if item.returned:
            icon = review_icon(RETURNED)
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


def status_keyboard(item: ItemView, lang: str) -> InlineKeyboardMarkup:
    """The four statuses, "no change" when there is last round's answer, and back to the list."""
    r, m, dv = item.key.round_id, item.key.measure_id, item.key.division_id
    buttons = [
        InlineKeyboardButton(status_label(s, lang), callback_data=encode("st", r, m, dv, i))
        for i, s in enumerate(STATUSES)
    ]
    rows = [buttons[0:2], buttons[2:4]]
    if item.previous is not None:
        rows.append(
            [InlineKeyboardButton(t("kb.no_change", lang), callback_data=encode("nc", r, m, dv))]
        )
    rows.append([InlineKeyboardButton(t("kb.back", lang), callback_data=encode("ow"))])
    return InlineKeyboardMarkup(rows)


def draft_keyboard(draft: DraftView, lang: str) -> InlineKeyboardMarkup:
    """Confirm (once there is something to confirm) and cancel."""
    rows = []
    if allows(draft.step, DraftEvent.CONFIRM):
        rows.append(
            [InlineKeyboardButton(t("kb.confirm", lang), callback_data=encode("ok", draft.id))]
        )
    rows.append([InlineKeyboardButton(t("kb.cancel", lang), callback_data=encode("x", draft.id))])
    return InlineKeyboardMarkup(rows)
