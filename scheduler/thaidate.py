"""Thai date display: Buddhist-era years, Thai month names and Thai digits.

Dates are always stored and computed in the Christian era (C.E.); only display uses the
Buddhist era (B.E. = C.E. + 543). English output keeps the C.E. year, and ``thai_digits``
is honoured only for Thai output, so callers can pass one set of options for both languages.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Literal

__all__ = [
    "BE_OFFSET",
    "EN_MONTHS",
    "EN_MONTHS_ABBR",
    "THAI_MONTHS",
    "THAI_MONTHS_ABBR",
    "be_year",
    "format_date",
    "format_datetime",
    "format_month_short",
    "format_month_year_short",
    "from_thai_digits",
    "normalize_lang",
    "to_thai_digits",
]

BE_OFFSET = 543

# Index with ``month - 1``.
THAI_MONTHS: tuple[str, ...] = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
THAI_MONTHS_ABBR: tuple[str, ...] = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
# Hard-coded rather than taken from ``calendar``, whose names follow the process locale.
EN_MONTHS: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
EN_MONTHS_ABBR: tuple[str, ...] = tuple(m[:3] for m in EN_MONTHS)

_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_FROM_THAI = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

Lang = Literal["th", "en"]
Style = Literal["short", "long", "month"]


def to_thai_digits(s: str) -> str:
    """Replace ASCII digits 0-9 with Thai digits ๐-๙."""
    return s.translate(_TO_THAI)


def from_thai_digits(s: str) -> str:
    """Replace Thai digits ๐-๙ with ASCII digits 0-9."""
    return s.translate(_FROM_THAI)


def be_year(d: date) -> int:
    """Return the Buddhist-era year of ``d``."""
    return d.year + BE_OFFSET


def normalize_lang(lang: str) -> Lang:
    """Map a language tag such as "th", "en", "en-US" or "th_TH" to "th" or "en"."""
    # Telegram reports IETF tags like "en-US"; only the primary subtag matters here.
    primary = lang.replace("_", "-").split("-", 1)[0].lower()
    if primary == "th":
        return "th"
    if primary == "en":
        return "en"
    raise ValueError(f"unsupported language {lang!r}; expected 'th' or 'en'")


def _finish(text: str, lang: Lang, thai_digits: bool) -> str:
    return to_thai_digits(text) if thai_digits and lang == "th" else text


def format_date(
    d: date, *, lang: str = "th", style: Style = "short", thai_digits: bool = True
) -> str:
    """Render ``d`` as e.g. "26 ม.ค. 2565" / "26 Jan 2022" (long and month styles too)."""
    lg = normalize_lang(lang)
    if lg == "th":
        year, full, abbr = be_year(d), THAI_MONTHS, THAI_MONTHS_ABBR
    else:
        year, full, abbr = d.year, EN_MONTHS, EN_MONTHS_ABBR
    m = d.month - 1
    if style == "short":
        text = f"{d.day} {abbr[m]} {year}"
    elif style == "long":
        text = f"{d.day} {full[m]} {year}"
    elif style == "month":
        text = f"{full[m]} {year}"
    else:
        raise ValueError(f"unknown style {style!r}; expected 'short', 'long' or 'month'")
    return _finish(text, lg, thai_digits)


def format_datetime(dt: datetime, tz: tzinfo, *, lang: str = "th", thai_digits: bool = True) -> str:
    """Render an aware datetime in ``tz`` as "26 ม.ค. 2565 เวลา 09.30 น." / "26 Jan 2022 09:30".

    Thai official writing puts "เวลา" before the time and a dot between hours and minutes.
    """
    # A naive value would silently be taken as local time; we store aware UTC, so refuse it.
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("format_datetime needs an aware datetime, got a naive one")
    lg = normalize_lang(lang)
    local = dt.astimezone(tz)
    if lg == "th":
        text = f"{format_date(local.date(), lang=lg, thai_digits=False)} เวลา {local:%H.%M} น."
    else:
        text = f"{format_date(local.date(), lang=lg)} {local:%H:%M}"
    return _finish(text, lg, thai_digits)


def _check_month(month: int) -> int:
    # Guard the tuple lookups: month 0 would otherwise silently index December.
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    return month - 1


def format_month_short(year: int, month: int, *, lang: str = "th", thai_digits: bool = True) -> str:
    """Render a C.E. year/month as "ตุลาคม ๖๔" (full month, 2-digit B.E. year) or "October 2021"."""
    lg = normalize_lang(lang)
    m = _check_month(month)
    if lg == "en":
        # A two-digit year after a month reads like a day in English, so keep all four.
        return f"{EN_MONTHS[m]} {year}"
    return _finish(f"{THAI_MONTHS[m]} {(year + BE_OFFSET) % 100:02d}", lg, thai_digits)


def format_month_year_short(
    year: int, month: int, lang: str = "th", thai_digits: bool = True
) -> str:
    """Render a C.E. year/month as "ต.ค. ๖๔" (short month, 2-digit B.E. year) or "Oct 2021"."""
    lg = normalize_lang(lang)
    m = _check_month(month)
    if lg == "en":
        return f"{EN_MONTHS_ABBR[m]} {year}"
    return _finish(f"{THAI_MONTHS_ABBR[m]} {(year + BE_OFFSET) % 100:02d}", lg, thai_digits)
