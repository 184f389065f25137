from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.fiscal import (
    Quarter,
    fiscal_quarter,
    fiscal_year_be,
    quarter_from_key,
    quarters_ending_in,
)

Q1 = Quarter(2565, 1)
Q2 = Quarter(2565, 2)
# Keys carry a four-digit B.E. year, so stay where that holds (and clear of date.min/max).
dates = st.dates(min_value=date(1000, 1, 1), max_value=date(9000, 12, 31))


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2021, 9, 30), 2564),
        (date(2021, 10, 1), 2565),
        (date(2022, 1, 1), 2565),
        (date(2022, 9, 30), 2565),
        (date(2022, 10, 1), 2566),
    ],
)
def test_fiscal_year_be(d: date, fy: int) -> None:
    assert fiscal_year_be(d) == fy


def test_quarters_of_2565() -> None:
    assert (Q1.start, Q1.end) == (date(2021, 10, 1), date(2021, 12, 31))
    assert (Q2.start, Q2.end) == (date(2022, 1, 1), date(2022, 3, 31))
    assert (Quarter(2565, 3).start, Quarter(2565, 3).end) == (date(2022, 4, 1), date(2022, 6, 30))
    assert (Quarter(2565, 4).start, Quarter(2565, 4).end) == (date(2022, 7, 1), date(2022, 9, 30))
    assert fiscal_quarter(date(2021, 11, 15)) == Q1
    assert fiscal_quarter(date(2022, 3, 31)) == Q2


def test_labels_and_key() -> None:
    assert Q1.label() == "ไตรมาสที่ ๑ ปีงบประมาณ ๒๕๖๕"
    assert Q1.label(thai_digits=False) == "ไตรมาสที่ 1 ปีงบประมาณ 2565"
    assert Q1.label(lang="en") == "Q1 FY2022 (B.E. 2565)"
    assert Q1.range_label() == "๑ ต.ค. ๒๕๖๔ – ๓๑ ธ.ค. ๒๕๖๔"
    assert Q1.range_label(thai_digits=False) == "1 ต.ค. 2564 – 31 ธ.ค. 2564"
    assert Q1.range_label(lang="en") == "1 Oct 2021 – 31 Dec 2021"
    assert Q1.key == str(Q1) == "2565-Q1"
    assert quarter_from_key("2565-Q1") == Q1


@pytest.mark.parametrize("key", ["2565-Q5", "2565-Q0", "2565Q1", "65-Q1", "", "2565-q1x"])
def test_bad_keys(key: str) -> None:
    with pytest.raises(ValueError, match="quarter key"):
        quarter_from_key(key)


def test_bad_quarter_number() -> None:
    with pytest.raises(ValueError):
        Quarter(2565, 5)


def test_quarters_ending_in() -> None:
    assert quarters_ending_in(date(2021, 11, 1), date(2022, 3, 31)) == [Q1, Q2]
    assert quarters_ending_in(date(2021, 11, 1), date(2022, 3, 30)) == [Q1]
    assert quarters_ending_in(date(2022, 1, 1), date(2022, 3, 30)) == []
    assert quarters_ending_in(date(2022, 3, 31), date(2021, 1, 1)) == []


def test_navigation_and_order() -> None:
    assert Quarter(2565, 4).next() == Quarter(2566, 1)
    assert Q1.previous() == Quarter(2564, 4)
    assert sorted([Q2, Quarter(2564, 4), Q1]) == [Quarter(2564, 4), Q1, Q2]
    assert date(2021, 10, 1) in Q1
    assert datetime(2021, 10, 1) not in Q1


@given(dates)
def test_every_date_is_in_exactly_its_quarter(d: date) -> None:
    q = fiscal_quarter(d)
    assert q.start <= d <= q.end
    assert d in q
    assert d not in q.previous() and d not in q.next()
    assert q.fiscal_year_be == fiscal_year_be(d)
    assert quarter_from_key(q.key) == q


@given(dates)
def test_quarters_tile_the_calendar(d: date) -> None:
    q = fiscal_quarter(d)
    assert (q.next().start - q.end).days == 1
    assert fiscal_quarter(q.end) == q and fiscal_quarter(q.start) == q


@given(dates, st.integers(min_value=0, max_value=800))
def test_quarters_ending_in_properties(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    qs = quarters_ending_in(start, end)
    assert all(start <= q.end <= end for q in qs)
    assert all(a.next() == b for a, b in pairwise(qs))
    first = qs[0] if qs else fiscal_quarter(start)
    assert first.previous().end < start
    last = qs[-1] if qs else fiscal_quarter(start).previous()
    assert last.next().end > end
