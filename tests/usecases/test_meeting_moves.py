"""A moved meeting through the use cases: late marks follow the close, one notice per move.

The command line may set a meeting that has already started (a meeting postponed on the day
and recorded afterwards), so both directions of the late marks are reachable here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.usecases import nudges, rounds
from bot.usecases.core import Core
from storage.models import Delivery, Division, Report, Round
from storage.people import load_actor
from tests.bot.harness import Clock
from tests.factories import seed_plan
from tests.scheduling import COORDINATOR, Recorder, answer_all, bkk, enrol_everyone, run

Sessions = async_sessionmaker[AsyncSession]


def _local(at: dt.datetime) -> dt.datetime:
    """A Bangkok wall-clock time as set_meeting takes it (naive, local)."""
    return at.astimezone(dt.timezone(dt.timedelta(hours=7))).replace(tzinfo=None)


async def _prompted(sessions: Sessions, clock: Clock) -> dict[str, int]:
    """The seed plan, everyone enrolled, January's prompts sent on the 19th."""
    await seed_plan(sessions)
    people = await enrol_everyone(sessions)
    clock.now = bkk(2022, 1, 19, 9, 1)
    await run(sessions, clock.now, Recorder())
    return people


async def _late_marks(sessions: Sessions) -> list[bool]:
    async with sessions() as s:
        return list(await s.scalars(select(Report.late).order_by(Report.id)))


async def _mark_confirmed(sessions: Sessions, at: dt.datetime, late: bool) -> None:
    """Every report as confirmed at `at`, marked as the answering use case would have."""
    async with sessions() as s, s.begin():
        for report in await s.scalars(select(Report)):
            report.created_at, report.late = at, late


async def test_late_marks_follow_the_close_both_ways(core: Core, sessions: Sessions) -> None:
    clock = core.clock
    assert isinstance(clock, Clock)
    people = await _prompted(sessions, clock)
    # FIN answers half an hour after the meeting (09:30): late.
    await answer_all(sessions, "2565-01", "FIN", people["FIN"])
    await _mark_confirmed(sessions, bkk(2022, 1, 26, 10, 0), late=True)
    clock.now = bkk(2022, 1, 26, 11, 0)
    moved = await rounds.set_meeting(core, _local(bkk(2022, 1, 28, 9, 30)), by="test")
    # Recomputed in the move's own transaction: no tick has run since.
    assert moved.remarked == 4 and set(await _late_marks(sessions)) == {False}
    async with sessions() as s:
        rnd = (await s.scalars(select(Round).where(Round.key == "2565-01"))).one()
    assert rnd.closes_at == bkk(2022, 1, 28, 9, 30)
    # And back to before the answer: late again.
    moved = await rounds.set_meeting(core, _local(bkk(2022, 1, 25, 9, 0)), by="test")
    assert moved.remarked == 4 and set(await _late_marks(sessions)) == {True}


async def _moved_keys(sessions: Sessions) -> list[str]:
    async with sessions() as s:
        return list(await s.scalars(select(Delivery.key).where(Delivery.kind == "moved")))


async def test_one_moved_notice_per_move_and_person_to_the_prompted_only(
    core: Core, sessions: Sessions
) -> None:
    clock = core.clock
    assert isinstance(clock, Clock)
    await seed_plan(sessions)
    await enrol_everyone(sessions)
    # Before the prompt: nobody to tell (the round is not even made).
    clock.now = bkk(2022, 1, 17, 9, 0)
    await run(sessions, clock.now, Recorder())
    first = await rounds.set_meeting(core, _local(bkk(2022, 1, 26, 13, 0)))
    assert first.notices == 0 and await _moved_keys(sessions) == []
    clock.now = bkk(2022, 1, 19, 9, 1)
    await run(sessions, clock.now, Recorder())
    clock.now = bkk(2022, 1, 20, 9, 0)
    second = await rounds.set_meeting(core, _local(bkk(2022, 1, 27, 9, 30)))
    heads = 9  # every division is asked in January, one head each; not the coordinator
    assert second.notices == heads and len(await _moved_keys(sessions)) == heads
    # The same time again is no move: nothing new to say.
    again = await rounds.set_meeting(core, _local(bkk(2022, 1, 27, 9, 30)))
    assert again.notices == 0
    third = await rounds.set_meeting(core, _local(bkk(2022, 1, 28, 9, 30)))
    keys = await _moved_keys(sessions)
    assert third.notices == heads and len(keys) == len(set(keys)) == 2 * heads
    sent = Recorder()
    for minutes in (1, 2):
        await run(sessions, clock.now + dt.timedelta(minutes=minutes), sent)
    assert len([c for c in sent.calls if c.kind == "moved"]) == 2 * heads


async def test_a_nudge_stops_when_the_round_closes(core: Core, sessions: Sessions) -> None:
    clock = core.clock
    assert isinstance(clock, Clock)
    await _prompted(sessions, clock)
    clock.now = bkk(2022, 1, 26, 8, 0)
    async with sessions() as s:
        actor = await load_actor(s, COORDINATOR)
        rnd = (await s.scalars(select(Round).where(Round.key == "2565-01"))).one()
        fin = await s.scalar(select(Division.id).where(Division.code == "FIN"))
    assert actor is not None and fin is not None
    await nudges.nudge(core, actor, rnd.id, fin)
    async with sessions() as s:
        nudge = (await s.scalars(select(Delivery).where(Delivery.kind == "nudge"))).one()
    assert nudge.stale_at == bkk(2022, 1, 26, 9, 30)  # the meeting, not midnight


async def test_pending_notices_follow_a_moved_close(core: Core, sessions: Sessions) -> None:
    clock = core.clock
    assert isinstance(clock, Clock)
    await _prompted(sessions, clock)
    clock.now = bkk(2022, 1, 25, 10, 0)
    async with sessions() as s:
        actor = await load_actor(s, COORDINATOR)
        rnd = (await s.scalars(select(Round).where(Round.key == "2565-01"))).one()
        fin = await s.scalar(select(Division.id).where(Division.code == "FIN"))
        head = await s.scalar(select(Delivery.person_id).where(Delivery.division_id == fin))
    assert actor is not None and fin is not None and head is not None
    await nudges.nudge(core, actor, rnd.id, fin)
    old_close = bkk(2022, 1, 26, 9, 30)
    returned_until = old_close + dt.timedelta(days=14)
    async with sessions() as s, s.begin():
        s.add(
            Delivery(
                key="review_returned:test",
                kind="review_returned",
                round_id=rnd.id,
                division_id=fin,
                person_id=head,
                chat_id=1002,
                due_at=clock.now + dt.timedelta(hours=1),
                stale_at=returned_until,
            )
        )
    # The meeting comes earlier, to this afternoon: the nudge stops then, not at midnight;
    # the return notice keeps its days after the close.
    await rounds.set_meeting(core, _local(bkk(2022, 1, 25, 15, 0)))
    async with sessions() as s:
        stale = dict((await s.execute(select(Delivery.kind, Delivery.stale_at))).all())
    assert stale["nudge"] == bkk(2022, 1, 25, 15, 0)
    assert stale["review_returned"] == returned_until - (old_close - bkk(2022, 1, 25, 15, 0))
