"""Drafts and the rows an answer needs: the round item, its answers, the draft, the report.

Queries only: when a draft may start, grow or be confirmed is decided in bot/usecases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.counting import latest_report_id
from storage.models import Draft, Evidence, Measure, Report, Round, RoundItem


@dataclass(frozen=True)
class ItemContext:
    """A round item with everything the measure screen shows."""

    round: Round
    measure: Measure
    division_id: int
    current: Report | None
    previous: Report | None


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
    # The item, its round and its measure (with its actions) in one statement and one more.
    row = (
        await session.execute(
            select(RoundItem.id, Round, Measure)
            .join(Round, Round.id == RoundItem.round_id)
            .join(Measure, Measure.id == RoundItem.measure_id)
            .where(
                RoundItem.round_id == round_id,
                RoundItem.measure_id == measure_id,
                RoundItem.division_id == division_id,
            )
            .options(selectinload(Measure.actions))
        )
    ).first()
    if row is None:
        return None
    rnd, measure = row.Round, row.Measure
    return ItemContext(
        round=rnd,
        measure=measure,
        division_id=division_id,
        current=await latest_report(session, round_id, measure_id, division_id),
        previous=await previous_report(session, rnd, measure_id, division_id),
    )


async def rounds_asking(
    session: AsyncSession, division_ids: frozenset[int], now: datetime
) -> list[Round]:
    """Rounds opened by `now` that ask any of these divisions something, oldest first."""
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
    return list(rounds)


async def get_draft(session: AsyncSession, person_id: int) -> Draft | None:
    """The person's half-finished answer, if any."""
    return await session.scalar(select(Draft).where(Draft.person_id == person_id))


def new_draft(session: AsyncSession, person_id: int) -> Draft:
    """A new, empty draft row for the person (written on the next flush)."""
    draft = Draft(person_id=person_id)
    session.add(draft)
    return draft


async def drop_draft(session: AsyncSession, draft: Draft) -> None:
    """Delete the draft."""
    await session.delete(draft)
    await session.flush()


def evidence_dicts(report: Report) -> list[dict[str, Any]]:
    """A report's evidence as a draft holds it (to carry an answer forward)."""
    return [
        {
            "kind": e.kind,
            "file_id": e.file_id,
            "file_unique_id": e.file_unique_id,
            "file_name": e.file_name,
            "mime_type": e.mime_type,
            "file_size": e.file_size,
            "url": e.url,
            # The carried copy points at the same archived file (or waits for the same fetch).
            "sha256": e.sha256,
            "sender_id": e.sender_id,
            "received_at": e.received_at.isoformat() if e.received_at else None,
        }
        for e in report.evidence
    ]


def evidence_row(item: dict[str, Any], person_id: int, now: datetime) -> Evidence:
    """A confirmed answer's evidence row from what the draft kept: files wait to be archived."""
    fields = {k: item.get(k) for k in ("kind", "file_id", "file_unique_id", "file_name")}
    fields |= {k: item.get(k) for k in ("mime_type", "file_size", "url", "sha256")}
    received = item.get("received_at")
    is_file = item.get("kind") != "link"
    state = "none" if not is_file else ("archived" if item.get("sha256") else "pending")
    return Evidence(
        **fields,
        sender_id=item.get("sender_id") or person_id,
        received_at=datetime.fromisoformat(received) if received else now,
        fetch_state=state,
        fetch_after=now if state == "pending" else None,
    )


async def report_from_draft(
    session: AsyncSession, draft: Draft, *, late: bool, now: datetime
) -> Report:
    """Store the draft as a confirmed report and delete the draft."""
    report = Report(
        round_id=draft.round_id,
        measure_id=draft.measure_id,
        division_id=draft.division_id,
        person_id=draft.person_id,
        status=draft.status,
        text=draft.text,
        carried_from_id=draft.carried_from_id,
        late=late,
        created_at=now,
        evidence=[evidence_row(e, draft.person_id, now) for e in draft.evidence],
    )
    session.add(report)
    await session.delete(draft)
    await session.flush()
    return report
