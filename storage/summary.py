"""Read side of a round: summaries, answers per measure or division, history across rounds.

Every query is scoped to the rounds it shows. The answer that counts for an item is the
newest report of (round, measure, division); it is found with a correlated `max(id)` over
the `ix_report_item` index (round_id, measure_id, division_id, id), so the cost of a summary
depends on the size of its round, not on how many rounds or superseded answers came before.
Results are plain frozen dataclasses; renderers and handlers never touch the session.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Select, case, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import func
from sqlalchemy.sql.selectable import ScalarSelect

from storage.models import (
    STATUSES,
    Division,
    Evidence,
    Measure,
    MeasureResponsibility,
    Meeting,
    Person,
    Report,
    Round,
    RoundItem,
)

# An owed item without an answer; shown beside the four answer statuses.
MISSING = "missing"
# Larger IN lists are split so no backend hits its bound-parameter limit.
_CHUNK = 500


@dataclass(frozen=True)
class RoundInfo:
    """A round as reports show it."""

    id: int
    plan_id: int
    key: str
    kind: str
    covers_start: date
    covers_end: date
    opens_at: datetime
    closes_at: datetime
    meeting_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        """Whether answers are due now (opened and not yet closed)."""
        return self.opens_at <= now < self.closes_at


@dataclass(frozen=True)
class DivisionRef:
    """A division's identity and names."""

    id: int
    code: str
    name_th: str
    name_en: str


@dataclass(frozen=True)
class MeasureRef:
    """A measure's identity and titles."""

    id: int
    seq: int
    title_th: str
    title_en: str


@dataclass(frozen=True)
class EvidenceRef:
    """A photo, document or link attached to an answer."""

    kind: str
    file_id: str | None
    file_name: str | None
    url: str | None

    @property
    def label(self) -> str:
        """What to print for it: the file name, else the link, else the kind."""
        return self.file_name or self.url or self.kind


@dataclass(frozen=True)
class Answer:
    """One confirmed answer (a report row) with who gave it and its evidence."""

    report_id: int
    status: str
    text: str
    late: bool
    person_name: str
    created_at: datetime
    carried: bool
    evidence: tuple[EvidenceRef, ...] = ()


@dataclass(frozen=True)
class ItemAnswer:
    """One owed item of a round and the answer that counts for it (None: still missing)."""

    round: RoundInfo
    measure: MeasureRef
    division: DivisionRef
    answer: Answer | None

    @property
    def status(self) -> str:
        """The status of the counting answer, or MISSING."""
        return self.answer.status if self.answer else MISSING


@dataclass(frozen=True)
class MeasureSummary:
    """One measure in one round: how many owe, answered, per status, late, and who is missing."""

    measure: MeasureRef
    owed: int
    answered: int
    counts: tuple[tuple[str, int], ...]
    late: int
    missing: tuple[DivisionRef, ...]

    def count(self, status: str) -> int:
        """How many counting answers have `status` (MISSING counts the silent divisions)."""
        if status == MISSING:
            return len(self.missing)
        return dict(self.counts).get(status, 0)


@dataclass(frozen=True)
class RoundSummary:
    """A round at a glance: one line per measure."""

    round: RoundInfo
    measures: tuple[MeasureSummary, ...]

    @property
    def owed(self) -> int:
        """Items owed in the round (within the divisions asked about)."""
        return sum(m.owed for m in self.measures)

    @property
    def answered(self) -> int:
        """Items with a confirmed answer."""
        return sum(m.answered for m in self.measures)

    @property
    def late(self) -> int:
        """Counting answers given after the round closed."""
        return sum(m.late for m in self.measures)

    @property
    def missing_divisions(self) -> tuple[DivisionRef, ...]:
        """Divisions that still owe at least one answer, by code."""
        seen = {d.id: d for m in self.measures for d in m.missing}
        return tuple(sorted(seen.values(), key=lambda d: d.code))


@dataclass(frozen=True)
class MeasureDetail:
    """One measure in one round: each responsible division's counting answer."""

    round: RoundInfo
    measure: MeasureRef
    items: tuple[ItemAnswer, ...]


@dataclass(frozen=True)
class DivisionDetail:
    """One division in one round: its counting answer for each measure it owes."""

    round: RoundInfo
    division: DivisionRef
    items: tuple[ItemAnswer, ...]


@dataclass(frozen=True)
class HistoryRow:
    """One (measure, division) pair across rounds; a cell is a status, MISSING, or None."""

    measure: MeasureRef
    division: DivisionRef
    # None where the pair was not owed in that round.
    cells: tuple[str | None, ...]


@dataclass(frozen=True)
class History:
    """How statuses moved round by round, for one measure or one division."""

    measure: MeasureRef | None
    division: DivisionRef | None
    rounds: tuple[RoundInfo, ...]
    rows: tuple[HistoryRow, ...] = field(default=())


# ---------------------------------------------------------------------------- rounds


def _round_query() -> Select[Round, datetime]:
    return select(Round, Meeting.starts_at).outerjoin(Meeting, Meeting.id == Round.meeting_id)


def _round_row(row: Row[Round, datetime]) -> RoundInfo:
    return round_info(*row)


def round_info(r: Round, meeting_at: datetime | None = None) -> RoundInfo:
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
    )


async def round_by_id(session: AsyncSession, round_id: int) -> RoundInfo | None:
    """A round by id."""
    row = (await session.execute(_round_query().where(Round.id == round_id))).first()
    return _round_row(row) if row else None


async def round_by_key(
    session: AsyncSession, key: str, plan_id: int | None = None
) -> RoundInfo | None:
    """A round by its key ("2565-01", "2565-Q1"); the newest plan's when several have it."""
    q = _round_query().where(Round.key == key.strip().upper())
    if plan_id is not None:
        q = q.where(Round.plan_id == plan_id)
    row = (await session.execute(q.order_by(Round.plan_id.desc()).limit(1))).first()
    return _round_row(row) if row else None


