"""Render a round's notification (prompt, reminder, request, digest, nudge) as HTML + buttons."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup

from bot.telegram.keyboards import owed_keyboard
from bot.texts import localized, meeting_title, t
from scheduler.fiscal import quarter_from_key
from scheduler.outcomes import Outgoing
from scheduler.thaidate import format_date, format_datetime
from storage.answers import OwedItem, owed_items
from storage.models import Division, Meeting, Person, Plan, Round
from storage.rounds import enrolled_counts, unreachable_people

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


def _division_name(division: Division, lang: str) -> str:
    return localized(lang, division.name_th, division.name_en)


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


class Renderer:
    """Builds notification texts from the database, in the recipient's language."""

    def __init__(self, tz: dt.tzinfo) -> None:
        self.tz = tz

    def _when(self, at: dt.datetime, lang: str) -> str:
        return format_datetime(at, self.tz, lang=lang)

    def _month(self, d: dt.date, lang: str) -> str:
        return format_date(d, lang=lang, style="month")

    async def render(self, session: AsyncSession, out: Outgoing) -> Rendered | None:
        """The message for a delivery, or None when its round or division no longer exists."""
        lang = out.language if out.language in ("th", "en") else "th"
        rnd = await session.get(Round, out.round_id) if out.round_id is not None else None
        if rnd is None:
            return None
        plan = await session.get(Plan, rnd.plan_id)
        assert plan is not None
        if out.kind == "digest":
            return await self._digest(session, rnd, plan, lang)
        division = await session.get(Division, out.division_id) if out.division_id else None
        if division is None:
            return None
        items = await owed_items(session, rnd.id, division.id)
        if not items:
            return None
        values = await self._values(session, rnd, plan, lang)
        values |= {
            "division": _esc(_division_name(division, lang)),
            "left": sum(1 for i in items if not i.answered),
        }
        if out.kind in ("prompt", "request"):
            key = "rounds.prompt" if out.kind == "prompt" else "rounds.request"
            values["measures"] = _measure_lines(items, lang, only_owed=False)
        else:
            values["measures"] = _measure_lines(items, lang, only_owed=True)
            if out.kind == "nudge":
                key = "rounds.nudge"
            elif rnd.kind == "quarterly":
                key = "rounds.quarter_reminder"
            else:
                key = "rounds.reminder"
        person = await session.get(Person, out.person_id)
        greeting = t("rounds.greeting", lang, name=_esc(person.name)) + "\n\n" if person else ""
        text = _cut(greeting + t(key, lang, **values), lang)
        return Rendered(text, owed_keyboard(items, lang))

    async def _values(
        self, session: AsyncSession, rnd: Round, plan: Plan, lang: str
    ) -> dict[str, object]:
        meeting_name = localized(lang, plan.meeting_name_th, plan.meeting_name_en)
        month = self._month(rnd.covers_start, lang)
        values: dict[str, object] = {
            # One meeting of the plan's series: "การประชุม…ประจำเดือนมกราคม ๒๕๖๕".
            "title": _esc(meeting_title(meeting_name, month, lang)),
            "when": self._when(rnd.closes_at, lang),
            "month": month,
        }
        if rnd.meeting_id is not None:
            meeting = await session.get(Meeting, rnd.meeting_id)
            if meeting is not None:
                values["when"] = self._when(meeting.starts_at, lang)
        if rnd.kind == "quarterly":
            quarter = quarter_from_key(rnd.key)
            values["quarter"] = quarter.label(lang)
            values["range"] = quarter.range_label(lang)
            values["round"] = values["quarter"]
        else:
            values["round"] = t("rounds.month_round", lang, month=values["month"])
        return values

    async def _digest(self, session: AsyncSession, rnd: Round, plan: Plan, lang: str) -> Rendered:
        items = await owed_items(session, rnd.id)
        by_division: dict[int, list[OwedItem]] = {}
        for item in items:
            by_division.setdefault(item.division_id, []).append(item)
        divisions = {d: await session.get(Division, d) for d in by_division}
        unreachable = await unreachable_people(session, by_division)
        enrolled = await enrolled_counts(session, by_division)
        done = [d for d, its in by_division.items() if all(i.answered for i in its)]
        values = await self._values(session, rnd, plan, lang)
        values |= {"done": len(done), "total": len(by_division)}
        head = "rounds.digest_quarterly" if rnd.kind == "quarterly" else "rounds.digest_monthly"
        lines = [t(head, lang, **values), ""]
        # Missing divisions first: that is what a coordinator acts on.
        codes = {d: div.code if div else "" for d, div in divisions.items()}
        order = sorted(by_division, key=lambda d: (d in done, codes[d]))
        for division_id in order:
            division = divisions[division_id]
            name = _esc(_division_name(division, lang)) if division else str(division_id)
            if division_id in done:
                lines.append(t("rounds.digest_done", lang, division=name))
            else:
                seqs = ", ".join(
                    str(i.measure_seq) for i in by_division[division_id] if not i.answered
                )
                lines.append(t("rounds.digest_missing", lang, division=name, seqs=seqs))
            if division_id in unreachable:
                names = ", ".join(_esc(p.name) for p in unreachable[division_id])
                lines.append(t("rounds.digest_unreachable", lang, names=names))
            if not enrolled.get(division_id):
                lines.append(t("rounds.digest_nobody", lang))
        return Rendered(_cut("\n".join(lines), lang))
