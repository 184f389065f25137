"""One presentation vocabulary: rounds, statuses, names, dates, evidence and cut titles.

Chat views, the command line and the file renderers all name things through this module, so a
round or a division reads the same everywhere. Channel-free: no Telegram, no HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, tzinfo

from bot.texts import localized, t
from bot.texts.reports import ICONS
from bot.texts.review import REVIEW_ICONS
from scheduler.fiscal import quarter_from_key
from scheduler.thaidate import (
    BE_OFFSET,
    format_date,
    format_datetime,
    format_month_year_short,
    to_thai_digits,
)
from storage.read_models import (
    MISSING,
    NOT_FOLLOWED,
    DivisionRef,
    EvidenceRef,
    MeasureRef,
    ReviewEvent,
    RoundInfo,
)

# The order statuses are listed and stacked in, best first, silence last, then the rounds
# nobody was asked in (before the bot was in use).
STATUS_ORDER: tuple[str, ...] = (
    "done",
    "in_progress",
    "not_started",
    "problem",
    MISSING,
    NOT_FOLLOWED,
)
# Titles in chat views are cut to this many characters (buttons ask for fewer).
TITLE_CHARS = 60
_MONTH_KEY = re.compile(r"([0-9]{4})-([0-9]{2})")


def status_name(status: str, lang: str) -> str:
    """The status in words."""
    return t(f"status.{status}", lang)


def status_icon(status: str) -> str:
    """One icon per status."""
    return ICONS.get(status, ICONS[MISSING])


def status_label(status: str | None, lang: str) -> str:
    """The icon and name of a status, as the summaries and reports show it."""
    return f"{status_icon(status)} {status_name(status, lang)}" if status else "–"


def short(text: str, limit: int = TITLE_CHARS) -> str:
    """Cut a long title with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def digits(text: str, lang: str) -> str:
    """Thai digits in Thai output (the style of Thai official documents)."""
    return to_thai_digits(text) if lang == "th" else text


def _month_of(r: RoundInfo) -> date:
    # A monthly key is the B.E. year and month of its meeting; fall back to what it covers.
    m = _MONTH_KEY.fullmatch(r.key)
    if m and 1 <= int(m[2]) <= 12:
        return date(int(m[1]) - BE_OFFSET, int(m[2]), 1)
    return r.covers_start


def round_month(r: RoundInfo, lang: str, thai_digits: bool = True) -> str:
    """The month a monthly round reports on, e.g. "January 2022" (Thai: month name, B.E.)."""
    return format_date(_month_of(r), lang=lang, style="month", thai_digits=thai_digits)


def _round_words(r: RoundInfo, lang: str, thai_digits: bool, monthly_key: str) -> str:
    # A quarterly round is its fiscal quarter; a monthly one its month, in the given phrase.
    if r.kind == "quarterly":
        try:
            return quarter_from_key(r.key).label(lang, thai_digits=thai_digits)
        except ValueError:
            pass
    return t(monthly_key, lang, month=round_month(r, lang, thai_digits))


def round_name(r: RoundInfo, lang: str, thai_digits: bool = True) -> str:
    """The round as a noun that reads after "from"/"to": its month, or its fiscal quarter."""
    return _round_words(r, lang, thai_digits, "report.round_month")


def round_label(r: RoundInfo, lang: str, thai_digits: bool = True) -> str:
    """The round in words: its month (monthly) or its fiscal quarter (quarterly).

    Documents use Thai digits, as Thai official papers do; chat messages pass False.
    """
    return _round_words(r, lang, thai_digits, "report.round_monthly")


def round_title(r: RoundInfo, lang: str, tz: tzinfo) -> str:
    """The round as a chat heading names it: month and meeting date, or quarter and range."""
    if r.kind == "quarterly":
        quarter = quarter_from_key(r.key)
        return t(
            "round.quarterly", lang, quarter=quarter.label(lang), range=quarter.range_label(lang)
        )
    return t(
        "round.monthly",
        lang,
        month=format_date(
            r.closes_at.astimezone(tz).date().replace(day=1), lang=lang, style="month"
        ),
        meeting=format_datetime(r.closes_at, tz, lang=lang),
    )


def round_short(r: RoundInfo, lang: str) -> str:
    """The round in a few characters (short month and year, or quarter/year) for axes and cells."""
    if r.kind == "quarterly":
        try:
            q = quarter_from_key(r.key)
            text = t("report.quarter_short", lang, n=q.number, year=q.fiscal_year_be % 100)
            return digits(text, lang)
        except ValueError:
            pass
    month = _month_of(r)
    return format_month_year_short(month.year, month.month, lang)


def when(dt: datetime, tz: tzinfo, lang: str, thai_digits: bool = True) -> str:
    """A timestamp in local time with the B.E. year (Thai digits in Thai unless told not to)."""
    return format_datetime(dt, tz, lang=lang, thai_digits=thai_digits)


def long_date(dt: datetime, tz: tzinfo, lang: str) -> str:
    """A date as in a Thai heading: day, full month name, B.E. year, Thai digits."""
    return format_date(dt.astimezone(tz).date(), lang=lang, style="long", thai_digits=True)


def short_date(dt: datetime, tz: tzinfo, lang: str) -> str:
    """A date in a table cell: day, month abbreviation, B.E. year, Thai digits in Thai."""
    return format_date(dt.astimezone(tz).date(), lang=lang, style="short", thai_digits=True)


def division_name(d: DivisionRef, lang: str) -> str:
    """The division's name in the language, Thai when no translation exists."""
    return localized(lang, d.name_th, d.name_en)


def measure_title(m: MeasureRef, lang: str) -> str:
    """The measure's title in the language, Thai when no translation exists."""
    return localized(lang, m.title_th, m.title_en)


def evidence_label(e: EvidenceRef, lang: str) -> str:
    """A piece of evidence in words: its file name, its link, or its kind."""
    if e.file_name:
        return e.file_name
    if e.url:
        return e.url
    return (
        t(f"report.evidence.{e.kind}", lang) if e.kind in ("photo", "document", "link") else e.kind
    )


def evidence_list(items: Iterable[EvidenceRef], lang: str) -> str:
    """Evidence joined for one cell or line."""
    return ", ".join(evidence_label(e, lang) for e in items)


def review_icon(state: str) -> str:
    """One icon per review state (accepted, returned, awaiting)."""
    return REVIEW_ICONS.get(state, "")


def review_name(state: str, lang: str) -> str:
    """The review state in words."""
    return t(f"review.state.{state}", lang)


def review_words(
    review: ReviewEvent, tz: tzinfo, lang: str, *, thai_digits: bool = True, icon: bool = True
) -> str:
    """A decision as one line: its (icon and) name, by whom and when (plain text, no comment).

    Documents leave the icon out: the office font has no emoji.
    """
    words = t(
        "review.by",
        lang,
        state=review_name(review.decision, lang),
        name=review.reviewer_name,
        when=when(review.at, tz, lang, thai_digits),
    )
    return f"{review_icon(review.decision)} {words}" if icon else words