def _asking(
    q: Select[Round, datetime], division_ids: Collection[int] | None
) -> Select[Round, datetime]:
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
        _round_query()
        .where(Round.opens_at <= now, Round.closes_at > now)
        .order_by(Round.closes_at, Round.id)
    )
    rows = (await session.execute(_asking(q, division_ids))).all()
    return tuple(_round_row(row) for row in rows)


async def current_round(
    session: AsyncSession, now: datetime, division_ids: Collection[int] | None = None
) -> RoundInfo | None:
    """The open round closing first, else the most recently closed one, else None.

    A division head passes their divisions: a round that asks them nothing is not theirs.
    """
    opened = await open_rounds(session, now, division_ids)
    if opened:
        return opened[0]
    q = _asking(
        _round_query()
        .where(Round.closes_at <= now)
        .order_by(Round.closes_at.desc(), Round.id.desc())
        .limit(1),
        division_ids,
    )
    row = (await session.execute(q)).first()
    return _round_row(row) if row else None


async def plan_rounds(session: AsyncSession, plan_id: int) -> tuple[RoundInfo, ...]:
    """Every round of a plan in time order (by closing, then key)."""
    q = _round_query().where(Round.plan_id == plan_id).order_by(Round.closes_at, Round.key)
    return tuple(_round_row(row) for row in (await session.execute(q)).all())


# ---------------------------------------------------------------------------- items


def division_ref(d: Division) -> DivisionRef:
    """The DivisionRef of a model row."""
    return DivisionRef(id=d.id, code=d.code, name_th=d.name_th, name_en=d.name_en)


def measure_ref(m: Measure) -> MeasureRef:
    """The MeasureRef of a model row."""
    return MeasureRef(id=m.id, seq=m.seq, title_th=m.title_th, title_en=m.title_en)


def latest_report_id() -> ScalarSelect[Any]:
    """Correlated scalar subquery: the id of the answer that counts for the enclosing round item.

    That is the newest answer confirmed before the round closed; only when there is none, the
    newest late one. A fix after the meeting never replaces what the meeting was shown.
    """
    on_time = func.max(case((Report.late.is_(False), Report.id)))
    return (
        select(func.coalesce(on_time, func.max(Report.id)))
        .where(
            Report.round_id == RoundItem.round_id,
            Report.measure_id == RoundItem.measure_id,
            Report.division_id == RoundItem.division_id,
        )
        .correlate(RoundItem)
        .scalar_subquery()
    )


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
                EvidenceRef(kind=e.kind, file_id=e.file_id, file_name=e.file_name, url=e.url)
            )
    return {k: tuple(v) for k, v in found.items()}


async def item_answers(
    session: AsyncSession,
    rounds: Sequence[RoundInfo],
    *,
    measure_id: int | None = None,
    division_ids: Collection[int] | None = None,
    with_text: bool = True,
) -> list[ItemAnswer]:
    """Owed items of the rounds (optionally one measure, some divisions) with counting answers.

    One statement for the items and their latest reports, one more for evidence when
    `with_text` is set. Ordered by round (as given), measure seq, division code.
    """
    if not rounds:
        return []
    by_id = {r.id: r for r in rounds}
    latest = latest_report_id().label("report_id")
    items = select(RoundItem.round_id, RoundItem.measure_id, RoundItem.division_id, latest).where(
        RoundItem.round_id.in_(list(by_id))
    )
    if measure_id is not None:
        items = items.where(RoundItem.measure_id == measure_id)
    if division_ids is not None:
        items = items.where(RoundItem.division_id.in_(list(division_ids)))
    sub = items.subquery()
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
    order = {rid: i for i, rid in enumerate(by_id)}
    result = [
        ItemAnswer(
            round=by_id[round_id],
            measure=measure_ref(m),
            division=division_ref(d),
            answer=_answer(report, name or "", evidence, with_text) if report else None,
        )
        for round_id, m, d, report, name in rows
    ]
    result.sort(key=lambda i: (order[i.round.id], i.measure.seq, i.division.code))
    return result


def _answer(
    report: Report, person_name: str, evidence: dict[int, tuple[EvidenceRef, ...]], text: bool
) -> Answer:
    return Answer(
        report_id=report.id,
        status=report.status,
        text=report.text if text else "",
        late=report.late,
        person_name=person_name,
        created_at=report.created_at,
        carried=report.carried_from_id is not None,
        evidence=evidence.get(report.id, ()),
    )


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


# ---------------------------------------------------------------------------- history


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
        _round_query()
        .where(Round.id.in_(owed_rounds))
        .order_by(Round.closes_at.desc(), Round.key.desc())
    )
    if last is not None:
        q = q.limit(last)
    rounds = tuple(reversed([_round_row(row) for row in (await session.execute(q)).all()]))
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
    refs: dict[tuple[int, int], tuple[MeasureRef, DivisionRef]] = {}
    for item in items:
        pair = (item.measure.id, item.division.id)
        refs[pair] = (item.measure, item.division)
        cells.setdefault(pair, [None] * len(rounds))[column[item.round.id]] = item.status
    rows = tuple(
        HistoryRow(measure=refs[p][0], division=refs[p][1], cells=tuple(cells[p]))
        for p in sorted(refs, key=lambda p: (refs[p][0].seq, refs[p][1].code))
    )
    first = items[0]
    return History(
        measure=first.measure if measure_id is not None else None,
        division=first.division if division_id is not None else None,
        rounds=rounds,
        rows=rows,
    )


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
    return tuple(division_ref(d) for d in await session.scalars(q.order_by(Division.code)))
