"""Thai government fiscal years (1 Oct - 30 Sep, named by the B.E. year they end in)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from scheduler.thaidate import BE_OFFSET, format_date, normalize_lang, to_thai_digits

__all__ = ["Quarter", "fiscal_quarter", "fiscal_year_be", "quarter_from_key", "quarters_ending_in"]

_KEY_RE = re.compile(r"([0-9]{4})-Q([1-4])")
# (first month, last month, last day) of Q1..Q4; Q1 lies in the previous calendar year.
_QUARTER_MONTHS = ((10, 12, 31), (1, 3, 31), (4, 6, 30), (7, 9, 30))


def fiscal_year_be(d: date) -> int:
    """Return the B.E. fiscal year containing ``d`` (2021-10-01 -> 2565)."""
    return d.year + BE_OFFSET + (1 if d.month >= 10 else 0)


@dataclass(frozen=True, order=True)
class Quarter:
    """A fiscal quarter; Q1 is Oct-Dec of the calendar year before the fiscal year ends."""

    fiscal_year_be: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"quarter number must be 1..4, got {self.number}")

    @property
    def _start_year_ce(self) -> int:
        return self.fiscal_year_be - BE_OFFSET - (1 if self.number == 1 else 0)

    @property
    def start(self) -> date:
        """First day of the quarter."""
        return date(self._start_year_ce, _QUARTER_MONTHS[self.number - 1][0], 1)

    @property
    def end(self) -> date:
        """Last day of the quarter (inclusive)."""
        _, month, day = _QUARTER_MONTHS[self.number - 1]
        return date(self._start_year_ce, month, day)

    @property
    def key(self) -> str:
        """Stable storage key such as "2565-Q1"."""
        return f"{self.fiscal_year_be}-Q{self.number}"

    def __contains__(self, d: object) -> bool:
        # datetime is a date subclass but does not compare with date, so exclude it explicitly.
        return isinstance(d, date) and not isinstance(d, datetime) and self.start <= d <= self.end

    def next(self) -> Quarter:
        """Return the following quarter."""
        if self.number == 4:
            return Quarter(self.fiscal_year_be + 1, 1)
        return Quarter(self.fiscal_year_be, self.number + 1)

    def previous(self) -> Quarter:
        """Return the preceding quarter."""
        if self.number == 1:
            return Quarter(self.fiscal_year_be - 1, 4)
        return Quarter(self.fiscal_year_be, self.number - 1)

    def label(self, lang: str = "th", thai_digits: bool = True) -> str:
        """Return "ไตรมาสที่ ๑ ปีงบประมาณ ๒๕๖๕" or "Q1 FY2022 (B.E. 2565)"."""
        if normalize_lang(lang) == "en":
            # English readers know the C.E. year; keep B.E. alongside to match Thai documents.
            ce = self.fiscal_year_be - BE_OFFSET
            return f"Q{self.number} FY{ce} (B.E. {self.fiscal_year_be})"
        text = f"ไตรมาสที่ {self.number} ปีงบประมาณ {self.fiscal_year_be}"
        return to_thai_digits(text) if thai_digits else text

    def range_label(self, lang: str = "th", thai_digits: bool = True) -> str:
        """Return the date span, e.g. "1 ต.ค. 2564 – 31 ธ.ค. 2564"."""
        return " – ".join(
            format_date(d, lang=lang, thai_digits=thai_digits) for d in (self.start, self.end)
        )

    def __str__(self) -> str:
        return self.key


def fiscal_quarter(d: date) -> Quarter:
    """Return the fiscal quarter containing ``d``."""
    # Shift so that October is month 0 of the fiscal year.
    return Quarter(fiscal_year_be(d), (d.month - 10) % 12 // 3 + 1)


def quarters_ending_in(start: date, end: date) -> list[Quarter]:
    """Return the quarters whose end date lies in [start, end], in order."""
    result = []
    q = fiscal_quarter(start)  # the first quarter that can end on or after start
    while q.end <= end:
        result.append(q)
        q = q.next()
    return result


def quarter_from_key(key: str) -> Quarter:
    """Parse a key such as "2565-Q1" back into a Quarter."""
    m = _KEY_RE.fullmatch(key.strip())
    if not m:
        raise ValueError(f"invalid quarter key {key!r}; expected e.g. '2565-Q1'")
    return Quarter(int(m[1]), int(m[2]))
