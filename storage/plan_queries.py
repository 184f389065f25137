"""Read-side queries about plans and measures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from storage.models import Division, Measure, MeasureResponsibility, Plan


async def plan_by_id(session: AsyncSession, plan_id: int) -> Plan | None:
    """A plan by id, with its organization (which plan is current: scheduler.plan_years)."""
    return await session.scalar(
        select(Plan).where(Plan.id == plan_id).options(selectinload(Plan.organization))
    )


async def linked_measure_ids(session: AsyncSession, measure_id: int) -> list[int]:
    """The measure and the same measure in the organization's other plans (same key)."""
    measure = await session.get(Measure, measure_id)
    if measure is None:
        return []
    if not measure.key:
        return [measure_id]
    org = select(Plan.organization_id).where(Plan.id == measure.plan_id).scalar_subquery()
    q = (
        select(Measure.id)
        .join(Plan, Plan.id == Measure.plan_id)
        .where(Measure.key == measure.key, Plan.organization_id == org)
    )
    return list(await session.scalars(q))


async def active_measures(session: AsyncSession, plan_id: int) -> Sequence[Measure]:
    """A plan's active measures in order, with their actions and responsible divisions."""
    result = await session.scalars(
        select(Measure)
        .where(Measure.plan_id == plan_id, Measure.active.is_(True))
        .order_by(Measure.seq)
        .options(
            selectinload(Measure.actions),
            selectinload(Measure.responsibilities).selectinload(MeasureResponsibility.division),
        )
    )
    return result.all()


async def plan_overview(
    sessions: async_sessionmaker[AsyncSession],
    plan_code: str | None = None,
    plan_id: int | None = None,
) -> dict[str, Any] | None:
    """The plan (by code, else by id) with its active measures, divisions and cadence."""
    async with sessions() as session:
        if plan_code is None:
            plan = await plan_by_id(session, plan_id) if plan_id is not None else None
        else:
            plan = await session.scalar(
                select(Plan).where(Plan.code == plan_code).options(selectinload(Plan.organization))
            )
        if plan is None:
            return None
        measures = await active_measures(session, plan.id)
        return {
            "plan": {
                "code": plan.code,
                "title_th": plan.title_th,
                "title_en": plan.title_en,
                "fiscal_year_be": plan.fiscal_year_be,
                "organization": {
                    "code": plan.organization.code,
                    "name_th": plan.organization.name_th,
                    "name_en": plan.organization.name_en,
                },
                "meeting": {"name_th": plan.meeting_name_th, "rule": plan.meeting_rule},
            },
            "measures": [_measure_dict(m) for m in measures],
        }


def _measure_dict(m: Measure) -> dict[str, Any]:
    divisions: list[Division] = sorted(
        (r.division for r in m.responsibilities if r.division.active), key=lambda d: d.code
    )
    return {
        "seq": m.seq,
        "title_th": m.title_th,
        "title_en": m.title_en,
        "actions_th": [a.text_th for a in m.actions],
        "responsible_all": m.responsible_all,
        "responsible": [
            {"code": d.code, "name_th": d.name_th, "name_en": d.name_en} for d in divisions
        ],
        "period": {
            "start": m.period_start.isoformat(),
            "end": m.period_end.isoformat(),
            "text_th": m.period_text_th,
        },
        "followup": {"cadence": m.followup_cadence, "text_th": m.followup_text_th},
        "indicators": list(m.indicator_seqs),
    }
