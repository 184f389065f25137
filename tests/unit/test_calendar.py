"""Working days (scheduler.workdays) and meeting rules (scheduler.meetings)."""

import calendar
import datetime as dt
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.meetings import MeetingRule, parse_rule
from scheduler.workdays import WorkCalendar

CAL = WorkCalendar()  # shared so the per-year holiday cache is reused across examples

# Verified against holidays 0.109, categories public + government.
KNOWN_HOLIDAYS = {
    date(2021, 10, 25): "ชดเชยวันปิยมหาราช",  # Chulalongkorn Day (Sat 23rd) in lieu
    date(2021, 12, 10): "วันรัฐธรรมนูญ",  # Constitution Day
    date(2021, 12, 31): "วันสิ้นปี",  # New Year's Eve
    date(2022, 1, 3): "ชดเชยวันขึ้นปีใหม่",  # New Year's Day (Sat 1st) in lieu
    date(2022, 2, 16): "วันมาฆบูชา",  # Makha Bucha
    date(2022, 5, 13): "วันพืชมงคล",  # Royal Ploughing Ceremony (government category)
    date(2022, 7, 29): "วันหยุดพิเศษ (เพิ่มเติม)",  # Cabinet bridge holiday
}


# --- holidays -----------------------------------------------------------------------


@pytest.mark.parametrize(("d", "name"), KNOWN_HOLIDAYS.items())
def test_known_holidays(d: date, name: str) -> None:
    assert CAL.is_holiday(d)
    assert not CAL.is_working_day(d)
    assert CAL.holiday_name(d) == name


def test_holiday_names_in_english() -> None:
    assert CAL.holiday_name(date(2022, 2, 16), lang="en") == "Makha Bucha"
    assert CAL.holiday_name(date(2021, 12, 10), lang="en") == "Constitution Day"
    assert CAL.holiday_name(date(2022, 1, 3), lang="en") == "New Year's Day (in lieu)"


def test_ordinary_days() -> None:
    assert not CAL.is_holiday(date(2022, 2, 15))
    assert CAL.holiday_name(date(2022, 2, 15)) is None
    assert CAL.is_working_day(date(2022, 2, 15))  # Tuesday
    assert not CAL.is_working_day(date(2022, 2, 19))  # Saturday
    assert not CAL.is_holiday(date(2022, 2, 19))


def test_public_only_calendar_works_on_royal_ploughing_day() -> None:
    assert WorkCalendar(categories=("public",)).is_working_day(date(2022, 5, 13))


def test_extra_holidays_and_workdays() -> None:
    cal = WorkCalendar(
        extra_holidays={date(2022, 3, 1): "วันเทศบาล"},
        extra_workdays=[date(2022, 3, 5), date(2022, 2, 16)],
    )
    assert cal.is_holiday(date(2022, 3, 1))
    assert not cal.is_working_day(date(2022, 3, 1))
    assert cal.holiday_name(date(2022, 3, 1)) == "วันเทศบาล"
    assert cal.is_working_day(date(2022, 3, 5))  # a Saturday made a workday
    assert cal.is_working_day(date(2022, 2, 16))  # overrides even an official holiday
    assert cal.is_holiday(date(2022, 2, 16))  # ...which is still a holiday by name
    unnamed = WorkCalendar(extra_holidays=[date(2022, 3, 1)])
    assert unnamed.holiday_name(date(2022, 3, 1)) == "วันหยุดพิเศษ"
    assert unnamed.holiday_name(date(2022, 3, 1), lang="en") == "Special holiday"


def test_conflicting_extras_rejected() -> None:
    with pytest.raises(ValueError, match="both"):
        WorkCalendar(extra_holidays=[date(2022, 3, 1)], extra_workdays=[date(2022, 3, 1)])


# --- working-day arithmetic ---------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2021, 12, 30), 1, date(2022, 1, 4)),  # 31st, weekend, 3rd in lieu
        (date(2021, 12, 9), 1, date(2021, 12, 13)),  # skips Constitution Day + weekend
        (date(2022, 2, 15), 1, date(2022, 2, 17)),  # skips Makha Bucha
        (date(2022, 2, 14), 5, date(2022, 2, 22)),
        (date(2022, 1, 4), -1, date(2021, 12, 30)),
        (date(2022, 2, 19), 0, date(2022, 2, 19)),  # n == 0 leaves even a Saturday alone
        (date(2022, 2, 19), 1, date(2022, 2, 21)),
        (date(2022, 2, 19), -1, date(2022, 2, 18)),
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert CAL.add_working_days(start, n) == expected


def test_helpers() -> None:
    assert CAL.working_days_before(date(2022, 1, 4), 1) == date(2021, 12, 30)
    assert CAL.working_days_before(date(2022, 1, 4), 0) == date(2022, 1, 4)
    assert CAL.next_working_day_after(date(2021, 12, 30)) == date(2022, 1, 4)
    assert CAL.next_working_day_after(date(2022, 2, 14)) == date(2022, 2, 15)
    assert CAL.working_days_between(date(2021, 12, 30), date(2022, 1, 4)) == 1
    assert CAL.working_days_between(date(2022, 1, 4), date(2021, 12, 30)) == -1
    with pytest.raises(ValueError):
        CAL.working_days_before(date(2022, 1, 4), -1)


days_2015_2030 = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))


