"""/meetings: the monthly meeting dates with flags, for coordinators and admins (read-only)."""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from telegram import Update
from telegram.constants import ParseMode

from bot.telegram.context import BotContext
from bot.telegram.replies import refuse
from bot.texts import t
from bot.usecases import rounds
from bot.usecases.refusals import Refused
from bot.usecases.rounds import MeetingRow, Meetings
from scheduler.thaidate import format_date, format_datetime


def _line(row: MeetingRow, lang: str, tz: tzinfo) -> str:
    flags = t("rounds.meetings_manual", lang) if row.manual else ""
    if row.weekend:
        flags += t("rounds.meetings_weekend", lang)
    holiday = row.holiday(lang)
    if holiday:
        flags += t("rounds.meetings_holiday", lang, holiday=escape(holiday, quote=False))
    return t(
        "rounds.meetings_line",
        lang,
        month=format_date(row.month, lang=lang, style="month"),
        when=format_datetime(row.starts_at, tz, lang=lang),
        flags=flags,
    )


def meetings_view(listed: Meetings, lang: str, tz: tzinfo) -> str:
    """The meeting dates as HTML: the series' name, then one line a month with its warnings."""
    # The plan file's text goes into HTML: escape it like every other database text.
    title = t("rounds.meetings_title", lang, meeting=escape(listed.name(lang), quote=False))
    return "\n".join([title, "", *(_line(row, lang, tz) for row in listed.rows)])


async def meetings_command(update: Update, context: BotContext) -> None:
    """List the meetings of the current plan with B.E. dates; weekends and holidays flagged."""
    message = update.effective_message
    if message is None:
        return
    try:
        rounds.may_see_meetings(context.actor)
        listed = await rounds.meetings(context.core)
    except Refused as refusal:
        await refuse(update, context, refusal)
        return
    text = meetings_view(listed, context.lang, context.core.rules.tz)
    await message.reply_text(text, parse_mode=ParseMode.HTML)
