"""Report messages stay valid Telegram HTML under 4096 characters, whatever the data holds."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.telegram.views.length import visible_len
from bot.telegram.views.reports import measure_message, summary_message
from storage.read_models import (
    Answer,
    DivisionRef,
    ItemAnswer,
    MeasureDetail,
    MeasureRef,
    RoundInfo,
)
from storage.summary import summarize
from tests.fakebot import parse_html

TZ = ZoneInfo("Asia/Bangkok")
AT = datetime(2022, 1, 20, 3, tzinfo=UTC)
ROUND = RoundInfo(1, 1, "2565-01", "monthly", date(2022, 1, 1), date(2022, 1, 31), AT, AT, None)


def _items(n_divisions: int, text: str) -> list[ItemAnswer]:
    measure = MeasureRef(1, 1, "มาตรการ <ทดสอบ> & " * 10, "")
    items = []
    for d in range(n_divisions):
        division = DivisionRef(d, f"D{d:03d}", f"สำนัก <{d}> " + "ยาว" * 20, "")
        answer = None
        if d % 2:
            answer = Answer(d, "problem", text, True, "ชื่อ <ผู้รายงาน>", AT, False)
        items.append(ItemAnswer(ROUND, measure, division, answer))
    return items


def test_summary_fits_and_escapes() -> None:
    items = _items(200, "x")
    text = summary_message(summarize(ROUND, items), lang="th", tz=TZ, now=AT, own_only=False)
    assert len(text) < 4096
    plain = parse_html(text)  # raises on broken or unescaped markup
    assert "มาตรการ <ทดสอบ> &" in plain
    assert "ใช้ /export" in plain  # the missing list was too long and says so


def test_measure_detail_fits_with_long_answers() -> None:
    items = _items(30, "<b>ข้อความยาวมาก</b> " * 300)
    text = measure_message(MeasureDetail(ROUND, items[0].measure, tuple(items)), lang="th", tz=TZ)
    # Telegram's limit is on the visible text in UTF-16 units, which is what fit() measures.
    assert visible_len(text) < 4096
    plain = parse_html(text)
    assert "<b>ข้อความยาวมาก</b>" in plain and "(รายงานล่าช้า)" in plain
