"""Answering a measure: half-finished drafts in the database, then one confirmed report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.counting import latest_report_id
from storage.models import STATUSES, Draft, Evidence, Measure, Report, Round, RoundItem
from storage.text import clean_json, clean_text

# A report's text stays small enough to show whole in one Telegram message with its context.
TEXT_LIMIT = 3000
EVIDENCE_LIMIT = 10


# Why an answer can be refused; each has a `refuse.<reason>` text in the bot's catalog.
REFUSAL_REASONS = (
    "bad_status",
    "text_too_long",
    "too_much_evidence",
    "round_closed",
    "no_status",
    "no_text",
)


class AnswerRefused(Exception):
    """The answer cannot be taken; `reason` is a catalog-independent code the bot translates."""

    def __init__(self, reason: str) -> None:
        assert reason in REFUSAL_REASONS, reason
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ItemContext:
    """A round item with everything the measure screen shows."""

    round: Round
    measure: Measure
    division_id: int
    current: Report | None
    previous: Report | None


def accepts_answers(rnd: Round, now: datetime, late_days: int) -> bool:
    """Open rounds take answers; closed ones, marked late, for `late_days` after closing."""
    return rnd.opens_at <= now < rnd.closes_at + timedelta(days=late_days)


async def latest_report(
    session: AsyncSession, round_id: int, measure_id: int, division_id: int
) -> Report | None:
    """The answer that counts for one item, with its evidence (storage.summary's rule)."""
    return await session.scalar(
        select(Report)
        .join(RoundItem, Report.id == latest_report_id())
        .where(
            RoundItem.round_id == round_id,
            RoundItem.measure_id == measure_id,
            RoundItem.division_id == division_id,
        )
        .options(selectinload(Report.evidence), selectinload(Report.person))
    )


async def previous_report(
    session: AsyncSession, rnd: Round, measure_id: int, division_id: int
) -> Report | None:
    """The division's latest answer for the measure in an earlier round of the same kind."""
    return await session.scalar(
        select(Report)
        .join(Round, Round.id == Report.round_id)
        .where(
            Round.plan_id == rnd.plan_id,
            Round.kind == rnd.kind,
            Round.closes_at < rnd.closes_at,
            Report.measure_id == measure_id,
            Report.division_id == division_id,
        )
        .order_by(Round.closes_at.desc(), Report.id.desc())
        .limit(1)
        .options(selectinload(Report.evidence), selectinload(Report.person))
    )


async def item_context(
    session: AsyncSession, round_id: int, measure_id: int, division_id: int
) -> ItemContext | None:
    """Load a round item for its screen; None when no such item exists (forged or stale)."""
    item = await session.scalar(
        select(RoundItem).where(
            RoundItem.round_id == round_id,
            RoundItem.measure_id == measure_id,
            RoundItem.division_id == division_id,
        )
    )
    if item is None:
        return None
    rnd = await session.get(Round, round_id)
    measure = await session.scalar(
        select(Measure).where(Measure.id == measure_id).options(selectinload(Measure.actions))
    )
    if rnd is None or measure is None:
        return None
    return ItemContext(
        round=rnd,
        measure=measure,
        division_id=division_id,
        current=await latest_report(session, round_id, measure_id, division_id),
        previous=await previous_report(session, rnd, measure_id, division_id),
    )


async def answerable_rounds(
    session: AsyncSession, division_ids: frozenset[int], now: datetime, late_days: int
) -> list[Round]:
    """Rounds that ask these divisions something and still take answers, oldest first."""
    if not division_ids:
        return []
    rounds = await session.scalars(
        select(Round)
        .where(
            Round.opens_at <= now,
            Round.id.in_(select(RoundItem.round_id).where(RoundItem.division_id.in_(division_ids))),
        )
        .order_by(Round.closes_at)
    )
    return [r for r in rounds if accepts_answers(r, now, late_days)]


async def get_draft(session: AsyncSession, person_id: int) -> Draft | None:
    """The person's half-finished answer, if any."""
    return await session.scalar(select(Draft).where(Draft.person_id == person_id))


async def draft_is_live(session: AsyncSession, draft: Draft, now: datetime, late_days: int) -> bool:
    """Whether the draft's round still takes answers (otherwise it can never be confirmed)."""
    rnd = await session.get(Round, draft.round_id)
    return rnd is not None and accepts_answers(rnd, now, late_days)


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
    """Begin (or restart) the person's draft for an item; one draft per person at a time."""
    if status is not None and status not in STATUSES:
        raise AnswerRefused("bad_status")
    draft = await get_draft(session, person_id)
    if draft is None:
        draft = Draft(person_id=person_id)
        session.add(draft)
    draft.round_id = ctx.round.id
    draft.measure_id = ctx.measure.id
    draft.division_id = ctx.division_id
    draft.updated_at = now
    if carry is not None:
        draft.step = "carry_confirm"
        draft.status = carry.status
        draft.text = carry.text
        draft.evidence = [_evidence_dict(e) for e in carry.evidence]
        draft.carried_from_id = carry.id
    else:
        draft.step = "text"
        draft.status = status
        draft.text = ""
        draft.evidence = []
        draft.carried_from_id = None
    await session.flush()
    return draft


def _evidence_dict(e: Evidence) -> dict[str, Any]:
    return {
        "kind": e.kind,
        "file_id": e.file_id,
        "file_unique_id": e.file_unique_id,
        "file_name": e.file_name,
        "mime_type": e.mime_type,
        "file_size": e.file_size,
        "url": e.url,
    }


def extend_draft(
    draft: Draft, *, text: str = "", evidence: Sequence[dict[str, Any]] = (), now: datetime
) -> None:
    """Add text and evidence to a draft, all or nothing: a refusal leaves the draft unchanged."""
    text = clean_text(text)
    evidence = [clean_json(e) for e in evidence]
    combined = f"{draft.text}\n{text}" if draft.text and text else (draft.text or text)
    if len(combined) > TEXT_LIMIT:
        raise AnswerRefused("text_too_long")
    if len(draft.evidence) + len(evidence) > EVIDENCE_LIMIT:
        raise AnswerRefused("too_much_evidence")
    draft.text = combined
    # JSON columns track reassignment, not in-place mutation: assign a new list.
    draft.evidence = [*draft.evidence, *evidence]
    if draft.text:
        draft.step = "evidence"
    draft.updated_at = now


async def confirm_draft(
    session: AsyncSession, draft: Draft, now: datetime, late_days: int
) -> Report:
    """Turn the draft into a confirmed report (late after the round closed) and drop the draft."""
    rnd = await session.get(Round, draft.round_id)
    if rnd is None or not accepts_answers(rnd, now, late_days):
        raise AnswerRefused("round_closed")
    if draft.status not in STATUSES:
        raise AnswerRefused("no_status")
    if not draft.text.strip() and draft.carried_from_id is None:
        raise AnswerRefused("no_text")
    report = Report(
        round_id=draft.round_id,
        measure_id=draft.measure_id,
        division_id=draft.division_id,
        person_id=draft.person_id,
        status=draft.status,
        text=draft.text,
        carried_from_id=draft.carried_from_id,
        late=now >= rnd.closes_at,
        created_at=now,
        evidence=[
            Evidence(**{k: v for k, v in e.items() if k != "caption"}) for e in draft.evidence
        ],
    )
    session.add(report)
    await session.delete(draft)
    await session.flush()
    return report
