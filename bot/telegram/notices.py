"""Render a round's notification (prompt, reminder, request, digest, nudge, meeting moved)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot.present import division_name
from bot.telegram.keyboards import owed_keyboard
from bot.texts import localized, meeting_title, t
from scheduler.fiscal import quarter_from_key
from scheduler.thaidate import format_date, format_datetime
from storage.answers import OwedItem
from storage.meeting_moves import MOVED
from storage.rounds import DigestDivision, NoticeData

# Telegram's limit is 4096 characters; leave room for the cut notice.
MAX_TEXT = 3900
REMINDERS = ("reminder", "reminder1", "reminder2")


@dataclass(frozen=True)
class Rendered:
    """A message ready to send."""

    text: str
    markup: InlineKeyboardMarkup | None = None


def _esc(value: object) -> str:
    return html.escape(str(value), quote=False)


def _measure_lines(items: Sequence[OwedItem], lang: str, *, only_owed: bool) -> str:
    lines = []
    for item in items:
        if only_owed and item.answered:
            continue
        title = localized(lang, item.measure_title_th, item.measure_title_en)
        key = "rounds.measure_line_done" if item.answered else "rounds.measure_line"
        lines.append(t(key, lang, seq=item.measure_seq, title=_esc(title)))
    return "\n".join(lines)


def _cut(text: str, lang: str) -> str:
    if len(text) <= MAX_TEXT:
        return text
    # Cut at a line break so no HTML tag is split (tags never span lines here).
    head = text[:MAX_TEXT].rsplit("\n", 1)[0]
    return head + "\n" + t("rounds.digest_cut", lang)


def _digest_order(line: DigestDivision) -> tuple[bool, int, str]:
    division = line.division
    return (line.done, division.position if division else 0, division.code if division else "")


class Renderer:
    """Builds notification texts from what the rounds use case read, in the recipient's language."""

    def __init__(self, tz: dt.tzinfo) -> None:
        self.tz = tz

    def _when(self, at: dt.datetime, lang: str) -> str:
        return format_datetime(at, self.tz, lang=lang)

    def _month(self, d: dt.date, lang: str) -> str:
        return format_date(d, lang=lang, style="month")

    def render(self, notice: NoticeData, language: str) -> Rendered:
        """The message for a delivery, in `language` (Thai unless it is one we speak)."""
        lang = language if language in ("th", "en") else "th"
        if notice.kind == "digest":
            return self._digest(notice, lang)
        assert notice.division is not None
        items = notice.items
        values = self._values(notice, lang)
        values |= {
            "division": _esc(division_name(notice.division, lang)),
            "left": sum(1 for i in items if not i.answered),
        }
        if notice.kind in ("prompt", "request"):
            key = "rounds.prompt" if notice.kind == "prompt" else "rounds.request"
            values["measures"] = _measure_lines(items, lang, only_owed=False)
        elif notice.kind == MOVED:
            # Told of the new date either way; what is still owed only when something is.
            key = "rounds.moved_owed" if values["left"] else "rounds.moved_done"
            values["measures"] = _measure_lines(items, lang, only_owed=True)
        else:
            values["measures"] = _measure_lines(items, lang, only_owed=True)
            if notice.kind == "nudge":
                key = "rounds.nudge"
            elif notice.round.kind == "quarterly":
                key = "rounds.quarter_reminder"
            else:
                key = "rounds.reminder"
        greeting = ""
        if notice.person_name is not None:
            greeting = t("rounds.greeting", lang, name=_esc(notice.person_name)) + "\n\n"
        text = _cut(greeting + t(key, lang, **values), lang)
        return Rendered(text, owed_keyboard(items, lang))

    def _values(self, notice: NoticeData, lang: str) -> dict[str, object]:
        rnd = notice.round
        meeting_name = localized(lang, notice.meeting_name_th, notice.meeting_name_en)
        month = self._month(rnd.covers_start, lang)
        values: dict[str, object] = {
            # One meeting of the plan's series: "การประชุม…ประจำเดือนมกราคม ๒๕๖๕".
            "title": _esc(meeting_title(meeting_name, month, lang)),
            # The meeting's time when the round has one, else the round's close.
            "when": self._when(rnd.meeting_at or rnd.closes_at, lang),
            "month": month,
        }
        if rnd.kind == "quarterly":
            quarter = quarter_from_key(rnd.key)
            values["quarter"] = quarter.label(lang)
            values["range"] = quarter.range_label(lang)
            values["round"] = values["quarter"]
        else:
            values["round"] = t("rounds.month_round", lang, month=values["month"])
        return values

    def _digest_lines(self, line: DigestDivision, lang: str) -> list[str]:
        division = line.division
        name = _esc(division_name(division, lang)) if division else str(line.division_id)
        if line.done:
            lines = [t("rounds.digest_done", lang, division=name)]
        else:
            seqs = ", ".join(str(seq) for seq in line.missing_seqs)
            lines = [t("rounds.digest_missing", lang, division=name, seqs=seqs)]
        if line.unreachable:
            names = ", ".join(_esc(n) for n in line.unreachable)
            lines.append(t("rounds.digest_unreachable", lang, names=names))
        if not line.enrolled:
            lines.append(t("rounds.digest_nobody", lang))
        return lines

    def _digest(self, notice: NoticeData, lang: str) -> Rendered:
        values = self._values(notice, lang)
        done = sum(1 for line in notice.digest if line.done)
        values |= {"done": done, "total": len(notice.digest)}
        quarterly = notice.round.kind == "quarterly"
        head = "rounds.digest_quarterly" if quarterly else "rounds.digest_monthly"
        lines = [t(head, lang, **values), ""]
        # Missing divisions first (what a coordinator acts on), each group in plan-file order.
        order = sorted(notice.digest, key=_digest_order)
        for line in order:
            lines.extend(self._digest_lines(line, lang))
        return Rendered(_cut("\n".join(lines), lang))
