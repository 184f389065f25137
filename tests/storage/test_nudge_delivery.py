"""A coordinator's nudge goes out through the tick once, only to the silent division."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Division
from storage.nudges import create_nudges
from storage.summary import round_by_id
from tests.factories import seed_plan
from tests.scheduling import BKK, HEADS, Recorder, answer_all, bkk, enrol_everyone, round_id, run

Sessions = async_sessionmaker[AsyncSession]


async def test_nudge_is_sent_once_to_the_silent_division(sessions: Sessions) -> None:
    await seed_plan(sessions)
    people = await enrol_everyone(sessions)
    deliver = Recorder()
    await run(sessions, bkk(2022, 1, 19, 9, 1), deliver)  # the January prompts go out
    await answer_all(sessions, "2565-01", "FIN", people["FIN"])
    async with sessions() as s:
        rnd = await round_by_id(s, await round_id(s, "2565-01"))
        health = await s.scalar(select(Division.id).where(Division.code == "HEALTH"))
        fin = await s.scalar(select(Division.id).where(Division.code == "FIN"))
    assert rnd is not None and health is not None and fin is not None

    now = bkk(2022, 1, 20, 14, 0)
    async with sessions() as s, s.begin():
        assert (
            await create_nudges(s, rnd, health, now, BKK, people["coordinator"])
        ).outcome == "created"
        assert (await create_nudges(s, rnd, fin, now, BKK)).outcome == "not_silent"
    async with sessions() as s, s.begin():
        assert (await create_nudges(s, rnd, health, now, BKK)).outcome == "already"
        after_meeting = bkk(2022, 1, 27, 9, 0)
        assert (await create_nudges(s, rnd, health, after_meeting, BKK)).outcome == "closed"

    deliver.calls.clear()
    await run(sessions, now, deliver)
    await run(sessions, now.replace(minute=5), deliver)
    nudges = [c for c in deliver.calls if c.kind == "nudge"]
    assert [c.chat_id for c in nudges] == [HEADS["HEALTH"]]
