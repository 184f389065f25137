"""The tick's work follows the open work, not the history, on SQLite and PostgreSQL.

With a hundred past fiscal years in the database (their rounds closed, every item answered,
every notice sent) the tick issues exactly the statements it issues with one, and loads as
many rows into objects: it reads the plans still running, their open rounds and the pending
deliveries, never the past. Counted with engine and session events, not timed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from scheduler.outcomes import Outcome, Outgoing, Sent
from scheduler.tick import TickConfig, TickReport, tick
from scheduler.workdays import WorkCalendar
from storage.models import Delivery, Meeting, Plan, Round, RoundItem
from storage.rounds import all_plans, set_meeting
from tests.factories import seed_plan
from tests.history import BKK, History, Staff, follow_sequences, insert_rows
from tests.scheduling import COORDINATOR, HEADS, Recorder, bkk, enrol_everyone, run

Sessions = async_sessionmaker[AsyncSession]
CURRENT = 2573
CONFIG = TickConfig(tz=BKK)
STAFF = Staff(divisions=4, people=12, coordinators=1, monthly_measures=2, quarterly_divisions=2)


@dataclass
class Work:
    """What a stretch of database work was: its statements and the objects it loaded."""

    statements: Counter[str] = field(default_factory=Counter)
    loaded: Counter[str] = field(default_factory=Counter)


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[Work]:
    """Count every statement sent to the database and every row loaded as an object."""
    work = Work()

    def statement(_c: Any, _cur: Any, sql: str, *_: Any) -> None:
        work.statements[" ".join(sql.split())] += 1

    def loaded(_s: Any, instance: object) -> None:
        work.loaded[type(instance).__name__] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", statement)
    event.listen(Session, "loaded_as_persistent", loaded)
    try:
        yield work
    finally:
        event.remove(Session, "loaded_as_persistent", loaded)
        event.remove(engine.sync_engine, "before_cursor_execute", statement)


async def _instant(out: Outgoing) -> Outcome:
    return Sent(out.delivery_id)


async def _ticks(engine: AsyncEngine, sessions: Sessions, now: dt.datetime) -> list[Work]:
    """The prompt moment's tick and, once all of it went out, a tick an hour later."""
    calendar = WorkCalendar()
    await tick(sessions, now - dt.timedelta(minutes=1), _instant, CONFIG, calendar)
    async with sessions() as s:
        marks = (
            await s.scalar(select(func.max(Delivery.id))),
            await s.scalar(select(func.max(Round.id))),
        )
    done: list[Work] = []
    with counting(engine) as busy:
        report = await tick(sessions, now, _instant, CONFIG, calendar)
    assert report.rounds == 1 and report.created == STAFF.people and report.sent == STAFF.people
    done.append(busy)
    with counting(engine) as idle:
        report = await tick(sessions, now + dt.timedelta(hours=1), _instant, CONFIG, calendar)
    assert report == TickReport()
    done.append(idle)
    async with sessions() as s, s.begin():  # back to how it was, for the next comparison
        await s.execute(delete(Delivery).where(Delivery.id > marks[0]))
        await s.execute(delete(RoundItem).where(RoundItem.round_id > marks[1]))
        await s.execute(delete(Round).where(Round.id > marks[1]))
    return done


async def test_a_hundred_years_of_history_cost_the_tick_nothing(
    engine: AsyncEngine, sessions: Sessions
) -> None:
    history = History(STAFF)
    (january,) = (r for r in history.schedule(CURRENT) if r.key == f"{CURRENT}-01")
    now, until = january.opens_at, january.opens_at - dt.timedelta(minutes=1)
    await insert_rows(engine, history.organization())
    await insert_rows(engine, history.plan(CURRENT, until))  # three months closed, Q1 open
    await insert_rows(engine, history.plan(CURRENT - 1, until))  # 1x: one past year
    await follow_sequences(engine)
    one = await _ticks(engine, sessions, now)

    for year in range(CURRENT - 100, CURRENT - 1):  # 100x: a hundred past years
        await insert_rows(engine, history.plan(year, until))
    await follow_sequences(engine)
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Plan)) == 101
        assert (await s.scalar(select(func.count()).select_from(Round)) or 0) > 1600
        assert (await s.scalar(select(func.count()).select_from(Delivery)) or 0) > 100 * 200
    hundred = await _ticks(engine, sessions, now)

    for at_1x, at_100x in zip(one, hundred, strict=True):
        assert at_100x.statements == at_1x.statements
        assert at_100x.loaded == at_1x.loaded
    # Only the current plan is read: one Plan, its open rounds, the people it asks.
    assert one[0].loaded["Plan"] == 1 and one[1].loaded["Plan"] == 1


async def test_the_last_quarter_is_followed_after_the_measures_end(sessions: Sessions) -> None:
    await seed_plan(sessions)  # every measure ends on 31 Mar 2022
    await enrol_everyone(sessions)
    sender = Recorder()
    await run(sessions, bkk(2022, 4, 1, 9, 5), sender)  # Q2's request, the day after
    assert [c.kind for c in sender.to(HEADS["STRAT"])] == ["request"]
    await run(sessions, bkk(2022, 5, 6, 9, 5), sender)  # its digest, before it closes on 9 May
    assert [c.kind for c in sender.to(COORDINATOR)] == ["digest"]


async def test_a_plan_is_read_until_its_last_close_leaves_the_catch_up_window(
    sessions: Sessions,
) -> None:
    await seed_plan(sessions)
    await enrol_everyone(sessions)
    # Q2 closed on 9 May 09:00, the plan's last round; seven days later it is still in reach:
    # a bot started for the first time makes the rounds and records Q2's notices as missed.
    report = await run(sessions, bkk(2022, 5, 16, 8, 55), Recorder())
    assert report.rounds == 8 and report.recorded_skipped > 0 and report.sent == 0


async def test_a_plan_long_over_is_not_read_at_all(sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol_everyone(sessions)
    sender = Recorder()
    # Ten minutes later it is history: the tick leaves it as it is, and does not even make
    # the rounds nobody can be asked in any more (nor store the rule's meetings).
    report = await run(sessions, bkk(2022, 5, 16, 9, 5), sender)
    assert report == TickReport() and sender.calls == []
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Round)) == 0
        assert await s.scalar(select(func.count()).select_from(Meeting)) == 0


async def test_a_meeting_moved_past_the_plans_end_keeps_it_followed(sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol_everyone(sessions)
    await run(sessions, bkk(2022, 3, 24), Recorder())  # March's round is made
    # March's meeting moved by hand to June, past what the measures' end accounts for.
    moved = dt.datetime(2022, 6, 15, 9, 30, tzinfo=BKK)
    async with sessions() as s, s.begin():
        (plan,) = await all_plans(s)
        await set_meeting(s, plan.id, dt.date(2022, 3, 1), moved)
    await run(sessions, bkk(2022, 6, 13, 9, 5), Recorder())
    async with sessions() as s:
        rnd = await s.scalar(select(Round).where(Round.key == "2565-03"))
    assert rnd is not None and rnd.closes_at == moved
