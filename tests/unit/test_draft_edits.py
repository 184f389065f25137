"""An edited message replaces its own words in the draft, and nothing else (hole 8)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.usecases.drafts import AnswerRefused, DraftStep, replace_part
from storage.models import Draft

NOW = datetime(2022, 1, 20, 3, 0, tzinfo=UTC)


def _draft(text: str, step: DraftStep = DraftStep.EVIDENCE) -> Draft:
    return Draft(step=step.value, text=text, evidence=[])


@pytest.mark.parametrize(
    ("text", "old", "new", "after"),
    [
        ("ก", "ก", "ข", "ข"),
        ("หนึ่ง\nสอง\nสาม", "สอง", "๒", "หนึ่ง\n๒\nสาม"),
        ("ซ้ำ\nซ้ำ", "ซ้ำ", "ใหม่", "ซ้ำ\nใหม่"),  # the later message of the two
        ("บรรทัด 1\nบรรทัด 2\nท้าย", "บรรทัด 1\nบรรทัด 2", "รวม", "รวม\nท้าย"),
        ("ต้น\nกลาง", "กลาง", "", "ต้น"),
    ],
)
def test_the_messages_words_are_replaced(text: str, old: str, new: str, after: str) -> None:
    draft = _draft(text)
    replace_part(draft, old, new, now=NOW)
    assert draft.text == after


@pytest.mark.parametrize(
    ("text", "old", "step"),
    [
        ("สองสาม", "สอง", DraftStep.EVIDENCE),  # not a whole message: no partial match
        ("อื่น", "หาย", DraftStep.EVIDENCE),
        ("ก", "ก", DraftStep.CARRY_CONFIRM),
    ],
)
def test_unknown_words_are_refused_and_nothing_changes(
    text: str, old: str, step: DraftStep
) -> None:
    draft = _draft(text, step)
    with pytest.raises(AnswerRefused) as refused:
        replace_part(draft, old, "x", now=NOW)
    assert refused.value.reason == "edit_unknown" and draft.text == text
