"""The answer rules at their edges: what counts as late, and when a round stops taking answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.usecases import answering
from bot.usecases.answering import ItemKey
from bot.usecases.core import Core
from bot.usecases.drafts import Addition, AnswerRefused
from bot.usecases.people import identify
from storage.models import Division, Measure, Report
from tests.bot.harness import Clock
from tests.factories import enrol, seed_plan
from tests.round_factories import make_round

Sessions = async_sessionmaker[AsyncSession]
OPENS = datetime(2022, 1, 19, 2, 0, tzinfo=UTC)
MEETING = datetime(2022, 1, 26, 2, 30, tzinfo=UTC)
LATE_DAYS = 14
TICK = timedelta(seconds=1)


async def _world(sessions: Sessions) -> tuple[int, int, int, int]:
    """A FIN head and a January round asking FIN one measure: (person, round, measure, FIN)."""
    await seed_plan(sessions)
    person = await enrol(sessions, 3001, "head", "FIN")
    round_id = await make_round(
        sessions, "2565-01", opens_at=OPENS, closes_at=MEETING, items=[(1, "FIN")]
    )
    async with sessions() as s:
        measure = await s.scalar(select(Measure.id).where(Measure.seq == 1))
        fin = await s.scalar(select(Division.id).where(Division.code == "FIN"))
    assert measure is not None and fin is not None
    return person, round_id, measure, fin


async def _answer_at(
    core: Core, clock: Clock, world: tuple[int, int, int, int], now: datetime
) -> Report:
    """Write and confirm an answer at `now` (the draft started a day after the round opened)."""
    _, round_id, measure, division = world
    actor = await identify(core, 3001)
    assert actor is not None
    clock.now = OPENS + timedelta(days=1)
    started = await answering.choose_status(
        core, actor, ItemKey(round_id, measure, division), status_index=0
    )
    await answering.add_to_draft(core, actor, Addition(text="เผยแพร่แล้ว"))
    clock.now = now
    confirmed = await answering.confirm(core, actor, started.draft.id)
    async with core.sessions() as s:
        stored = await s.get(Report, confirmed.report_id)
    assert stored is not None
    return stored


async def test_an_answer_confirmed_exactly_at_the_meeting_is_late(
    sessions: Sessions, core: Core, clock: Clock
) -> None:
    world = await _world(sessions)
    before = await _answer_at(core, clock, world, MEETING - TICK)
    at = await _answer_at(core, clock, world, MEETING)
    after = await _answer_at(core, clock, world, MEETING + TICK)
    assert [before.late, at.late, after.late] == [False, True, True]


async def test_answers_are_taken_from_the_opening_until_the_late_window_ends(
    sessions: Sessions, core: Core, clock: Clock
) -> None:
    assert core.rules.late_answer_days == LATE_DAYS
    world = await _world(sessions)
    window_end = MEETING + timedelta(days=LATE_DAYS)
    first = await _answer_at(core, clock, world, OPENS)
    last = await _answer_at(core, clock, world, window_end - TICK)
    assert (first.late, last.late) == (False, True)
    for refused_at in (window_end, window_end + TICK, OPENS - TICK):
        with pytest.raises(AnswerRefused) as refused:
            await _answer_at(core, clock, world, refused_at)
        assert refused.value.reason == "round_closed"
    async with sessions() as s:
        kept = list(await s.scalars(select(Report.created_at).order_by(Report.id)))
    assert kept == [OPENS, window_end - TICK]  # the refusals stored nothing
