"""The message catalog: Thai and English agree on keys and placeholders."""

from __future__ import annotations

import pytest

from bot.texts import CATALOGS, meeting_title, pick_language, placeholders, t


def test_catalogs_have_the_same_keys() -> None:
    assert set(CATALOGS["th"]) == set(CATALOGS["en"])


@pytest.mark.parametrize("key", sorted(CATALOGS["th"]))
def test_placeholders_agree(key: str) -> None:
    assert placeholders(CATALOGS["th"][key]) == placeholders(CATALOGS["en"][key])


def test_thai_texts_are_thai() -> None:
    thai = [k for k, v in CATALOGS["th"].items() if any("\u0e00" <= c <= "\u0e7f" for c in v)]
    # Command names aside, every Thai entry must carry Thai script.
    assert len(thai) == len(CATALOGS["th"])


def test_command_descriptions_fit_telegram() -> None:
    for catalog in CATALOGS.values():
        for key, value in catalog.items():
            if key.startswith("cmd."):
                assert 3 <= len(value) <= 256


def test_language_choice() -> None:
    assert pick_language(None) == "th"
    assert pick_language("en-US") == "en"
    assert pick_language("fr") == "th"
    assert pick_language("fr", "en") == "en"
    assert "ลิงก์เชิญ" in t("auth.stranger", "th")
    assert "welcome" in t("auth.stranger", "en")


def test_alerts_fit_a_callback_answer() -> None:
    # answer_callback_query shows at most 200 characters.
    for catalog in CATALOGS.values():
        for key, value in catalog.items():
            if key.endswith("_alert"):
                assert len(value) <= 200, key


@pytest.mark.parametrize(
    "series",
    [
        "ประชุมหัวหน้าส่วนราชการประจำเดือน",  # the seed plan's name of the series
        "การประชุมหัวหน้าส่วนราชการประจำเดือน",
        "ประชุมหัวหน้าส่วนราชการ",
        " ประชุมหัวหน้าส่วนราชการ ประจำเดือน ",
    ],
)
def test_a_meeting_title_says_monthly_once(series: str) -> None:
    title = meeting_title(series, "มกราคม ๒๕๖๕", "th")
    assert title == "การประชุมหัวหน้าส่วนราชการประจำเดือนมกราคม ๒๕๖๕"


def test_a_meeting_title_in_english() -> None:
    title = meeting_title("Monthly meeting of division heads", "January 2022", "en")
    assert title == "Monthly meeting of division heads, January 2022"
