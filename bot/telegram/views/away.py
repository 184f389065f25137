"""Telegram views of stand-ins: /away's screens and the head's "while you were away" summary."""

from __future__ import annotations

import html
from datetime import date, timedelta, tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.present import short, status_label, when
from bot.telegram.callbacks import encode
from bot.telegram.replies import View
from bot.telegram.views.reports import fit
from bot.texts import localized, t
from bot.usecases.standins import AwayScreen, AwaySummary, Candidate
from scheduler.thaidate import format_date
from storage.standins import AwayRange

# At most this many answers are listed one by one (the rest are counted).
ANSWER_LINES = 20
BUTTON_CHARS = 30


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def day(d: date, lang: str) -> str:
    """A day as chat messages write it (26 Jan 2022; in Thai the B.E. year, Arabic digits)."""
    return format_date(d, lang=lang, thai_digits=False)


def summary_view(s: AwaySummary, lang: str, tz: tzinfo) -> View:
    """The summary: the range, the stand-in, what was held, answered, returned and still owed."""
    r = s.range
    name = localized(lang, s.division.name_th, s.division.name_en) if s.division else ""
    name = name or r.division_code
    head = [
        t("rounds.greeting", lang, name=_esc(r.head_name)),
        "",
        t(
            "away.summary_title",
            lang,
            division=_esc(name),
            first=day(r.first_day, lang),
            last=day(r.last_day, lang),
        ),
        t("away.summary_stand_in", lang, name=_esc(r.stand_in_name)),
    ]
    held = sum(s.held.values())
    if held:
        head.append(t("away.summary_held", lang, count=held))
    if s.returned:
        head.append(t("away.summary_returned", lang, count=s.returned))
    answers = [t("away.summary_answers", lang, count=len(s.answers))] if s.answers else []
    for a in s.answers[:ANSWER_LINES]:
        stamp = when(a.at, tz, lang, thai_digits=False)
        status = status_label(a.status, lang)
        answers.append(
            t(
                "away.summary_answer",
                lang,
                seq=a.measure_seq,
                status=status,
                name=_esc(a.person_name),
                when=stamp,
            )
        )
    if not s.answers:
        answers.append(t("away.summary_no_answers", lang))
    seqs = ", ".join(str(o.measure_seq) for o in s.owed)
    owed = (
        t("away.summary_owed", lang, seqs=seqs) if s.owed else t("away.summary_nothing_owed", lang)
    )
    return fit(["\n".join(head), "\n".join(answers), owed], lang), None


def _short_day(d: date, lang: str) -> str:
    return format_date(d, lang=lang, thai_digits=False)


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def _button(label: str, verb: str, *args: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(short(label, BUTTON_CHARS), callback_data=encode(verb, *args))


def screen_view(screen: AwayScreen, lang: str, days: tuple[date, date] | None = None) -> View:
    """/away: the division, the ranges named, and a button per person who may stand in."""
    d = screen.division
    lines = [t("away.title", lang, division=_esc(localized(lang, d.name_th, d.name_en)))]
    if screen.ranges:
        lines += ["", t("away.ranges", lang)]
        lines += [
            t(
                "away.range_line",
                lang,
                first=day(r.first_day, lang),
                last=day(r.last_day, lang),
                name=_esc(r.stand_in_name),
            )
            for r in screen.ranges
        ]
    lines.append("")
    if not screen.candidates:
        lines.append(t("away.nobody", lang))
    elif days is None:
        lines.append(t("away.choose", lang))
    else:
        first, last = (day(x, lang) for x in days)
        lines.append(t("away.choose_dated", lang, first=first, last=last))
    people = [
        _button(t("away.btn_person", lang, name=c.name), "aws", c.person_id)
        if days is None
        else _button(
            t("away.btn_person", lang, name=c.name),
            "awt",
            c.person_id,
            days[0].toordinal(),
            days[1].toordinal(),
        )
        for c in screen.candidates
    ]
    rows = _rows(people, 1)
    rows.append([_button(t("away.btn_invite", lang), "awi")])
    for r in screen.ranges:
        first, last = _short_day(r.first_day, lang), _short_day(r.last_day, lang)
        rows.append([_button(t("away.btn_cancel", lang, first=first, last=last), "awx", r.id)])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def first_day_view(who: Candidate, today: date, lang: str) -> View:
    """Choose the first day away: today and the six days after it."""
    days = [today + timedelta(days=n) for n in range(7)]
    buttons = [_button(_short_day(x, lang), "awf", who.person_id, x.toordinal()) for x in days]
    text = t("away.ask_first", lang, name=_esc(who.name))
    return text, InlineKeyboardMarkup(_rows(buttons, 2))


def last_day_view(who: Candidate, first: date, lang: str) -> View:
    """Choose the last day away: the first day and the thirteen after it."""
    days = [first + timedelta(days=n) for n in range(14)]
    buttons = [
        _button(_short_day(x, lang), "awt", who.person_id, first.toordinal(), x.toordinal())
        for x in days
    ]
    text = t("away.ask_last", lang, name=_esc(who.name), first=day(first, lang))
    return text, InlineKeyboardMarkup(_rows(buttons, 2))


def set_view(r: AwayRange, lang: str) -> View:
    """The range named."""
    first, last = day(r.first_day, lang), day(r.last_day, lang)
    return t("away.set", lang, name=_esc(r.stand_in_name), first=first, last=last), None


def cancelled_view(r: AwayRange, lang: str) -> View:
    """The range cancelled."""
    first, last = day(r.first_day, lang), day(r.last_day, lang)
    return t("away.cancelled", lang, first=first, last=last), None
