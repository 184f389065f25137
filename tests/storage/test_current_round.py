"""The current round of a division head is one that asks their division something."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Division
from storage.summary import current_round, open_rounds
from tests.factories import seed_plan
from tests.round_factories import make_round

NOW = datetime(2022, 1, 20, 3, 0, tzinfo=UTC)


async def test_current_round_per_division(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed_plan(sessions)
    quarter = await make_round(
        sessions,
        "2565-Q1",
        kind="quarterly",
        opens_at=NOW - timedelta(days=10),
        closes_at=NOW + timedelta(days=2),
        items=[(7, "STRAT")],
    )
    month = await make_round(
        sessions,
        "2565-01",
        opens_at=NOW - timedelta(days=1),
        closes_at=NOW + timedelta(days=6),
        items=[(1, "FIN"), (7, "STRAT")],
    )
    async with sessions() as s:
        ids = dict((await s.execute(select(Division.code, Division.id))).all())
        assert (await current_round(s, NOW)).id == quarter  # type: ignore[union-attr]
        fin = await current_round(s, NOW, {ids["FIN"]})
        assert fin is not None and fin.id == month
        assert [r.id for r in await open_rounds(s, NOW, {ids["FIN"]})] == [month]
        assert await current_round(s, NOW, {ids["HR"]}) is None
        later = await current_round(s, NOW + timedelta(days=30), {ids["FIN"]})
        assert later is not None and later.id == month  # the most recently closed of theirs
