"""The move flow's screens: the months under /meetings, a month's days, the times, the check."""

from __future__ import annotations

import calendar
import datetime as dt
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.callbacks import encode
from bot.telegram.replies import View
from bot.texts import t
from bot.usecases.meetings import TIMES, MonthDays, Proposal, month_code
from bot.usecases.rounds import MeetingMoved, MeetingRow
from scheduler.thaidate import format_date, format_datetime, format_month_year_short, to_thai_digits

ROW = 3
# Marks, not words (the same in every language): the meeting's day now, a day off, the past.
MONTH_MARK, CURRENT_MARK, OFF_MARK, PAST_MARK = "📅 ", "•", "*", "·"


def _button(text: str, verb: str, *args: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode(verb, *args))


def _digits(value: object, lang: str) -> str:
    return to_thai_digits(str(value)) if lang == "th" else str(value)


def months_keyboard(months: tuple[MeetingRow, ...], lang: str) -> InlineKeyboardMarkup | None:
    """One button per month whose meeting may still move, three to a row."""
    buttons = [
        _button(
            MONTH_MARK + format_month_year_short(m.month.year, m.month.month, lang),
            "mvm",
            month_code(m.month),
        )
        for m in months
    ]
    rows = [buttons[i : i + ROW] for i in range(0, len(buttons), ROW)]
    return InlineKeyboardMarkup(rows) if rows else None


def _cell(
    day: dt.date, pickable: bool, off: bool, current: dt.date, lang: str
) -> InlineKeyboardButton:
    if not pickable:
        return _button(PAST_MARK, "nop")
    number = _digits(day.day, lang)
    if day == current:
        label = CURRENT_MARK + number
    elif off:
        label = number + OFF_MARK
    else:
        label = number
    return _button(label, "mvd", month_code(day.replace(day=1)), day.day)


def days_view(month: MonthDays, lang: str, tz: dt.tzinfo) -> View:
    """The month as a calendar: its B.E. title, Thai weekday headings, one row a week."""
    first = month.current.month
    text = t(
        "move.pick_day",
        lang,
        meeting=escape(month.meeting(lang), quote=False),
        when=format_datetime(month.current.starts_at, tz, lang=lang),
    )
    rows = [
        [_button(format_date(first, lang=lang, style="month"), "nop")],
        [_button(name, "nop") for name in t("move.weekdays", lang).split()],
    ]
    days = {d: (pickable, off) for d, pickable, off in month.days}
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        rows.append(
            [
                _cell(d, *days[d], month.current.day, lang) if d in days else _button(" ", "nop")
                for d in week
            ]
        )
    rows.append([_button(t("move.cancel", lang), "mvx")])
    return text, InlineKeyboardMarkup(rows)


def times_view(day: dt.date, lang: str) -> View:
    """The times a meeting may start at on the day picked, then back and cancel."""
    code = month_code(day.replace(day=1))
    buttons = [
        _button(
            t("move.time_button", lang, time=_digits(f"{at:%H:%M}", lang)),
            "mvt",
            code,
            day.day,
            at.hour * 100 + at.minute,
        )
        for at in TIMES
    ]
    rows = [buttons[i : i + ROW] for i in range(0, len(buttons), ROW)]
    rows.append(
        [_button(t("move.back", lang), "mvm", code), _button(t("move.cancel", lang), "mvx")]
    )
    text = t("move.pick_time", lang, day=format_date(day, lang=lang, style="long"))
    return text, InlineKeyboardMarkup(rows)


def warnings(row: MeetingRow, lang: str) -> str:
    """The same warnings as /meetings and `meeting set`: a weekend, a holiday by name."""
    out = t("move.warn_weekend", lang) if row.weekend else ""
    holiday = row.holiday(lang)
    if holiday:
        out += t("move.warn_holiday", lang, holiday=escape(holiday, quote=False))
    return out


def confirm_view(proposal: Proposal, lang: str, tz: dt.tzinfo) -> View:
    """The move to confirm: from when, to when, what is wrong with the new day."""
    new = proposal.proposed
    local = new.starts_at.astimezone(tz)
    args = (month_code(new.month), local.day, local.hour * 100 + local.minute)
    text = t(
        "move.confirm",
        lang,
        meeting=escape(proposal.listed.name(lang), quote=False),
        was=format_datetime(proposal.current.starts_at, tz, lang=lang),
        when=format_datetime(new.starts_at, tz, lang=lang),
        warnings=warnings(new, lang),
    )
    rows = [
        [_button(t("move.yes", lang), "mvy", *args)],
        [_button(t("move.back", lang), "mvm", args[0]), _button(t("move.cancel", lang), "mvx")],
    ]
    return text, InlineKeyboardMarkup(rows)


def moved_view(moved: MeetingMoved, lang: str, tz: dt.tzinfo) -> View:
    """The move done: the new time, its warnings, and how many were told."""
    notified = t("move.notified", lang, n=_digits(moved.notices, lang)) if moved.notices else ""
    when = format_datetime(moved.meeting.starts_at, tz, lang=lang)
    text = t("move.done", lang, when=when, notified=notified) + warnings(moved.meeting, lang)
    return text, None
