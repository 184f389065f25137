"""The answer draft's state machine: every legal move, and illegal ones refused with a reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.texts import CATALOGS
from bot.usecases.drafts import (
    EVIDENCE_LIMIT,
    TEXT_LIMIT,
    TRANSITIONS,
    AnswerRefused,
    DraftEvent,
    DraftStep,
    advance,
    allows,
    extend_draft,
)
from bot.usecases.refusals import Refused
from storage.models import Draft

S, E = DraftStep, DraftEvent

# Written out by hand rather than derived from the table, so a changed table fails here.
LEGAL: list[tuple[DraftStep | None, DraftEvent, DraftStep | None]] = [
    (None, E.START_WITH_STATUS, S.TEXT),
    (S.TEXT, E.START_WITH_STATUS, S.TEXT),
    (S.EVIDENCE, E.START_WITH_STATUS, S.TEXT),
    (S.CARRY_CONFIRM, E.START_WITH_STATUS, S.TEXT),
    (None, E.START_CARRY, S.CARRY_CONFIRM),
    (S.TEXT, E.START_CARRY, S.CARRY_CONFIRM),
    (S.EVIDENCE, E.START_CARRY, S.CARRY_CONFIRM),
    (S.CARRY_CONFIRM, E.START_CARRY, S.CARRY_CONFIRM),
    (S.TEXT, E.ADD_TEXT, S.EVIDENCE),
    (S.EVIDENCE, E.ADD_TEXT, S.EVIDENCE),
    (S.TEXT, E.ADD_EVIDENCE, S.TEXT),
    (S.EVIDENCE, E.ADD_EVIDENCE, S.EVIDENCE),
    (S.TEXT, E.CHANGE_STATUS, S.TEXT),
    (S.EVIDENCE, E.CHANGE_STATUS, S.EVIDENCE),
    (S.TEXT, E.START_OVER, S.TEXT),
    (S.EVIDENCE, E.START_OVER, S.TEXT),
    (S.EVIDENCE, E.CONFIRM, None),
    (S.CARRY_CONFIRM, E.CONFIRM, None),
    (S.TEXT, E.CANCEL, None),
    (S.EVIDENCE, E.CANCEL, None),
    (S.CARRY_CONFIRM, E.CANCEL, None),
]

ILLEGAL: list[tuple[DraftStep | None, DraftEvent, str]] = [
    # Nothing written yet: there is nothing to confirm.
    (S.TEXT, E.CONFIRM, "no_text"),
    # A carried answer is confirmed or dropped as it is.
    (S.CARRY_CONFIRM, E.ADD_TEXT, "stale_draft"),
    (S.CARRY_CONFIRM, E.ADD_EVIDENCE, "stale_draft"),
    # No draft: an old button or a message with nothing to go into.
    (None, E.CONFIRM, "stale_draft"),
    (None, E.CANCEL, "stale_draft"),
    (None, E.ADD_TEXT, "stale_draft"),
    (None, E.ADD_EVIDENCE, "stale_draft"),
    (None, E.CHANGE_STATUS, "stale_draft"),
    (None, E.START_OVER, "stale_draft"),
    # A carried answer takes a new status by starting a new draft, not by changing this one.
    (S.CARRY_CONFIRM, E.CHANGE_STATUS, "stale_draft"),
    (S.CARRY_CONFIRM, E.START_OVER, "stale_draft"),
]


def test_the_values_are_what_the_column_already_holds() -> None:
    assert [s.value for s in DraftStep] == ["text", "evidence", "carry_confirm"]
    assert DraftStep("carry_confirm") is S.CARRY_CONFIRM


@pytest.mark.parametrize(("step", "event", "after"), LEGAL)
def test_legal_move(step: DraftStep | None, event: DraftEvent, after: DraftStep | None) -> None:
    assert allows(step, event)
    assert advance(step, event) == after


def test_the_table_has_exactly_the_legal_moves() -> None:
    assert {(s, e): a for s, e, a in LEGAL} == TRANSITIONS


@pytest.mark.parametrize(("step", "event", "reason"), ILLEGAL)
def test_illegal_move_is_refused(step: DraftStep | None, event: DraftEvent, reason: str) -> None:
    assert not allows(step, event)
    with pytest.raises(AnswerRefused) as refused:
        advance(step, event)
    assert isinstance(refused.value, Refused)
    assert refused.value.reason == reason
    assert refused.value.key == f"refuse.{reason}"
    assert all(refused.value.key in catalog for catalog in CATALOGS.values())


def test_every_move_is_legal_or_refused() -> None:
    steps: list[DraftStep | None] = [None, *DraftStep]
    for step in steps:
        for event in DraftEvent:
            if allows(step, event):
                advance(step, event)
            else:
                with pytest.raises(AnswerRefused):
                    advance(step, event)


NOW = datetime(2022, 1, 20, 3, 0, tzinfo=UTC)


def _draft(step: DraftStep, text: str = "", evidence: int = 0) -> Draft:
    return Draft(step=step.value, text=text, evidence=[{"kind": "link"}] * evidence)


def test_extending_moves_the_step() -> None:
    draft = _draft(S.TEXT)
    extend_draft(draft, evidence=[{"kind": "link", "url": "u"}], now=NOW)
    assert (draft.step, draft.text, len(draft.evidence)) == ("text", "", 1)
    extend_draft(draft, text="ทำแล้ว", now=NOW)
    assert (draft.step, draft.text) == ("evidence", "ทำแล้ว")
    extend_draft(draft, text="เพิ่มเติม", now=NOW)
    assert draft.text == "ทำแล้ว\nเพิ่มเติม"


@pytest.mark.parametrize(
    ("draft", "text", "evidence", "reason"),
    [
        (_draft(S.EVIDENCE, "ก" * (TEXT_LIMIT - 1)), "ขค", 0, "text_too_long"),
        (_draft(S.EVIDENCE, "ก", EVIDENCE_LIMIT), "", 1, "too_much_evidence"),
        (_draft(S.CARRY_CONFIRM, "ก"), "ข", 0, "stale_draft"),
    ],
)
def test_a_refused_extension_changes_nothing(
    draft: Draft, text: str, evidence: int, reason: str
) -> None:
    before = (draft.step, draft.text, list(draft.evidence))
    with pytest.raises(AnswerRefused) as refused:
        extend_draft(draft, text=text, evidence=[{"kind": "link"}] * evidence, now=NOW)
    assert refused.value.reason == reason
    assert (draft.step, draft.text, list(draft.evidence)) == before
