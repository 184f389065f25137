"""What the report files are made of: export rows, the meeting report, the end-of-period report.

Export rows hold EVERY answer of the chosen rounds, superseded ones included and marked
(`latest=False`): a late correction must never make the first answer vanish from the
record. Owed items nobody answered appear once each, with status MISSING, so a filtered
spreadsheet shows the gaps too. The meeting and period reports use only counting answers.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.counting import division_ref, evidence_of, item_answers, measure_ref
from storage.models import Division, Measure, Person, Plan, Report
from storage.plan_queries import active_measures
from storage.read_models import (
    DivisionRef,
    EvidenceRef,
    ItemAnswer,
    MeasureDetail,
    MeasureRef,
    ReviewEvent,
    RoundInfo,
)
from storage.review_trail import latest_by_report, review_events


@dataclass(frozen=True)
class PlanHeader:
    """What a report's heading names: the municipality, the plan and its meeting."""

    plan_id: int
    code: str
    title_th: str
    title_en: str
    fiscal_year_be: int
    org_name_th: str
    org_name_en: str
    meeting_name_th: str
    meeting_name_en: str


@dataclass(frozen=True)
class ExportRow:
    """One answer (or one unanswered item) as a spreadsheet row."""

    round: RoundInfo
    measure: MeasureRef
    division: DivisionRef
    status: str
    text: str
    evidence: tuple[EvidenceRef, ...]
    person_name: str
    created_at: datetime | None
    late: bool
    # False for an answer that a newer one of the same item replaced.
    latest: bool
    carried: bool
    # The answer's newest review (None: not reviewed, or no answer).
    review: ReviewEvent | None = None


@dataclass(frozen=True)
class RoundReport:
    """The monthly meeting report: every measure of one round with each division's answer."""

    header: PlanHeader
    round: RoundInfo
    measures: tuple[MeasureDetail, ...]


@dataclass(frozen=True)
class PeriodMeasure:
    """One row of the document's measures table, with what happened round by round."""

    measure: MeasureRef
    actions_th: tuple[str, ...]
    responsible: tuple[DivisionRef, ...]
    responsible_all: bool
    period_start: date
    period_end: date
    period_text_th: str
    followup_text_th: str
    cadence: str
    # Counting answers (and missing items) in round order, then divisions in plan order.
    items: tuple[ItemAnswer, ...]


@dataclass(frozen=True)
class PeriodReport:
    """The end-of-period report: the plan's whole measures table and its results."""

    header: PlanHeader
    rounds: tuple[RoundInfo, ...]
    measures: tuple[PeriodMeasure, ...]


async def plan_header(session: AsyncSession, plan_id: int) -> PlanHeader | None:
    """The heading data of a plan."""
    plan = await session.scalar(
        select(Plan).where(Plan.id == plan_id).options(selectinload(Plan.organization))
    )
    if plan is None:
        return None
    return PlanHeader(
        plan_id=plan.id,
        code=plan.code,
        title_th=plan.title_th,
        title_en=plan.title_en,
        fiscal_year_be=plan.fiscal_year_be,
        org_name_th=plan.organization.name_th,
        org_name_en=plan.organization.name_en,
        meeting_name_th=plan.meeting_name_th,
        meeting_name_en=plan.meeting_name_en,
    )


async def export_rows(
    session: AsyncSession,
    rounds: Sequence[RoundInfo],
    division_ids: Collection[int] | None = None,
) -> list[ExportRow]:
    """Every answer of the rounds, superseded ones marked, plus one row per missing item."""
    if not rounds:
        return []
    counting = await item_answers(session, rounds, division_ids=division_ids, with_text=False)
    latest_ids = {i.answer.report_id for i in counting if i.answer}
    out = await _answer_rows(session, rounds, division_ids, latest_ids)
    out.extend(_missing_row(i) for i in counting if i.answer is None)
    order = {r.id: n for n, r in enumerate(rounds)}
    epoch = datetime.min.replace(tzinfo=rounds[0].opens_at.tzinfo)
    out.sort(
        key=lambda e: (
            order[e.round.id],
            e.measure.seq,
            e.division.order,
            e.created_at is None,  # missing rows after the answers of the same item
            e.created_at or epoch,
        )
    )
    return out


