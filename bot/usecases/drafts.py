"""The answer draft as a state machine: its steps, the events that move it, and its limits.

A person has at most one draft. `None` stands for "no draft": starting one leaves it, and
confirming or cancelling returns to it. Every allowed move is in `TRANSITIONS`; anything else
is refused with a reason the faces word from the catalog (`refuse.<reason>`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, overload

from sqlalchemy.ext.asyncio import AsyncSession

from bot.filetypes import MAX_FILE_BYTES, allowed, media_type, safe_name
from bot.usecases.refusals import Refused
from storage.drafts import ItemContext, evidence_dicts, get_draft, new_draft
from storage.models import STATUSES, Draft, Report
from storage.text import clean_json, clean_text

# A report's text stays small enough to show whole in one Telegram message with its context.
TEXT_LIMIT = 3000
EVIDENCE_LIMIT = 10

# Why an answer can be refused; each has a `refuse.<reason>` text in both catalogs.
REFUSAL_REASONS = (
    "bad_status",
    "text_too_long",
    "too_much_evidence",
    "round_closed",
    "no_status",
    "no_text",
    "stale_draft",
    "not_your_division",
    "no_draft",
    "no_draft_evidence",
    "unsupported",
    "file_too_big",
    "file_type",
    "edit_unknown",
)


@dataclass(frozen=True)
class FileEvidence:
    """A photo, document, video or voice note as the channel received it."""

    kind: str  # one of bot.filetypes.MEDIA_KINDS
    file_id: str
    file_unique_id: str
    file_name: str | None
    mime_type: str | None
    file_size: int | None


@dataclass(frozen=True)
class Addition:
    """One message for the draft: its words, the links in them, and an attached file."""

    text: str = ""
    links: tuple[str, ...] = ()
    file: FileEvidence | None = None


class AnswerRefused(Refused):
    """The answer cannot be taken; `reason` is one of REFUSAL_REASONS."""

    def __init__(self, reason: str, **kwargs: Any) -> None:
        assert reason in REFUSAL_REASONS, reason
        super().__init__(reason, action="answer", **kwargs)


class DraftStep(StrEnum):
    """What the draft waits for next; the value is what the `draft.step` column holds."""

    TEXT = "text"  # a status is chosen: what was done, in words
    EVIDENCE = "evidence"  # text given: more text or evidence, or confirm
    CARRY_CONFIRM = "carry_confirm"  # last round's answer copied: confirm or cancel as it is


class DraftEvent(StrEnum):
    """What the person does to a draft."""

    START_WITH_STATUS = "start_with_status"
    START_CARRY = "start_carry"
    ADD_TEXT = "add_text"
    ADD_EVIDENCE = "add_evidence"
    CHANGE_STATUS = "change_status"  # another status for the same item: nothing else changes
    START_OVER = "start_over"  # the explicit, confirmed "clear what I wrote" button
    CONFIRM = "confirm"
    CANCEL = "cancel"


_S, _E = DraftStep, DraftEvent
_ANY: tuple[DraftStep | None, ...] = (None, *DraftStep)
_LIVE: tuple[DraftStep, ...] = tuple(DraftStep)

# (step, event) -> the next step; None is "no draft" on either side. Starting over is allowed
# from anywhere (whether an unfinished answer may be thrown away is the use case's call).
TRANSITIONS: dict[tuple[DraftStep | None, DraftEvent], DraftStep | None] = {
    **{(s, _E.START_WITH_STATUS): _S.TEXT for s in _ANY},
    **{(s, _E.START_CARRY): _S.CARRY_CONFIRM for s in _ANY},
    (_S.TEXT, _E.ADD_TEXT): _S.EVIDENCE,
    (_S.EVIDENCE, _E.ADD_TEXT): _S.EVIDENCE,
    # Evidence alone does not make an answer: the text is still owed.
    (_S.TEXT, _E.ADD_EVIDENCE): _S.TEXT,
    (_S.EVIDENCE, _E.ADD_EVIDENCE): _S.EVIDENCE,
    # Correcting the status keeps the words and files already given (a slip wipes nothing).
    (_S.TEXT, _E.CHANGE_STATUS): _S.TEXT,
    (_S.EVIDENCE, _E.CHANGE_STATUS): _S.EVIDENCE,
    (_S.TEXT, _E.START_OVER): _S.TEXT,
    (_S.EVIDENCE, _E.START_OVER): _S.TEXT,
    (_S.EVIDENCE, _E.CONFIRM): None,
    (_S.CARRY_CONFIRM, _E.CONFIRM): None,
    **{(s, _E.CANCEL): None for s in _LIVE},
}

# Why an illegal move is refused, where the catalog says more than "stale". (A message with
# no draft at all is answered by the use case, which knows whether it brought a file.)
_ILLEGAL: dict[tuple[DraftStep | None, DraftEvent], str] = {
    (_S.TEXT, _E.CONFIRM): "no_text",
}


@overload
def advance(
    step: DraftStep | None, event: Literal[DraftEvent.CONFIRM, DraftEvent.CANCEL]
) -> None: ...
@overload
def advance(
    step: DraftStep | None,
    event: Literal[
        DraftEvent.START_WITH_STATUS,
        DraftEvent.START_CARRY,
        DraftEvent.ADD_TEXT,
        DraftEvent.ADD_EVIDENCE,
        DraftEvent.CHANGE_STATUS,
        DraftEvent.START_OVER,
    ],
) -> DraftStep: ...
def advance(step: DraftStep | None, event: DraftEvent) -> DraftStep | None:
    """The step after `event`, or AnswerRefused when the draft cannot take it now."""
    if (step, event) not in TRANSITIONS:
        raise AnswerRefused(_ILLEGAL.get((step, event), "stale_draft"))
    return TRANSITIONS[(step, event)]


def allows(step: DraftStep | None, event: DraftEvent) -> bool:
    """Whether the draft can take `event` at this step (a face shows only such buttons)."""
    return (step, event) in TRANSITIONS


def step_of(draft: Draft | None) -> DraftStep | None:
    """The draft's step as the machine knows it (None for no draft)."""
    return None if draft is None else DraftStep(draft.step)


