"""Round lookups and the read side of one round: summaries, one measure, one division.

Every query is scoped to the rounds it shows and counts the answers storage.counting says
count. Results are the frozen read models of storage.read_models; renderers and handlers
never touch the session.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Row, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.counting import division_ref, item_answers, measure_ref
from storage.models import (
    STATUSES,
    Delivery,
    Division,
    Measure,
    MeasureResponsibility,
    Meeting,
    Report,
    Round,
    RoundItem,
)
from storage.read_models import (
    ACCEPTED,
    RETURNED,
    DivisionDetail,
    DivisionRef,
    ItemAnswer,
    MeasureDetail,
    MeasureRef,
    MeasureSummary,
    RoundInfo,
    RoundSummary,
)

# ---------------------------------------------------------------------------- rounds

# The notices that ask a division for its answers (scheduler.sync.ASK_KINDS says the same).
ASK_KINDS = ("prompt", "request")


def followed_up() -> ColumnElement[bool]:
    """Whether the enclosing round was followed up: an ask of it went out, or someone answered.

    A round of a plan period that began before anyone was enrolled has neither; its silent
    items are "not followed up", not divisions that failed to report.
    """
    asked = (
        select(Delivery.id)
        .where(
            Delivery.round_id == Round.id,
            Delivery.kind.in_(ASK_KINDS),
            Delivery.sent_at.is_not(None),
        )
        .exists()
    )
    answered = select(Report.id).where(Report.round_id == Round.id).exists()
    return or_(asked, answered)


def round_query() -> Select[Round, datetime, bool]:
    """Rounds with their meeting time and whether they were followed up, for round_row."""
    return select(Round, Meeting.starts_at, followed_up()).outerjoin(
        Meeting, Meeting.id == Round.meeting_id
    )


def round_row(row: Row[Round, datetime, bool]) -> RoundInfo:
    """A row of round_query as a RoundInfo."""
    return round_info(*row)


def round_info(r: Round, meeting_at: datetime | None = None, followed: bool = True) -> RoundInfo:
    """A round row as the frozen read model every view takes."""
    return RoundInfo(
        id=r.id,
        plan_id=r.plan_id,
        key=r.key,
        kind=r.kind,
        covers_start=r.covers_start,
        covers_end=r.covers_end,
        opens_at=r.opens_at,
        closes_at=r.closes_at,
        meeting_at=meeting_at,
        followed_up=bool(followed),
    )


async def round_by_id(session: AsyncSession, round_id: int) -> RoundInfo | None:
    """A round by id."""
    row = (await session.execute(round_query().where(Round.id == round_id))).first()
    return round_row(row) if row else None


async def round_by_key(
    session: AsyncSession, key: str, plan_id: int | None = None
) -> RoundInfo | None:
    """A round by its key ("2565-01", "2565-Q1"): the plan's when given, else the newest plan's."""
    q = round_query().where(Round.key == key.strip().upper())
    if plan_id is not None:
        q = q.where(Round.plan_id == plan_id)
    row = (await session.execute(q.order_by(Round.plan_id.desc()).limit(1))).first()
    return round_row(row) if row else None


def _asking(
    q: Select[Round, datetime, bool], division_ids: Collection[int] | None
) -> Select[Round, datetime, bool]:
    """Keep only rounds that ask one of these divisions something (None: every round)."""
    if division_ids is None:
        return q
    return q.where(
        Round.id.in_(
            select(RoundItem.round_id).where(RoundItem.division_id.in_(list(division_ids)))
        )
    )


async def open_rounds(
    session: AsyncSession, now: datetime, division_ids: Collection[int] | None = None
) -> tuple[RoundInfo, ...]:
    """Rounds taking answers now (of these divisions), the one closing first first."""
    q = (
        round_query()
        .where(Round.opens_at <= now, Round.closes_at > now)
        .order_by(Round.closes_at, Round.id)
    )
    rows = (await session.execute(_asking(q, division_ids))).all()
    return tuple(round_row(row) for row in rows)


async def current_round(
    session: AsyncSession,
    now: datetime,
    division_ids: Collection[int] | None = None,
    plan_id: int | None = None,
) -> RoundInfo | None:
    """The open round closing first, else the most recently closed one, else None.

    A division head passes their divisions: a round that asks them nothing is not theirs.
    With `plan_id` (the current plan, scheduler.plan_years), that plan's open round comes
    first, then another plan's open one (last year's quarter may still take answers), then
    that plan's most recently closed round: a closed round of another year is never current.
    """
    opened = await open_rounds(session, now, division_ids)
    own = [r for r in opened if plan_id is None or r.plan_id == plan_id]
    if own or opened:
        return (own or opened)[0]
    q = round_query().where(Round.closes_at <= now)
    if plan_id is not None:
        q = q.where(Round.plan_id == plan_id)
    q = _asking(q.order_by(Round.closes_at.desc(), Round.id.desc()).limit(1), division_ids)
    row = (await session.execute(q)).first()
    return round_row(row) if row else None


async def plan_rounds(session: AsyncSession, plan_id: int) -> tuple[RoundInfo, ...]:
    """Every round of a plan in time order (by closing, then key)."""
    q = round_query().where(Round.plan_id == plan_id).order_by(Round.closes_at, Round.key)
    return tuple(round_row(row) for row in (await session.execute(q)).all())


# ---------------------------------------------------------------------------- summaries


def summarize(round_: RoundInfo, items: Iterable[ItemAnswer]) -> RoundSummary:
    """Fold one round's item answers into per-measure counts (pure; used by tests too)."""
    per_measure: dict[int, list[ItemAnswer]] = {}
    measures: dict[int, MeasureRef] = {}
    for item in items:
        if item.round.id != round_.id:
            continue
        per_measure.setdefault(item.measure.id, []).append(item)
        measures[item.measure.id] = item.measure
    lines = []
    for mid in sorted(per_measure, key=lambda i: measures[i].seq):
        group = per_measure[mid]
        answers = [i.answer for i in group if i.answer is not None]
        lines.append(
            MeasureSummary(
                measure=measures[mid],
                owed=len(group),
                answered=len(answers),
                counts=tuple((s, sum(a.status == s for a in answers)) for s in STATUSES),
                late=sum(a.late for a in answers),
                missing=tuple(i.division for i in group if i.answer is None),
                followed_up=round_.followed_up,
                accepted=sum(a.review_state == ACCEPTED for a in answers),
                returned=sum(a.review_state == RETURNED for a in answers),
            )
        )
    return RoundSummary(round=round_, measures=tuple(lines))