@settings(deadline=None)  # first use of a year builds its holiday table
@given(days_2015_2030, st.integers(min_value=-60, max_value=60))
def test_add_working_days_properties(d: date, n: int) -> None:
    result = CAL.add_working_days(d, n)
    assert CAL.working_days_between(d, result) == n
    if n != 0:
        assert CAL.is_working_day(result)
        assert (result > d) == (n > 0)
    # From a working day, stepping back the same count is an exact inverse.
    back = CAL.add_working_days(result, -n)
    if n != 0 and CAL.is_working_day(d):
        assert back == d


@settings(deadline=None)
@given(days_2015_2030)
def test_next_working_day_is_the_first_one(d: date) -> None:
    nxt = CAL.next_working_day_after(d)
    assert CAL.is_working_day(nxt)
    gap = (nxt - d).days
    assert gap >= 1
    assert not any(CAL.is_working_day(d + dt.timedelta(i)) for i in range(1, gap))


# --- meeting rules ------------------------------------------------------------------


def test_last_wednesday() -> None:
    rule = parse_rule("last wednesday 09:30")
    assert rule.time == dt.time(9, 30)
    assert rule.occurrences(date(2021, 10, 1), date(2022, 3, 31)) == [
        date(2021, 10, 27),
        date(2021, 11, 24),
        date(2021, 12, 29),
        date(2022, 1, 26),
        date(2022, 2, 23),
        date(2022, 3, 30),
    ]


@pytest.mark.parametrize(
    ("text", "normalized", "expected"),
    [
        ("first monday 10:00", "first monday 10:00", date(2021, 11, 1)),
        ("second tuesday 13:30", "second tuesday 13:30", date(2021, 11, 9)),
        ("3rd friday 9:00", "third friday 09:00", date(2021, 11, 19)),
        ("4th thursday 09:00", "fourth thursday 09:00", date(2021, 11, 25)),
        ("day 15 10:00", "day 15 10:00", date(2021, 11, 15)),
        ("  LAST   Wed  9.30 ", "last wednesday 09:30", date(2021, 11, 24)),
        ("1st sun 00:00", "first sunday 00:00", date(2021, 11, 7)),
    ],
)
def test_parse_rule(text: str, normalized: str, expected: date) -> None:
    rule = parse_rule(text)
    assert str(rule) == normalized
    assert rule.date_in(2021, 11) == expected
    assert parse_rule(str(rule)) == rule


def test_fixed_day_clamps_to_month_end() -> None:
    rule = parse_rule("day 31 10:00")
    assert rule.date_in(2022, 2) == date(2022, 2, 28)
    assert rule.date_in(2024, 2) == date(2024, 2, 29)
    assert rule.date_in(2022, 4) == date(2022, 4, 30)
    assert rule.date_in(2022, 5) == date(2022, 5, 31)


def test_occurrences_bounds_are_inclusive_by_date() -> None:
    rule = parse_rule("day 15 10:00")
    assert rule.occurrences(date(2022, 1, 15), date(2022, 3, 15)) == [
        date(2022, 1, 15),
        date(2022, 2, 15),
        date(2022, 3, 15),
    ]
    assert rule.occurrences(date(2022, 1, 16), date(2022, 3, 14)) == [date(2022, 2, 15)]
    assert rule.occurrences(date(2022, 3, 1), date(2022, 1, 1)) == []


def test_datetime_in() -> None:
    bkk = ZoneInfo("Asia/Bangkok")
    when = parse_rule("last wednesday 09:30").datetime_in(2022, 1, bkk)
    assert when == dt.datetime(2022, 1, 26, 2, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "expected"),
        ("last wednesday", "expected"),
        ("fifth monday 09:00", "ordinal"),
        ("last funday 09:00", "weekday"),
        ("last wednesday 24:00", "time"),
        ("last wednesday 09:60", "time"),
        ("last wednesday 0930", "time"),
        ("day 0 10:00", "day"),
        ("day 32 10:00", "day"),
        ("day x 10:00", "day"),
        ("every wednesday 09:30 extra", "expected"),
    ],
)
def test_invalid_rules(text: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        parse_rule(text)


def test_invalid_rule_message_lists_accepted_forms() -> None:
    with pytest.raises(ValueError) as exc:
        parse_rule("monthly")
    assert "last wednesday 09:30" in str(exc.value) and "day 15 10:00" in str(exc.value)


def test_rule_constructor_validates() -> None:
    with pytest.raises(ValueError):
        MeetingRule(time=dt.time(9), week=5, weekday=0)
    with pytest.raises(ValueError):
        MeetingRule(time=dt.time(9), day=3, weekday=0)
    with pytest.raises(ValueError):
        MeetingRule(time=dt.time(9), week=1)


rules = st.builds(
    MeetingRule,
    time=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    week=st.sampled_from([1, 2, 3, 4, -1]),
    weekday=st.integers(0, 6),
)
months = st.tuples(st.integers(1, 9999), st.integers(1, 12))


@given(rules, months)
def test_weekday_rule_properties(rule: MeetingRule, ym: tuple[int, int]) -> None:
    d = rule.date_in(*ym)
    assert (d.year, d.month) == ym
    assert d.weekday() == rule.weekday
    if rule.week == -1:
        assert d.day + 7 > calendar.monthrange(*ym)[1]
    else:
        assert (d.day - 1) // 7 + 1 == rule.week
    assert parse_rule(str(rule)) == rule


@given(st.integers(1, 31), months)
def test_fixed_day_properties(day: int, ym: tuple[int, int]) -> None:
    d = MeetingRule(time=dt.time(10), day=day).date_in(*ym)
    assert (d.year, d.month) == ym
    assert d.day == day or (d.day < day and d.day == calendar.monthrange(*ym)[1])
