from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.thaidate import (
    EN_MONTHS,
    EN_MONTHS_ABBR,
    THAI_MONTHS,
    THAI_MONTHS_ABBR,
    be_year,
    format_date,
    format_datetime,
    format_month_short,
    format_month_year_short,
    from_thai_digits,
    normalize_lang,
    to_thai_digits,
)

BKK = ZoneInfo("Asia/Bangkok")
D = date(2022, 1, 26)


def test_month_tables() -> None:
    assert THAI_MONTHS_ABBR == (
        "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
        "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
    )  # fmt: skip
    assert THAI_MONTHS[0] == "มกราคม"
    assert THAI_MONTHS[9] == "ตุลาคม"
    assert THAI_MONTHS[11] == "ธันวาคม"
    assert len(THAI_MONTHS) == len(EN_MONTHS) == len(EN_MONTHS_ABBR) == 12
    assert EN_MONTHS_ABBR[8] == "Sep"


@pytest.mark.parametrize(
    ("d", "be"), [(date(2022, 1, 26), 2565), (date(2021, 12, 31), 2564), (date(1, 1, 1), 544)]
)
def test_be_year(d: date, be: int) -> None:
    assert be_year(d) == be


def test_thai_digits() -> None:
    assert to_thai_digits("0123456789") == "๐๑๒๓๔๕๖๗๘๙"
    assert to_thai_digits("ปี 2565 Q1 น.") == "ปี ๒๕๖๕ Q๑ น."
    assert from_thai_digits("๒๕๖๕") == "2565"


@given(st.text().filter(lambda s: not any(c in "๐๑๒๓๔๕๖๗๘๙" for c in s)))
def test_thai_digits_round_trip(s: str) -> None:
    thai = to_thai_digits(s)
    assert not any(c in "0123456789" for c in thai)
    assert from_thai_digits(thai) == s


@pytest.mark.parametrize(
    ("lang", "style", "expected"),
    [
        ("th", "short", "26 ม.ค. 2565"),
        ("th", "long", "26 มกราคม 2565"),
        ("th", "month", "มกราคม 2565"),
        ("en", "short", "26 Jan 2022"),
        ("en", "long", "26 January 2022"),
        ("en", "month", "January 2022"),
        ("en-US", "short", "26 Jan 2022"),
        ("th_TH", "short", "26 ม.ค. 2565"),
    ],
)
def test_format_date(lang: str, style: str, expected: str) -> None:
    assert format_date(D, lang=lang, style=style, thai_digits=False) == expected  # type: ignore[arg-type]


def test_format_date_thai_digits() -> None:
    assert format_date(D, thai_digits=True) == "๒๖ ม.ค. ๒๕๖๕"
    # Thai digits never leak into English text.
    assert format_date(D, lang="en", thai_digits=True) == "26 Jan 2022"


def test_format_date_rejects_bad_options() -> None:
    with pytest.raises(ValueError, match="language"):
        format_date(D, lang="fr")
    with pytest.raises(ValueError, match="style"):
        format_date(D, style="full")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        normalize_lang("")


@given(st.dates())
def test_format_date_short_parses_back(d: date) -> None:
    day, abbr, year = format_date(d, thai_digits=False).split(" ")
    assert (int(day), THAI_MONTHS_ABBR.index(abbr) + 1, int(year)) == (d.day, d.month, d.year + 543)
    day, abbr, year = format_date(d, lang="en").split(" ")
    assert (int(day), EN_MONTHS_ABBR.index(abbr) + 1, int(year)) == (d.day, d.month, d.year)


def test_format_datetime_converts_utc_to_bangkok() -> None:
    dt = datetime(2022, 1, 26, 2, 30, tzinfo=UTC)
    assert format_datetime(dt, BKK, thai_digits=False) == "26 ม.ค. 2565 เวลา 09.30 น."
    assert format_datetime(dt, BKK, lang="en") == "26 Jan 2022 09:30"
    # Thai digits are the default in Thai, as in official writing.
    assert format_datetime(dt, BKK) == "๒๖ ม.ค. ๒๕๖๕ เวลา ๐๙.๓๐ น."


def test_format_datetime_crosses_midnight() -> None:
    dt = datetime(2021, 12, 31, 17, 0, tzinfo=UTC)
    assert format_datetime(dt, BKK, thai_digits=False) == "1 ม.ค. 2565 เวลา 00.00 น."


def test_format_datetime_rejects_naive() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime(2022, 1, 26, 9, 30), BKK)


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    )
)
def test_format_datetime_is_utc_plus_7(dt: datetime) -> None:
    local = dt + timedelta(hours=7)
    expected = f"{format_date(local.date(), thai_digits=False)} เวลา {local:%H.%M} น."
    assert format_datetime(dt, BKK, thai_digits=False) == expected
    # The input zone does not matter, only the instant.
    other = dt.astimezone(timezone(timedelta(hours=-5)))
    assert format_datetime(other, BKK, thai_digits=False) == expected


def test_month_year_formats() -> None:
    assert format_month_short(2021, 10) == "ตุลาคม ๖๔"
    assert format_month_short(2021, 10, thai_digits=False) == "ตุลาคม 64"
    assert format_month_short(2021, 10, lang="en") == "October 2021"
    assert format_month_year_short(2021, 10) == "ต.ค. ๖๔"
    assert format_month_year_short(2021, 10, "th", False) == "ต.ค. 64"
    assert format_month_year_short(2021, 10, lang="en") == "Oct 2021"
    # B.E. 2600 -> "00", zero-padded.
    assert format_month_year_short(2057, 1, thai_digits=False) == "ม.ค. 00"
    with pytest.raises(ValueError, match="month"):
        format_month_year_short(2021, 13)
    with pytest.raises(ValueError, match="month"):
        format_month_short(2021, 0)