async def round_summary(
    session: AsyncSession, round_: RoundInfo, division_ids: Collection[int] | None = None
) -> RoundSummary:
    """Per-measure counts of one round (one SQL statement; no texts or evidence read)."""
    items = await item_answers(session, [round_], division_ids=division_ids, with_text=False)
    return summarize(round_, items)


async def round_summaries(
    session: AsyncSession,
    rounds: Sequence[RoundInfo],
    division_ids: Collection[int] | None = None,
) -> tuple[RoundSummary, ...]:
    """Summaries of several rounds in one statement (for the chart)."""
    items = await item_answers(session, rounds, division_ids=division_ids, with_text=False)
    return tuple(summarize(r, items) for r in rounds)


async def measure_detail(
    session: AsyncSession,
    round_: RoundInfo,
    measure_id: int,
    division_ids: Collection[int] | None = None,
) -> MeasureDetail | None:
    """Each owing division's counting answer to one measure; None if the round has no such item."""
    items = await item_answers(session, [round_], measure_id=measure_id, division_ids=division_ids)
    if not items:
        return None
    return MeasureDetail(round=round_, measure=items[0].measure, items=tuple(items))


async def division_detail(
    session: AsyncSession, round_: RoundInfo, division_id: int
) -> DivisionDetail | None:
    """One division's counting answers in a round; None if it owes nothing there."""
    items = await item_answers(session, [round_], division_ids=[division_id])
    if not items:
        return None
    return DivisionDetail(round=round_, division=items[0].division, items=tuple(items))


# ---------------------------------------------------------------------------- choices


async def plan_measures(
    session: AsyncSession, plan_id: int, division_ids: Collection[int] | None = None
) -> tuple[MeasureRef, ...]:
    """Active measures of a plan (only those the divisions answer for, when given)."""
    q = select(Measure).where(Measure.plan_id == plan_id, Measure.active.is_(True))
    if division_ids is not None:
        q = q.where(
            Measure.id.in_(
                select(MeasureResponsibility.measure_id).where(
                    MeasureResponsibility.division_id.in_(list(division_ids))
                )
            )
        )
    return tuple(measure_ref(m) for m in await session.scalars(q.order_by(Measure.seq)))


async def plan_divisions(
    session: AsyncSession, plan_id: int, division_ids: Collection[int] | None = None
) -> tuple[DivisionRef, ...]:
    """Active divisions responsible for some measure of the plan (optionally some only)."""
    q = select(Division).where(
        Division.active.is_(True),
        Division.id.in_(
            select(MeasureResponsibility.division_id)
            .join(Measure, Measure.id == MeasureResponsibility.measure_id)
            .where(Measure.plan_id == plan_id)
        ),
    )
    if division_ids is not None:
        q = q.where(Division.id.in_(list(division_ids)))
    return tuple(
        division_ref(d) for d in await session.scalars(q.order_by(Division.position, Division.code))
    )
