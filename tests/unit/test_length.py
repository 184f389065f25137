"""Lengths as Telegram counts them: UTF-16 units of the visible text (issue 13, hole 7)."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.telegram.views.answer import ANSWER_CHARS, measure_screen
from bot.telegram.views.length import (
    MESSAGE_LIMIT,
    cut,
    drop_lines,
    fits,
    pack,
    utf16_len,
    visible_len,
)
from bot.usecases.answering import AnswerSummary, ItemKey, ItemView
from tests.unit.read_models import FIN, JANUARY, MEASURE

EMOJI = "😀"  # outside the BMP: two UTF-16 units
THAI = "ก"  # one unit


def test_units_not_characters() -> None:
    assert len(EMOJI) == 1 and utf16_len(EMOJI) == 2
    assert utf16_len(THAI * 3) == 3
    assert visible_len("<b>ก</b> &lt;&amp;") == 4


@pytest.mark.parametrize("text", [EMOJI * 3000, THAI * 5000, (THAI + EMOJI) * 2000])
def test_cut_emoji_and_thai_exactly_at_the_limit(text: str) -> None:
    out = cut(text, MESSAGE_LIMIT)
    assert utf16_len(out) <= MESSAGE_LIMIT
    assert utf16_len(out) >= MESSAGE_LIMIT - 2  # as close as a whole character allows
    assert out.endswith("…")
    out.encode("utf-8")  # no lone surrogate: it encodes


def test_text_at_the_limit_is_kept_whole() -> None:
    text = THAI * (MESSAGE_LIMIT - 2) + EMOJI
    assert utf16_len(text) == MESSAGE_LIMIT and cut(text, MESSAGE_LIMIT) == text
    assert cut(text + THAI, MESSAGE_LIMIT) != text + THAI


def test_escaped_angle_brackets_count_once() -> None:
    markup = html.escape("<" * 1000)
    assert len(markup) == 4000 and visible_len(markup) == 1000
    assert fits(markup)


def test_pack_breaks_between_lines_in_units() -> None:
    lines = [EMOJI * 10] * 10  # 20 units a line, 21 with its newline
    pages = pack(lines, 63)
    assert [p.count("\n") + 1 for p in pages] == [3, 3, 3, 1]
    assert all(visible_len(p) <= 63 for p in pages)


def test_drop_lines_keeps_tags_whole() -> None:
    markup = "<b>หัวข้อ</b>\n" + "\n".join(f"<i>{EMOJI * 30}</i>" for _ in range(5))
    out = drop_lines(markup, 130)
    assert visible_len(out) <= 130 and out.count("<i>") == out.count("</i>") == 2


def _item(text: str) -> ItemView:
    rnd = JANUARY
    answer = AnswerSummary(
        who="สมชาย", at=datetime(2022, 1, 20, tzinfo=UTC), status="done", text=text
    )
    return ItemView(
        key=ItemKey(1, 1, 1),
        round=rnd,
        measure=MEASURE,
        actions=((1, "ติดป้าย"),),
        division=FIN,
        current=answer,
        previous=answer,
        late=False,
    )


@pytest.mark.parametrize("text", [EMOJI * 3000, "<" * 3000, (THAI + EMOJI) * 1500])
def test_the_measure_screen_cuts_answers_in_units(text: str) -> None:
    screen, _ = measure_screen(_item(text), "th", ZoneInfo("Asia/Bangkok"))
    assert fits(screen)
    # Each answer is cut to ANSWER_CHARS units as Telegram counts them, not characters.
    assert visible_len(screen) <= 2 * ANSWER_CHARS + 600


def test_an_answer_of_angle_brackets_hides_no_division() -> None:
    from bot.telegram.views.reports import fit

    blocks = [
        "<b>FIN</b> " + html.escape("<" * 1000),
        "<b>PALAD</b> ทำแล้ว",
        "<b>STRAT</b> " + EMOJI,
    ]
    out = fit(blocks, "th")
    assert "PALAD" in out and "STRAT" in out
    emoji_blocks = [EMOJI * 1000, EMOJI * 1000]  # 4000 units: too long together
    assert visible_len(fit(emoji_blocks, "th")) <= MESSAGE_LIMIT


def test_the_invitation_message_escapes_the_division_name() -> None:
    from bot.telegram.views.people import invite_created
    from bot.usecases.enrolment import MadeInvite
    from storage.people import Role

    role = Role("head", 1, "X", "<สำนัก> & ทดสอบ", "<Office> & test")
    made = MadeInvite(1, "t" * 32, role, datetime(2022, 1, 20, tzinfo=UTC))
    text, _ = invite_created(made, "https://t.me/b?start=x", "th", ZoneInfo("Asia/Bangkok"))
    assert "&lt;สำนัก&gt; &amp; ทดสอบ" in text and "<สำนัก>" not in text
