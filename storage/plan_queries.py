"""Read-side queries about plans and measures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from storage.models import Division, Measure, MeasureResponsibility, Plan


async def current_plan(session: AsyncSession) -> Plan | None:
    """The newest plan (highest fiscal year, then latest import), with its organization."""
    return await session.scalar(
        select(Plan)
        .options(selectinload(Plan.organization))
        .order_by(Plan.fiscal_year_be.desc(), Plan.imported_at.desc())
        .limit(1)
    )


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
    sessions: async_sessionmaker[AsyncSession], plan_code: str | None = None
) -> dict[str, Any] | None:
    """The plan with its active measures, actions, responsible divisions and cadence."""
    async with sessions() as session:
        if plan_code is None:
            plan = await current_plan(session)
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