def has_content(draft: Draft) -> bool:
    """Whether the person already wrote or attached something (worth not throwing away)."""
    return bool(draft.text.strip() or draft.evidence)


async def start_draft(
    session: AsyncSession,
    person_id: int,
    ctx: ItemContext,
    *,
    status: str | None,
    now: datetime,
    carry: Report | None = None,
) -> Draft:
    """Begin the person's draft for an item (one at a time), or change the same item's status."""
    if status is not None and status not in STATUSES:
        raise AnswerRefused("bad_status")
    current = await get_draft(session, person_id)
    if (
        current is not None
        and status is not None
        and carry is None
        and (current.round_id, current.measure_id, current.division_id)
        == (ctx.round.id, ctx.measure.id, ctx.division_id)
        and allows(step_of(current), _E.CHANGE_STATUS)
    ):
        # The same item's status pressed again: a correction, what was written stays.
        change_status(current, status, now=now)
        await session.flush()
        return current
    draft = current or new_draft(session, person_id)
    draft.step = advance(
        step_of(current), _E.START_CARRY if carry is not None else _E.START_WITH_STATUS
    )
    draft.round_id = ctx.round.id
    draft.measure_id = ctx.measure.id
    draft.division_id = ctx.division_id
    draft.updated_at = now
    draft.status = carry.status if carry is not None else status
    draft.text = carry.text if carry is not None else ""
    draft.evidence = evidence_dicts(carry) if carry is not None else []
    draft.carried_from_id = carry.id if carry is not None else None
    await session.flush()
    return draft


