"""Test rounds made directly in the database (the planner and tick have their own tests)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Division, Measure, Plan, Round, RoundItem


async def make_round(
    sessions: async_sessionmaker[AsyncSession],
    key: str,
    *,
    opens_at: datetime,
    closes_at: datetime,
    items: list[tuple[int, str]],
    kind: str = "monthly",
) -> int:
    """A round asking (measure seq, division code) pairs; returns the round id."""
    async with sessions() as session, session.begin():
        plan = (await session.scalars(select(Plan))).one()
        rnd = Round(
            plan_id=plan.id,
            kind=kind,
            key=key,
            covers_start=opens_at.date(),
            covers_end=closes_at.date(),
            opens_at=opens_at,
            closes_at=closes_at,
        )
        session.add(rnd)
        await session.flush()
        for seq, code in items:
            measure = await session.scalar(
                select(Measure).where(Measure.plan_id == plan.id, Measure.seq == seq)
            )
            division = await session.scalar(select(Division).where(Division.code == code))
            assert measure is not None and division is not None
            session.add(RoundItem(round_id=rnd.id, measure_id=measure.id, division_id=division.id))
        return rnd.id
