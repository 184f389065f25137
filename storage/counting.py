"""The answer that counts for each owed item of a round, with who gave it and its evidence.

The answer that counts for an item is the newest report of (round, measure, division)
confirmed before the round closed (only when there is none, the newest late one), unless a
coordinator returned that answer for more (its newest review says so): then the division's
next answer counts, late or not. It is found with correlated `max(id)` lookups over the
`ix_report_item` index (round_id, measure_id, division_id, id) and `ix_review_report`, so the
cost of a summary depends on the size of its round, not on how many rounds or superseded
answers came before. Every other module asks this one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import func

from storage.models import Division, Evidence, Measure, Person, Report, Review, RoundItem
from storage.read_models import (
    RETURNED,
    Answer,
    DivisionRef,
    EvidenceRef,
    ItemAnswer,
    MeasureRef,
    ReviewEvent,
    RoundInfo,
)
from storage.review_trail import report_key, review_events, split_trail

# Larger IN lists are split so no backend hits its bound-parameter limit.
_CHUNK = 500


def division_ref(d: Division) -> DivisionRef:
    """The DivisionRef of a model row."""
    return DivisionRef(
        id=d.id, code=d.code, name_th=d.name_th, name_en=d.name_en, position=d.position
    )


def measure_ref(m: Measure) -> MeasureRef:
    """The MeasureRef of a model row."""
    return MeasureRef(id=m.id, seq=m.seq, title_th=m.title_th, title_en=m.title_en, key=m.key)


def _of_item(*conditions: ColumnElement[bool]) -> Any:
    """The id lookup `max(report.id)` of the enclosing round item's reports (and conditions)."""
    return (
        select(func.max(Report.id))
        .where(
            Report.round_id == RoundItem.round_id,
            Report.measure_id == RoundItem.measure_id,
            Report.division_id == RoundItem.division_id,
            *conditions,
        )
        .correlate(RoundItem)
        .scalar_subquery()
    )


def latest_report_id() -> ColumnElement[Any]:
    """The id of the answer that counts for the enclosing round item (an SQL expression).

    That is the newest answer confirmed before the round closed; only when there is none, the
    newest late one. A fix after the meeting never replaces what the meeting was shown, except
    when a coordinator returned that answer for more: the division's next answer then counts.
    """
    on_time, newest = _of_item(Report.late.is_(False)), _of_item()
    newest_review = (
        select(Review.decision)
        .where(Review.report_id == on_time)
        .order_by(Review.id.desc())
        .limit(1)
        .correlate_except(Review)
        .scalar_subquery()
    )
    # A returned on-time answer stands aside (NULL): the newest answer counts instead.
    return func.coalesce(case((newest_review == RETURNED, None), else_=on_time), newest)


def chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    """Split a list of ids for IN clauses."""
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


async def evidence_of(
    session: AsyncSession, report_ids: Collection[int]
) -> dict[int, tuple[EvidenceRef, ...]]:
    """Evidence per report id, in the order it was attached."""
    found: dict[int, list[EvidenceRef]] = {}
    for part in chunks(sorted(report_ids)):
        q = select(Evidence).where(Evidence.report_id.in_(part)).order_by(Evidence.id)
        for e in await session.scalars(q):
            found.setdefault(e.report_id, []).append(
                EvidenceRef(
                    kind=e.kind,
                    file_id=e.file_id,
                    file_name=e.file_name,
                    url=e.url,
                    evidence_id=e.id,
                    state=e.fetch_state,
                    sha256=e.sha256,
                    media_type=e.mime_type,
                    received_at=e.received_at,
                )
            )
    return {k: tuple(v) for k, v in found.items()}


def _items_query(
    round_ids: list[int],
    measure_id: int | None,
    measure_ids: Collection[int] | None,
    division_ids: Collection[int] | None,
) -> Any:
    """The rounds' owed items (narrowed as asked) with the id of the answer that counts."""
    latest = latest_report_id().label("report_id")
    items = select(RoundItem.round_id, RoundItem.measure_id, RoundItem.division_id, latest).where(
        RoundItem.round_id.in_(round_ids)
    )
    if measure_id is not None:
        items = items.where(RoundItem.measure_id == measure_id)
    if measure_ids is not None:
        items = items.where(RoundItem.measure_id.in_(list(measure_ids)))
    if division_ids is not None:
        items = items.where(RoundItem.division_id.in_(list(division_ids)))
    return items


async def item_answers(
    session: AsyncSession,
    rounds: Sequence[RoundInfo],
    *,
    measure_id: int | None = None,
    division_ids: Collection[int] | None = None,
    with_text: bool = True,
    measure_ids: Collection[int] | None = None,
) -> list[ItemAnswer]:
    """Owed items of the rounds (optionally one measure, some divisions) with counting answers.

    `measure_ids` narrows to several measures (one measure across plan years, for history).

    One statement for the items and their latest reports, one more for evidence when
    `with_text` is set. Ordered by round (as given), measure seq, division in plan order.
    """
    if not rounds:
        return []
    by_id = {r.id: r for r in rounds}
    sub = _items_query(list(by_id), measure_id, measure_ids, division_ids).subquery()
    q = (
        select(sub.c.round_id, Measure, Division, Report, Person.name)
        .join(Measure, Measure.id == sub.c.measure_id)
        .join(Division, Division.id == sub.c.division_id)
        .outerjoin(Report, Report.id == sub.c.report_id)
        .outerjoin(Person, Person.id == Report.person_id)
    )
    rows = (await session.execute(q)).all()
    evidence = (
        await evidence_of(session, [r.id for _, _, _, r, _ in rows if r is not None])
        if with_text
        else {}
    )
    reviews = await review_events(
        session, list(by_id), measure_id=measure_id, division_ids=division_ids
    )
    order = {rid: i for i, rid in enumerate(by_id)}
    result = [
        ItemAnswer(
            round=by_id[round_id],
            measure=measure_ref(m),
            division=division_ref(d),
            answer=(
                _answer(report, name or "", evidence, with_text, reviews.get(report_key(report)))
                if report
                else None
            ),
        )
        for round_id, m, d, report, name in rows
    ]
    result.sort(key=lambda i: (order[i.round.id], i.measure.seq, i.division.order))
    return result


def _answer(
    report: Report,
    person_name: str,
    evidence: dict[int, tuple[EvidenceRef, ...]],
    text: bool,
    reviews: Sequence[ReviewEvent] | None,
) -> Answer:
    review, trail = split_trail(report.id, reviews or ())
    return Answer(
        report_id=report.id,
        status=report.status,
        text=report.text if text else "",
        late=report.late,
        person_name=person_name,
        created_at=report.created_at,
        carried=report.carried_from_id is not None,
        evidence=evidence.get(report.id, ()),
        review=review,
        trail=trail,
    )
