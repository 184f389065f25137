"""Every reason an answer can be refused has a polite text in both languages."""

from __future__ import annotations

import pytest

from bot.texts import CATALOGS
from bot.usecases.drafts import REFUSAL_REASONS, AnswerRefused


@pytest.mark.parametrize("reason", REFUSAL_REASONS)
def test_reason_has_text(reason: str) -> None:
    for catalog in CATALOGS.values():
        assert f"refuse.{reason}" in catalog


def test_unknown_reason_is_a_programming_error() -> None:
    with pytest.raises(AssertionError):
        AnswerRefused("no_such_reason")
