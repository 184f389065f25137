"""How statuses moved round by round, for one measure or one division."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.counting import item_answers
from storage.models import Round, RoundItem
from storage.read_models import DivisionRef, History, HistoryRow, MeasureRef
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
    if measure_id is not None:
        owed_rounds = owed_rounds.where(RoundItem.measure_id == measure_id)
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
        session, rounds, measure_id=measure_id, division_ids=wanted, with_text=False
    )
    if not items:
        return None
    column = {r.id: i for i, r in enumerate(rounds)}
    cells: dict[tuple[int, int], list[str | None]] = {}
    reviews: dict[tuple[int, int], list[str | None]] = {}
    refs: dict[tuple[int, int], tuple[MeasureRef, DivisionRef]] = {}
    for item in items:
        pair = (item.measure.id, item.division.id)
        refs[pair] = (item.measure, item.division)
        cells.setdefault(pair, [None] * len(rounds))[column[item.round.id]] = item.status
        state = item.answer.review_state if item.answer is not None else None
        reviews.setdefault(pair, [None] * len(rounds))[column[item.round.id]] = state
    rows = tuple(
        HistoryRow(
            measure=refs[p][0],
            division=refs[p][1],
            cells=tuple(cells[p]),
            reviews=tuple(reviews[p]),
        )
        for p in sorted(refs, key=lambda p: (refs[p][0].seq, refs[p][1].order))
    )
    first = items[0]
    return History(
        measure=first.measure if measure_id is not None else None,
        division=first.division if division_id is not None else None,
        rounds=rounds,
        rows=rows,
    )
