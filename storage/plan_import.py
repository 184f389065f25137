"""Import a checked plan file into the database: idempotent, in place, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from storage.holidays import sync_plan_holidays
from storage.models import (
    AssessmentIndicator,
    Division,
    Measure,
    MeasureAction,
    MeasureResponsibility,
    Organization,
    Plan,
)
from storage.plan_file import ALL, PlanFile
from storage.types import utcnow


@dataclass
class ImportResult:
    """What an import changed; `changes` is empty when the file matched the database."""

    plan_code: str
    changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return bool(self.changes)


def _assign(obj: Any, label: str, result: ImportResult, **values: Any) -> None:
    """Set attributes that differ, noting each change (so a re-import can report none)."""
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            result.changes.append(f"{label}.{name}")


async def plan_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    """How many plans the database holds."""
    async with sessions() as session:
        return int((await session.execute(select(func.count(Plan.id)))).scalar_one())


async def import_plan(
    sessions: async_sessionmaker[AsyncSession], spec: PlanFile, source: str = ""
) -> ImportResult:
    """Create or update the plan in one transaction; nothing tied to it is deleted."""
    result = ImportResult(plan_code=spec.plan.code)
    async with sessions() as session, session.begin():
        org = await _upsert_organization(session, spec, result)
        divisions = await _upsert_divisions(session, org, spec, result)
        plan = await _upsert_plan(session, org, spec, source, result)
        _sync_indicators(plan, spec, result)
        await _upsert_measures(session, plan, divisions, spec, result)
        wanted = {h.date: h.name for h in spec.holidays}
        result.changes += await sync_plan_holidays(session, plan.code, wanted, by=source)
        if result.changed:
            plan.imported_at = utcnow()
    return result


async def _upsert_organization(
    session: AsyncSession, spec: PlanFile, result: ImportResult
) -> Organization:
    org = await session.scalar(
        select(Organization).where(Organization.code == spec.organization.code)
    )
    if org is None:
        org = Organization(code=spec.organization.code, name_th="", name_en="")
        session.add(org)
        result.changes.append(f"organization {spec.organization.code} created")
    _assign(
        org,
        "organization",
        result,
        name_th=spec.organization.name_th,
        name_en=spec.organization.name_en,
    )
    await session.flush()
    return org


async def _upsert_divisions(
    session: AsyncSession, org: Organization, spec: PlanFile, result: ImportResult
) -> dict[str, Division]:
    existing = {
        d.code: d
        for d in await session.scalars(select(Division).where(Division.organization_id == org.id))
    }
    by_code: dict[str, Division] = {}
    for position, d in enumerate(spec.divisions):
        row = existing.get(d.code)
        if row is None:
            row = Division(organization_id=org.id, code=d.code, name_th="", name_en="")
            session.add(row)
            result.changes.append(f"division {d.code} created")
        _assign(
            row,
            f"division {d.code}",
            result,
            name_th=d.name_th,
            name_en=d.name_en,
            in_all=d.in_all,
            example=d.example,
            active=True,
            position=position,
        )
        by_code[d.code] = row
    # A division dropped from the file keeps its people and answers; it just stops being asked.
    for code, row in existing.items():
        if code not in by_code:
            _assign(row, f"division {code}", result, active=False)
    await session.flush()
    return by_code


async def _upsert_plan(
    session: AsyncSession, org: Organization, spec: PlanFile, source: str, result: ImportResult
) -> Plan:
    plan = await session.scalar(
        select(Plan).where(Plan.code == spec.plan.code).options(selectinload(Plan.indicators))
    )
    meeting = spec.meetings.monthly_heads
    if plan is None:
        plan = Plan(code=spec.plan.code, organization_id=org.id, indicators=[])
        session.add(plan)
        result.changes.append(f"plan {spec.plan.code} created")
    _assign(
        plan,
        "plan",
        result,
        organization_id=org.id,
        title_th=spec.plan.title_th,
        title_en=spec.plan.title_en,
        fiscal_year_be=spec.plan.fiscal_year_be,
        meeting_name_th=meeting.name_th,
        meeting_name_en=meeting.name_en,
        meeting_rule=meeting.rule,
        assessment_total=spec.assessment.total if spec.assessment else None,
        assessment_level=spec.assessment.level if spec.assessment else None,
    )
    if source and plan.source_file != source:
        plan.source_file = source
    await session.flush()
    return plan


def _sync_indicators(plan: Plan, spec: PlanFile, result: ImportResult) -> None:
    wanted = {i.seq: i for i in (spec.assessment.indicators if spec.assessment else [])}
    have = {i.seq: i for i in plan.indicators}
    for seq, old in have.items():
        if seq not in wanted:
            plan.indicators.remove(old)
            result.changes.append(f"indicator {seq} removed")
    for seq, ind in wanted.items():
        row = have.get(seq)
        if row is None:
            row = AssessmentIndicator(seq=seq, tool="", name_th="", name_en="", score=0.0)
            plan.indicators.append(row)
            result.changes.append(f"indicator {seq} created")
        _assign(
            row,
            f"indicator {seq}",
            result,
            tool=ind.tool,
            name_th=ind.name_th,
            name_en=ind.name_en,
            score=ind.score,
        )


async def _upsert_measures(
    session: AsyncSession,
    plan: Plan,
    divisions: dict[str, Division],
    spec: PlanFile,
    result: ImportResult,
) -> None:
    existing = {
        m.seq: m
        for m in await session.scalars(
            select(Measure)
            .where(Measure.plan_id == plan.id)
            .options(selectinload(Measure.actions), selectinload(Measure.responsibilities))
        )
    }
    everyone = [d for d in divisions.values() if d.in_all]
    for m in spec.measures:
        row = existing.get(m.seq)
        label = f"measure {m.seq}"
        if row is None:
            row = Measure(plan_id=plan.id, seq=m.seq, actions=[], responsibilities=[])
            session.add(row)
            result.changes.append(f"{label} created")
        _assign(
            row,
            label,
            result,
            key=m.measure_key,
            title_th=m.title_th,
            title_en=m.title_en,
            period_start=m.period.start,
            period_end=m.period.end,
            period_text_th=m.period.text_th,
            followup_cadence=m.followup.cadence,
            followup_text_th=m.followup.text_th,
            responsible_all=ALL in m.responsible,
            indicator_seqs=list(m.indicators),
            active=True,
        )
        _sync_actions(row, m.actions_th, label, result)
        responsible = everyone if ALL in m.responsible else []
        responsible += [divisions[c] for c in m.responsible if c != ALL]
        await session.flush()
        _sync_responsibilities(row, {d.id: d for d in responsible}, label, result)
    # A measure dropped from the file keeps its history; it is only no longer followed up.
    wanted = {m.seq for m in spec.measures}
    for seq, row in existing.items():
        if seq not in wanted:
            _assign(row, f"measure {seq}", result, active=False)
    await session.flush()


def _sync_actions(row: Measure, actions: list[str], label: str, result: ImportResult) -> None:
    have = {a.seq: a for a in row.actions}
    for seq, text in enumerate(actions, start=1):
        action = have.get(seq)
        if action is None:
            row.actions.append(MeasureAction(seq=seq, text_th=text))
            result.changes.append(f"{label} action {seq} created")
        else:
            _assign(action, f"{label} action {seq}", result, text_th=text)
    for seq, action in have.items():
        if seq > len(actions):
            row.actions.remove(action)
            result.changes.append(f"{label} action {seq} removed")


def _sync_responsibilities(
    row: Measure, wanted: dict[int, Division], label: str, result: ImportResult
) -> None:
    have = {r.division_id: r for r in row.responsibilities}
    for division_id, resp in have.items():
        if division_id not in wanted:
            row.responsibilities.remove(resp)
            result.changes.append(f"{label} no longer asks division {division_id}")
    for division_id, division in wanted.items():
        if division_id not in have:
            row.responsibilities.append(MeasureResponsibility(division_id=division.id))
            result.changes.append(f"{label} asks {division.code}")