async def _answer_rows(
    session: AsyncSession,
    rounds: Sequence[RoundInfo],
    division_ids: Collection[int] | None,
    latest_ids: Collection[int],
) -> list[ExportRow]:
    """Every report of the rounds (of these divisions), each marked latest or superseded."""
    by_id = {r.id: r for r in rounds}
    q = (
        select(Report, Person.name, Measure, Division)
        .join(Person, Person.id == Report.person_id)
        .join(Measure, Measure.id == Report.measure_id)
        .join(Division, Division.id == Report.division_id)
        .where(Report.round_id.in_(list(by_id)))
    )
    if division_ids is not None:
        q = q.where(Report.division_id.in_(list(division_ids)))
    rows = (await session.execute(q)).all()
    evidence = await evidence_of(session, [r.id for r, *_ in rows])
    reviews = latest_by_report(await review_events(session, list(by_id), division_ids=division_ids))
    return [
        ExportRow(
            round=by_id[r.round_id],
            measure=measure_ref(m),
            division=division_ref(d),
            status=r.status,
            text=r.text,
            evidence=evidence.get(r.id, ()),
            person_name=name,
            created_at=r.created_at,
            late=r.late,
            latest=r.id in latest_ids,
            carried=r.carried_from_id is not None,
            review=reviews.get(r.id),
        )
        for r, name, m, d in rows
    ]


def _missing_row(item: ItemAnswer) -> ExportRow:
    """An owed item nobody answered (MISSING, or NOT_FOLLOWED if nobody was asked), as a row."""
    return ExportRow(
        round=item.round,
        measure=item.measure,
        division=item.division,
        status=item.status,
        text="",
        evidence=(),
        person_name="",
        created_at=None,
        late=False,
        latest=True,
        carried=False,
    )


async def round_report(
    session: AsyncSession,
    header: PlanHeader,
    round_: RoundInfo,
    division_ids: Collection[int] | None = None,
) -> RoundReport:
    """The meeting report of one round (counting answers with text and evidence)."""
    items = await item_answers(session, [round_], division_ids=division_ids)
    per_measure: dict[int, list[ItemAnswer]] = {}
    for item in items:
        per_measure.setdefault(item.measure.id, []).append(item)
    details = tuple(
        MeasureDetail(round=round_, measure=group[0].measure, items=tuple(group))
        for group in per_measure.values()
    )
    return RoundReport(header=header, round=round_, measures=details)


async def period_report(
    session: AsyncSession,
    header: PlanHeader,
    rounds: Sequence[RoundInfo],
    division_ids: Collection[int] | None = None,
) -> PeriodReport:
    """The end-of-period report over `rounds` (normally all rounds of the plan)."""
    measures = await active_measures(session, header.plan_id)
    items = await item_answers(session, rounds, division_ids=division_ids)
    per_measure: dict[int, list[ItemAnswer]] = {}
    for item in items:
        per_measure.setdefault(item.measure.id, []).append(item)
    out = []
    for m in measures:
        responsible = sorted(
            (division_ref(r.division) for r in m.responsibilities if r.division.active),
            key=lambda d: d.order,
        )
        if division_ids is not None:
            responsible = [d for d in responsible if d.id in division_ids]
            if not responsible:
                continue  # a division's own report leaves out measures it has no part in
        out.append(
            PeriodMeasure(
                measure=measure_ref(m),
                actions_th=tuple(a.text_th for a in m.actions),
                responsible=tuple(responsible),
                responsible_all=m.responsible_all,
                period_start=m.period_start,
                period_end=m.period_end,
                period_text_th=m.period_text_th,
                followup_text_th=m.followup_text_th,
                cadence=m.followup_cadence,
                items=tuple(per_measure.get(m.id, ())),
            )
        )
    return PeriodReport(header=header, rounds=tuple(rounds), measures=tuple(out))
