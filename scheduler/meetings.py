"""Monthly meeting rules such as "last wednesday 09:30" or "day 15 10:00"."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["MeetingRule", "parse_rule"]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ORDINAL_NAMES = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_ORDINALS = {
    **{name: n for n, name in _ORDINAL_NAMES.items()},
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
}  # fmt: skip
# Thai documents often write times as "09.30", so accept a dot as well as a colon.
_TIME_RE = re.compile(r"(\d{1,2})[:.](\d{2})")

_ACCEPTED = (
    "expected '<ordinal> <weekday> <HH:MM>' or 'day <1-31> <HH:MM>', where ordinal is "
    "first/second/third/fourth/last (or 1st..4th) and weekday is monday..sunday or mon..sun, "
    "e.g. 'last wednesday 09:30' or 'day 15 10:00'"
)


@dataclass(frozen=True, kw_only=True)
class MeetingRule:
    """When a monthly meeting happens: an nth/last weekday or a fixed day, at ``time``.

    ``week`` is 1..4 or -1 for "last"; ``weekday`` is 0 (Monday)..6. A fixed ``day``
    past the end of a short month falls on that month's last day.
    """

    time: dt.time
    week: int | None = None
    weekday: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None:
            if self.week is not None or self.weekday is not None:
                raise ValueError("a meeting rule has a fixed day or a week/weekday, not both")
            if not 1 <= self.day <= 31:
                raise ValueError(f"day must be 1..31, got {self.day}")
        else:
            if self.week not in _ORDINAL_NAMES:
                raise ValueError(f"week must be 1..4 or -1 (last), got {self.week}")
            if self.weekday is None or not 0 <= self.weekday <= 6:
                raise ValueError(f"weekday must be 0..6, got {self.weekday}")

    def date_in(self, year: int, month: int) -> dt.date:
        """Return the meeting date in the given month."""
        last_day = calendar.monthrange(year, month)[1]
        if self.day is not None:
            return dt.date(year, month, min(self.day, last_day))
        assert self.week is not None and self.weekday is not None  # guaranteed by __post_init__
        if self.week == -1:
            last = dt.date(year, month, last_day)
            return last - dt.timedelta(days=(last.weekday() - self.weekday) % 7)
        first_weekday = (self.weekday - dt.date(year, month, 1).weekday()) % 7
        return dt.date(year, month, 1 + first_weekday + 7 * (self.week - 1))

    def datetime_in(self, year: int, month: int, tz: dt.tzinfo) -> dt.datetime:
        """Return the aware meeting datetime in the given month, in local zone ``tz``."""
        return dt.datetime.combine(self.date_in(year, month), self.time, tzinfo=tz)

    def occurrences(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Return all meeting dates d with start <= d <= end, in order."""
        result = []
        year, month = start.year, start.month
        while (year, month) <= (end.year, end.month):
            d = self.date_in(year, month)
            if start <= d <= end:
                result.append(d)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result

    def __str__(self) -> str:
        hhmm = f"{self.time:%H:%M}"
        if self.day is not None:
            return f"day {self.day} {hhmm}"
        assert self.week is not None and self.weekday is not None
        return f"{_ORDINAL_NAMES[self.week]} {_WEEKDAYS[self.weekday]} {hhmm}"


def _parse_time(text: str) -> dt.time:
    m = _TIME_RE.fullmatch(text)
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise ValueError(f"invalid time {text!r}; expected HH:MM (24-hour)")
    return dt.time(int(m[1]), int(m[2]))


def _parse_weekday(text: str) -> int:
    for i, name in enumerate(_WEEKDAYS):
        if text in (name, name[:3]):
            return i
    raise ValueError(f"unknown weekday {text!r}; {_ACCEPTED}")


def parse_rule(rule: str) -> MeetingRule:
    """Parse a rule such as "last wednesday 09:30", "3rd friday 9:00" or "day 15 10:00"."""
    parts = rule.lower().split()
    if len(parts) != 3:
        raise ValueError(f"invalid meeting rule {rule!r}; {_ACCEPTED}")
    head, middle, time_text = parts
    if head == "day":
        if not re.fullmatch(r"\d{1,2}", middle) or not 1 <= int(middle) <= 31:
            raise ValueError(f"invalid day {middle!r} in {rule!r}; day must be 1..31")
        return MeetingRule(day=int(middle), time=_parse_time(time_text))
    if head not in _ORDINALS:
        raise ValueError(f"unknown ordinal {head!r} in {rule!r}; {_ACCEPTED}")
    return MeetingRule(
        week=_ORDINALS[head], weekday=_parse_weekday(middle), time=_parse_time(time_text)
    )
