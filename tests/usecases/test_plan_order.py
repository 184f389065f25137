"""Divisions are listed as the plan file lists them (the organisation's order), not by code.

The seed plan lists PALAD, FIN, STRAT first and AUDIT last; by code AUDIT would come first.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.telegram.notices import Renderer
from bot.usecases.core import Core
from bot.usecases.nudges import missing
from bot.usecases.people import identify
from storage.answers import round_divisions
from storage.rounds import notice_data
from tests.bot.harness import Clock
from tests.factories import enrol, seed_plan
from tests.round_factories import make_round

Sessions = async_sessionmaker[AsyncSession]
OPENS = datetime(2022, 1, 19, 2, 0, tzinfo=UTC)
MEETING = datetime(2022, 1, 26, 2, 30, tzinfo=UTC)
# The seed plan's own order of these four; sorted by code they would read AUDIT, FIN, PALAD, STRAT.
PLAN_ORDER = ["PALAD", "FIN", "STRAT", "AUDIT"]


async def _round(sessions: Sessions) -> int:
    await seed_plan(sessions)
    items = [(1, code) for code in sorted(PLAN_ORDER)]
    return await make_round(sessions, "2565-01", opens_at=OPENS, closes_at=MEETING, items=items)


async def test_the_round_lists_its_divisions_in_plan_order(sessions: Sessions) -> None:
    round_id = await _round(sessions)
    async with sessions() as s:
        assert [d.code for d in await round_divisions(s, round_id)] == PLAN_ORDER


async def test_missing_lists_silent_divisions_in_plan_order(
    sessions: Sessions, core: Core, clock: Clock
) -> None:
    await _round(sessions)
    await enrol(sessions, 7001, "coordinator", None)
    actor = await identify(core, 7001)
    assert actor is not None
    clock.now = OPENS
    shown = await missing(core, actor, "2565-01")
    assert [s.division.code for s in shown.silent] == PLAN_ORDER


async def test_the_digest_names_divisions_in_plan_order(sessions: Sessions, core: Core) -> None:
    round_id = await _round(sessions)
    async with sessions() as s:
        data = await notice_data(s, "digest", round_id, None, 0)
    assert data is not None
    names = {d.division.code: d.division.name_th for d in data.digest if d.division}
    text = Renderer(core.rules.tz).render(data, "th").text
    places = [text.index(names[code]) for code in PLAN_ORDER]
    assert places == sorted(places), text
