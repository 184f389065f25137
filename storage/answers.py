"""What each division owes in a round and what it answered (latest confirmed answer counts)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.counting import division_ref, latest_report_id, measure_ref
from storage.models import Division, Measure, Report, Review, Round, RoundItem
from storage.read_models import RETURNED, DivisionRef, MeasureRef


@dataclass(frozen=True)
class OwedItem:
    """One measure a division owes in a round, with the answer that counts so far (if any)."""

    round_id: int
    measure_id: int
    measure_seq: int
    measure_title_th: str
    measure_title_en: str
    division_id: int
    report_id: int | None
    status: str | None
    answered_at: datetime | None
    late: bool
    # A coordinator returned the answer that counts for more (its newest review says so).
    returned: bool = False

    @property
    def answered(self) -> bool:
        """Whether a confirmed answer exists."""
        return self.report_id is not None


async def owed_items(
    session: AsyncSession, round_id: int, division_id: int | None = None
) -> list[OwedItem]:
    """Every item of a round (optionally one division's), with the answer that counts."""
    # The counting answer's newest review decision (storage.reviews writes them).
    decision = (
        select(Review.decision)
        .where(Review.report_id == Report.id)
        .order_by(Review.id.desc())
        .limit(1)
        .correlate(Report)
        .scalar_subquery()
    )
    q = (
        select(RoundItem, Measure, Report, decision)
        .join(Measure, Measure.id == RoundItem.measure_id)
        .outerjoin(Report, Report.id == latest_report_id())
        .where(RoundItem.round_id == round_id)
        .order_by(RoundItem.division_id, Measure.seq)
    )
    if division_id is not None:
        q = q.where(RoundItem.division_id == division_id)
    rows = (await session.execute(q)).all()
    return [
        OwedItem(
            round_id=item.round_id,
            measure_id=measure.id,
            measure_seq=measure.seq,
            measure_title_th=measure.title_th,
            measure_title_en=measure.title_en,
            division_id=item.division_id,
            report_id=report.id if report else None,
            status=report.status if report else None,
            answered_at=report.created_at if report else None,
            late=report.late if report else False,
            returned=decision == RETURNED,
        )
        for item, measure, report, decision in rows
    ]


async def silent_division_ids(session: AsyncSession, round_id: int) -> set[int]:
    """Divisions that have not answered every item they owe in the round."""
    return {i.division_id for i in await owed_items(session, round_id) if not i.answered}


async def round_divisions(session: AsyncSession, round_id: int) -> list[Division]:
    """The divisions asked in a round, as the plan file lists them."""
    q = (
        select(Division)
        .where(Division.id.in_(select(RoundItem.division_id).where(RoundItem.round_id == round_id)))
        .order_by(Division.position, Division.code)
    )
    return list(await session.scalars(q))


async def get_round(session: AsyncSession, round_id: int) -> Round | None:
    """A round by id."""
    return await session.get(Round, round_id)


async def item_refs(
    session: AsyncSession, measure_id: int, division_id: int
) -> tuple[MeasureRef, DivisionRef]:
    """A measure's and a division's identity and names (the foreign keys say both exist)."""
    # One statement for both (every step of an answer shows them): two primary-key lookups.
    q = (
        select(Measure, Division)
        .join(Division, true())  # no relation between the two: a one-row product
        .where(Measure.id == measure_id, Division.id == division_id)
    )
    row = (await session.execute(q)).one()
    return measure_ref(row.Measure), division_ref(row.Division)


async def division_refs(session: AsyncSession, ids: Iterable[int]) -> dict[int, DivisionRef]:
    """Divisions by id, as read models."""
    rows = await session.scalars(select(Division).where(Division.id.in_(list(ids))))
    return {d.id: division_ref(d) for d in rows}
