"""How statuses moved round by round, for one measure or one division.

History crosses plan years: a measure's history covers the same measure (same key) in the
organization's other plans, and a division's history keeps one row per measure key.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.counting import item_answers
from storage.models import Round, RoundItem
from storage.plan_queries import linked_measure_ids
from storage.read_models import (
    DivisionRef,
    History,
    HistoryRow,
    ItemAnswer,
    MeasureRef,
    RoundInfo,
)
from storage.summary import round_query, round_row


async def history(
    session: AsyncSession,
    *,
    measure_id: int | None = None,
    division_id: int | None = None,
    division_ids: Collection[int] | None = None,
    last: int | None = None,
) -> History | None:
    """Status round by round for one measure or one division (the `last` rounds it was owed)."""
    if (measure_id is None) == (division_id is None):
        raise ValueError("history needs exactly one of measure_id and division_id")
    owed_rounds = select(RoundItem.round_id).distinct()
    measure_ids = await linked_measure_ids(session, measure_id) if measure_id is not None else None
    if measure_ids is not None:
        owed_rounds = owed_rounds.where(RoundItem.measure_id.in_(measure_ids))
    else:
        owed_rounds = owed_rounds.where(RoundItem.division_id == division_id)
    q = (
        round_query()
        .where(Round.id.in_(owed_rounds))
        .order_by(Round.closes_at.desc(), Round.key.desc())
    )
    if last is not None:
        q = q.limit(last)
    rounds = tuple(reversed([round_row(row) for row in (await session.execute(q)).all()]))
    if not rounds:
        return None
    wanted = [division_id] if division_id is not None else division_ids
    items = await item_answers(
        session, rounds, measure_ids=measure_ids, division_ids=wanted, with_text=False
    )
    if not items:
        return None
    rows = _rows(rounds, items)
    first = next((i for i in items if i.measure.id == measure_id), items[0])
    return History(
        measure=first.measure if measure_id is not None else None,
        division=first.division if division_id is not None else None,
        rounds=rounds,
        rows=rows,
    )


def _rows(rounds: tuple[RoundInfo, ...], items: list[ItemAnswer]) -> tuple[HistoryRow, ...]:
    """One row per (measure key, division), a cell per round."""
    # A measure carried into the next year stays one row, named as its newest round names it
    # (items come oldest round first, so the last ref seen wins).
    column = {r.id: i for i, r in enumerate(rounds)}
    cells: dict[tuple[str, int], list[str | None]] = {}
    reviews: dict[tuple[str, int], list[str | None]] = {}
    refs: dict[tuple[str, int], tuple[MeasureRef, DivisionRef]] = {}
    for item in items:
        pair = (item.measure.lineage, item.division.id)
        refs[pair] = (item.measure, item.division)
        cells.setdefault(pair, [None] * len(rounds))[column[item.round.id]] = item.status
        state = item.answer.review_state if item.answer is not None else None
        reviews.setdefault(pair, [None] * len(rounds))[column[item.round.id]] = state
    return tuple(
        HistoryRow(
            measure=refs[p][0],
            division=refs[p][1],
            cells=tuple(cells[p]),
            reviews=tuple(reviews[p]),
        )
        for p in sorted(refs, key=lambda p: (refs[p][0].seq, refs[p][1].order))
    )
