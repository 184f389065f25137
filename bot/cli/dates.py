"""Dates typed by the operator: ISO dates, a Buddhist-era year recognised and converted."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from dataclasses import dataclass

from scheduler.thaidate import BE_OFFSET

# A year this large is no Christian-era year anyone schedules meetings in, while B.E. years
# (2565, 2570) are what a Thai operator reads on every document.
BE_FROM = 2400

_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2}))?$")


@dataclass(frozen=True)
class Typed:
    """A date (and time) as typed: its Christian-era value, and whether it was given in B.E."""

    value: dt.datetime
    was_be: bool
    has_time: bool


def read(text: str) -> Typed:
    """Parse YYYY-MM-DD[THH:MM] with a C.E. or B.E. year; ValueError says what was expected."""
    match = _DATE.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a date such as 2022-01-26 or 2022-01-26T09:30")
    year, month, day, hour, minute = (int(g) if g else None for g in match.groups())
    assert year is not None and month is not None and day is not None
    was_be = year >= BE_FROM
    try:
        value = dt.datetime(
            year - BE_OFFSET if was_be else year, month, day, hour or 0, minute or 0
        )
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from exc
    return Typed(value, was_be, hour is not None)


def cli_date(text: str) -> dt.date:
    """An argparse `type`: a date (C.E. or B.E. year); a bad one is argparse's one-line error."""
    try:
        return read(text).value.date()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