def change_status(draft: Draft, status: str, *, now: datetime) -> None:
    """Give the draft another status; its text and evidence stay as they are."""
    if status not in STATUSES:
        raise AnswerRefused("bad_status")
    draft.step = advance(step_of(draft), _E.CHANGE_STATUS)
    draft.status = status
    draft.updated_at = now


def start_over(draft: Draft, *, now: datetime) -> None:
    """Clear the draft's text and evidence (the status stays): only after a confirmation."""
    draft.step = advance(step_of(draft), _E.START_OVER)
    draft.text = ""
    draft.evidence = []
    draft.updated_at = now


def replace_part(draft: Draft, old: str, new: str, *, now: datetime) -> None:
    """An edited message: its words in the draft become the new words (the last match wins).

    Refused (`edit_unknown`) when the draft no longer holds them as they were sent.
    """
    old, new, text = clean_text(old), clean_text(new), draft.text
    end = len(old)
    starts = [
        i
        for i in range(len(text) - end + 1)
        if (i == 0 or text[i - 1] == "\n")
        and text.startswith(old, i)
        and (i + end == len(text) or text[i + end] == "\n")
    ]
    if not old or not starts or step_of(draft) not in (_S.TEXT, _S.EVIDENCE):
        raise AnswerRefused("edit_unknown")
    at = starts[-1]
    replaced = (text[:at] + new + text[at + end :]).strip("\n")
    if len(replaced) > TEXT_LIMIT:
        raise AnswerRefused("text_too_long", limit=TEXT_LIMIT)
    draft.text = replaced
    draft.updated_at = now


def extend_draft(
    draft: Draft, *, text: str = "", evidence: Sequence[dict[str, Any]] = (), now: datetime
) -> None:
    """Add text and evidence to a draft, all or nothing: a refusal leaves the draft unchanged."""
    text = clean_text(text)
    evidence = [clean_json(e) for e in evidence]
    combined = f"{draft.text}\n{text}" if draft.text and text else (draft.text or text)
    step = advance(step_of(draft), _E.ADD_TEXT if text else _E.ADD_EVIDENCE)
    if len(combined) > TEXT_LIMIT:
        raise AnswerRefused("text_too_long", limit=TEXT_LIMIT)
    if len(draft.evidence) + len(evidence) > EVIDENCE_LIMIT:
        raise AnswerRefused("too_much_evidence", limit=EVIDENCE_LIMIT)
    draft.text = combined
    # JSON columns track reassignment, not in-place mutation: assign a new list.
    draft.evidence = [*draft.evidence, *evidence]
    draft.step = step
    draft.updated_at = now


def message_content(
    addition: Addition, now: datetime, max_bytes: int = MAX_FILE_BYTES
) -> tuple[str, list[dict[str, Any]]]:
    """Check a message against the limits; its words and evidence as the draft keeps them."""
    file = addition.file
    if file is None and not addition.text:
        raise AnswerRefused("unsupported")
    if file is not None and (file.file_size or 0) > max_bytes:
        raise AnswerRefused("file_too_big", limit=max_bytes // 2**20)
    if file is not None and not allowed(file.kind, file.file_name, file.mime_type):
        raise AnswerRefused("file_type")
    if len(addition.text) > TEXT_LIMIT:
        raise AnswerRefused("text_too_long", limit=TEXT_LIMIT)
    # A file's caption describes the file: only a plain message's links are evidence.
    links = addition.links if file is None else ()
    evidence: list[dict[str, Any]] = [{"kind": "link", "url": url} for url in links]
    if file is not None:
        kept = {
            "file_name": safe_name(file.file_name, "") or None,
            "mime_type": media_type(file.kind, file.file_name, file.mime_type),
        }
        evidence.append({**asdict(file), **kept, "url": None, "received_at": now.isoformat()})
    # A message that is nothing but a link is evidence, not part of the text.
    words = "" if links and addition.text.strip() in links else addition.text
    return words, evidence
