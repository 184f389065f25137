"""Stand-ins through the tick, with a controlled clock: the head's notices are held while the
range runs and only then; one summary when it ends; a range cancelled before it began sends
none; one cancelled midway ends there (the head is asked again at once)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Delivery, Division
from storage.standins import AWAY_REASON, AWAY_SUMMARY, add_range, cancel_range
from tests.factories import enrol, seed_plan
from tests.scheduling import BKK, Recorder, bkk, run

Sessions = async_sessionmaker[AsyncSession]
HEAD, MEMBER = 2001, 2002


async def _away(sessions: Sessions, first: dt.date, last: dt.date) -> tuple[int, int, int]:
    """A FIN head and member; the head away from `first` to `last`. (head, member, range)."""
    await seed_plan(sessions)
    head = await enrol(sessions, HEAD, "head", "FIN")
    member = await enrol(sessions, MEMBER, "member", "FIN")
    start = dt.datetime.combine(first, dt.time(0), tzinfo=BKK).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=BKK)
    async with sessions() as s, s.begin():
        fin = await s.scalar(select(Division.id).where(Division.code == "FIN"))
        assert fin is not None
        range_id = await add_range(
            s,
            head_id=head,
            stand_in_id=member,
            division_id=fin,
            days=(first, last),
            bounds=(start, end.astimezone(dt.UTC)),
            by_id=None,
            via="cli",
            now=bkk(2022, 1, 1),
        )
    return head, member, range_id


async def _rows(sessions: Sessions, kind: str) -> list[Delivery]:
    async with sessions() as s:
        return list(await s.scalars(select(Delivery).where(Delivery.kind == kind)))


async def test_held_while_away_asked_again_after(sessions: Sessions) -> None:
    await _away(sessions, dt.date(2022, 1, 18), dt.date(2022, 1, 24))
    sender = Recorder()
    await run(sessions, bkk(2022, 1, 19, 9, 5), sender)  # the prompt: the member only
    await run(sessions, bkk(2022, 1, 24, 9, 5), sender)  # the reminder: the member only
    assert [c.kind for c in sender.to(HEAD)] == []
    assert [c.kind for c in sender.to(MEMBER)] == ["prompt", "reminder"]
    held = [d for d in await _rows(sessions, "prompt") if d.chat_id == HEAD]
    assert [(d.state, d.last_error) for d in held] == [("skipped", AWAY_REASON)]
    for _ in range(3):  # the day after: one summary, however many ticks
        await run(sessions, bkk(2022, 1, 25, 9, 5), sender)
    assert [c.kind for c in sender.to(HEAD)] == [AWAY_SUMMARY]
    # February's prompt reaches the head again: the stand-in's cover ended with the range.
    await run(sessions, bkk(2022, 2, 15, 9, 5), sender)
    assert [c.kind for c in sender.to(HEAD)] == [AWAY_SUMMARY, "prompt"]


async def test_cancelled_before_it_began_sends_no_summary(sessions: Sessions) -> None:
    _, _, range_id = await _away(sessions, dt.date(2022, 1, 18), dt.date(2022, 1, 24))
    async with sessions() as s, s.begin():
        assert await cancel_range(s, range_id, by_id=None, via="cli", now=bkk(2022, 1, 17))
    sender = Recorder()
    await run(sessions, bkk(2022, 1, 19, 9, 5), sender)
    await run(sessions, bkk(2022, 1, 25, 9, 5), sender)
    assert [c.kind for c in sender.to(HEAD)] == ["prompt", "reminder"]  # never held
    assert await _rows(sessions, AWAY_SUMMARY) == []


async def test_cancelled_midway_ends_there(sessions: Sessions) -> None:
    _, _, range_id = await _away(sessions, dt.date(2022, 1, 18), dt.date(2022, 1, 31))
    sender = Recorder()
    await run(sessions, bkk(2022, 1, 19, 9, 5), sender)
    async with sessions() as s, s.begin():
        assert await cancel_range(s, range_id, by_id=None, via="cli", now=bkk(2022, 1, 20))
    await run(sessions, bkk(2022, 1, 24, 9, 5), sender)
    assert [c.kind for c in sender.to(HEAD)] == [AWAY_SUMMARY, "reminder"]
    async with sessions() as s, s.begin():  # cancelling again changes nothing
        assert not await cancel_range(s, range_id, by_id=None, via="cli", now=bkk(2022, 1, 21))
