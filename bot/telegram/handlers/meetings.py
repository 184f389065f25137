"""/meetings: the monthly meeting dates with flags, for coordinators and admins, and moving one.

The move is a few presses: a month (under the list), a day (a calendar of that month), a
time, then a confirmation showing the same warnings as the command line. Each press is
checked again by bot.usecases.meetings (who, which month, not started, not into the past);
the buttons hold a month, a day and a time only.
"""

from __future__ import annotations

import datetime as dt
from datetime import tzinfo
from html import escape

from telegram import Update
from telegram.constants import ParseMode

from bot.telegram.callbacks import Callback
from bot.telegram.context import BotContext
from bot.telegram.replies import ack_and_send, attempt, refuse
from bot.telegram.router import ButtonHandler
from bot.telegram.views.meetings import (
    confirm_view,
    days_view,
    months_keyboard,
    moved_view,
    times_view,
)
from bot.texts import t
from bot.usecases import meetings
from bot.usecases.meetings import MonthDays, Proposal
from bot.usecases.refusals import Refused
from bot.usecases.rounds import MeetingMoved, MeetingRow, Meetings
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
    """List the meetings of the current plan with B.E. dates; weekends and holidays flagged.

    Below them, the months whose meeting may still move, one button each.
    """
    message = update.effective_message
    if message is None:
        return
    try:
        shown = await meetings.movable(context.core, context.actor)
    except Refused as refusal:
        await refuse(update, context, refusal)
        return
    lang = context.lang
    text = meetings_view(shown.listed, lang, context.core.rules.tz)
    markup = months_keyboard(shown.months, lang)
    if markup is not None:
        text += "\n\n" + t("move.hint", lang)
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def month_button(update: Update, context: BotContext, cb: Callback) -> None:
    """mvm: the month's days to pick the new one from."""
    core = context.core

    async def work() -> MonthDays:
        return await meetings.month_days(core, context.actor, meetings.month_of(cb.args[0]))

    found = await attempt(update, context, work())
    if not isinstance(found, Refused):
        await ack_and_send(update, days_view(found, context.lang, core.rules.tz))


async def day_button(update: Update, context: BotContext, cb: Callback) -> None:
    """mvd: the day picked; the times to pick from (the day is checked with the time)."""

    async def work() -> dt.date:
        meetings.may_move(context.actor)
        when = meetings.when_of(meetings.month_of(cb.args[0]), cb.args[1], 0)
        return when.date()

    day = await attempt(update, context, work())
    if not isinstance(day, Refused):
        await ack_and_send(update, times_view(day, context.lang))


async def time_button(update: Update, context: BotContext, cb: Callback) -> None:
    """mvt: the time picked; the move with its warnings, to confirm."""
    core = context.core

    async def work() -> Proposal:
        when = meetings.when_of(meetings.month_of(cb.args[0]), cb.args[1], cb.args[2])
        return await meetings.propose(core, context.actor, when)

    proposal = await attempt(update, context, work())
    if not isinstance(proposal, Refused):
        await ack_and_send(update, confirm_view(proposal, context.lang, core.rules.tz))


async def confirm_button(update: Update, context: BotContext, cb: Callback) -> None:
    """mvy: move the meeting (checked once more), and say what was done."""
    core = context.core

    async def work() -> MeetingMoved:
        when = meetings.when_of(meetings.month_of(cb.args[0]), cb.args[1], cb.args[2])
        return await meetings.move(core, context.actor, when)

    moved = await attempt(update, context, work())
    if not isinstance(moved, Refused):
        await ack_and_send(update, moved_view(moved, context.lang, core.rules.tz))


async def cancel_button(update: Update, context: BotContext, cb: Callback) -> None:
    """mvx: no move after all."""
    await ack_and_send(update, (t("move.cancelled", context.lang), None), html=False)


async def nothing_button(update: Update, context: BotContext, cb: Callback) -> None:
    """nop: a calendar heading, blank or past day: stop the spinner, nothing else."""
    if update.callback_query is not None:
        await update.callback_query.answer()


BUTTONS: dict[str, ButtonHandler] = {
    "mvm": month_button,
    "mvd": day_button,
    "mvt": time_button,
    "mvy": confirm_button,
    "mvx": cancel_button,
    "nop": nothing_button,
}
