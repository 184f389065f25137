"""Thai working-day arithmetic on top of the ``holidays`` package."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import holidays

from scheduler.thaidate import normalize_lang

__all__ = ["DEFAULT_CATEGORIES", "WorkCalendar"]

# A municipality is a government office: besides public holidays it closes on
# government-only days such as the Royal Ploughing Ceremony.
DEFAULT_CATEGORIES: tuple[str, ...] = ("public", "government")

_HOLIDAYS_LANG = {"th": "th", "en": "en_US"}
_EXTRA_NAME = {"th": "วันหยุดพิเศษ", "en": "Special holiday"}
_ONE_DAY = timedelta(days=1)


class WorkCalendar:
    """Thai working days: Mon-Fri minus holidays, with local additions and overrides.

    ``extra_holidays`` are local closures (a mapping may give them names).
    ``extra_workdays`` are dates the office works regardless of weekday or holiday,
    e.g. a Saturday swapped for a bridge holiday; they win over everything else.
    """

    def __init__(
        self,
        extra_holidays: Iterable[date] | Mapping[date, str] = (),
        extra_workdays: Iterable[date] = (),
        *,
        categories: Iterable[str] = DEFAULT_CATEGORIES,
    ) -> None:
        if isinstance(extra_holidays, Mapping):
            self._extra_holidays: dict[date, str | None] = dict(extra_holidays)
        else:
            self._extra_holidays = dict.fromkeys(extra_holidays)
        self._extra_workdays = frozenset(extra_workdays)
        clash = self._extra_workdays & self._extra_holidays.keys()
        if clash:
            raise ValueError(f"dates both extra holiday and extra workday: {sorted(clash)}")
        self._categories = tuple(categories)
        # One HolidayBase per (year, language): the package computes lunar holidays and
        # substitution days per year, and in-lieu days are listed in the year they fall in.
        self._cache: dict[tuple[int, str], holidays.HolidayBase] = {}

    def with_holidays(self, extra: Mapping[date, str]) -> WorkCalendar:
        """This calendar plus the special holidays `extra` (by day, with names).

        The official holidays computed so far are shared, not computed again: the tick builds
        one of these every run from the special holidays in the database.
        """
        merged = {**self._extra_holidays, **extra}
        calendar = WorkCalendar(
            merged, self._extra_workdays - merged.keys(), categories=self._categories
        )
        calendar._cache = self._cache
        return calendar

    def _official(self, year: int, lang: str = "th") -> holidays.HolidayBase:
        key = (year, _HOLIDAYS_LANG[normalize_lang(lang)])
        if key not in self._cache:
            self._cache[key] = holidays.country_holidays(
                "TH", years=year, language=key[1], categories=self._categories
            )
        return self._cache[key]

    def is_holiday(self, d: date) -> bool:
        """Return True if ``d`` is an official Thai holiday or an extra local holiday."""
        return d in self._extra_holidays or d in self._official(d.year)

    def holiday_name(self, d: date, lang: str = "th") -> str | None:
        """Return the holiday name of ``d`` in Thai or English, or None if not a holiday."""
        name: str | None = self._official(d.year, lang).get(d)
        if name:
            return name
        if d in self._extra_holidays:
            return self._extra_holidays[d] or _EXTRA_NAME[normalize_lang(lang)]
        return None

    def is_working_day(self, d: date) -> bool:
        """Return True if the office works on ``d``: Mon-Fri and no holiday, or an extra workday."""
        if d in self._extra_workdays:
            return True
        return d.weekday() < 5 and not self.is_holiday(d)

    def add_working_days(self, d: date, n: int) -> date:
        """Return the date ``n`` working days after ``d`` (before it if ``n`` < 0).

        ``d`` itself is never counted, so for n != 0 the result is always a working day
        even when ``d`` is not; n == 0 returns ``d`` unchanged, working day or not.
        """
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_before(self, d: date, n: int) -> date:
        """Return the date ``n`` (>= 0) working days before ``d``."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        return self.add_working_days(d, -n)

    def next_working_day_after(self, d: date) -> date:
        """Return the first working day strictly after ``d``."""
        return self.add_working_days(d, 1)

    def working_days_between(self, start: date, end: date) -> int:
        """Count working days in (start, end]; negative count of [end, start) if end < start.

        This is the inverse of ``add_working_days``: for every n,
        ``working_days_between(d, add_working_days(d, n)) == n``.
        """
        if end < start:
            return -sum(self.is_working_day(end + timedelta(i)) for i in range((start - end).days))
        days = (end - start).days
        return sum(self.is_working_day(start + timedelta(i)) for i in range(1, days + 1))
