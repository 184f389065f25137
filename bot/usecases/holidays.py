"""Special holidays: add, remove and list them, and say which notices not yet due move.

A holiday changes the working days every plan counts, so adding or removing one moves the
notices planned by working days (prompts, reminders, digests, quarterly requests and closes).
What is already due is left alone: the tick recorded it at its due time, and it keeps its key,
so nothing is sent twice and nothing is lost; the rest follows the new calendar from the next
tick. The change and the moves are computed in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from scheduler.planner import month_key
from scheduler.schedule import (
    NoticeMove,
    PlanSchedule,
    load_calendar,
    load_schedule,
    notice_moves,
)
from scheduler.workdays import WorkCalendar
from storage import audit
from storage import holidays as store
from storage.holidays import Holiday
from storage.rounds import all_plans


class HolidayTaken(Refused):
    """The day is a special holiday already."""

    def __init__(self, existing: Holiday) -> None:
        super().__init__("holiday_taken", day=existing.day)
        self.existing = existing


class NoHoliday(Refused):
    """The day is no special holiday: there is nothing to remove."""

    def __init__(self, day: dt.date, known: tuple[dt.date, ...]) -> None:
        super().__init__("no_holiday", day=day)
        self.day, self.known = day, known


@dataclass(frozen=True)
class HolidayChange:
    """A holiday added or removed, what the day is besides, and the notices that move."""

    holiday: Holiday
    # The day's official holiday (the `holidays` package), if it is one anyway.
    official_name: str | None
    weekend: bool
    moves: tuple[NoticeMove, ...]
    # Meetings held on the day (plan code, round key): a holiday does not move a meeting.
    meetings_on: tuple[tuple[str, str], ...] = ()


async def _schedules(core: Core, session: AsyncSession) -> dict[str, PlanSchedule]:
    """Every plan's schedule with the calendar as it stands now (nothing written)."""
    calendar = await load_calendar(session)
    rules = core.rules
    return {
        plan.code: await load_schedule(
            session, plan, calendar, rules.planner, rules.tz, materialize=False
        )
        for plan in await all_plans(session)
    }


async def _changing(
    core: Core, session: AsyncSession, change: Callable[[], Awaitable[Holiday]]
) -> HolidayChange:
    """Run `change` between two looks at every plan's schedule: what it moves, what is on it."""
    before = await _schedules(core, session)
    done = await change()
    await session.flush()
    after = await _schedules(core, session)
    moves: list[NoticeMove] = []
    tz, day = core.rules.tz, done.day
    meetings_on = []
    for code, old in before.items():
        new = after[code]  # the same plans: a holiday adds or drops none
        moves.extend(notice_moves(old, new, core.now()))
        meetings_on += [
            (code, month_key(m.month))
            for m in new.meetings
            if m.starts_at.astimezone(tz).date() == day
        ]
    official = WorkCalendar().holiday_name(day, "th")
    return HolidayChange(done, official, day.weekday() >= 5, tuple(moves), tuple(meetings_on))


async def add_holiday(core: Core, day: dt.date, name: str, *, by: str = "") -> HolidayChange:
    """Add a special holiday; HolidayTaken when the day already is one. Audited with `by`."""
    name = name.strip()
    if not name:
        raise Refused("holiday_name", day=day)
    async with core.uow() as uow:
        s = uow.session
        existing = await store.holiday_on(s, day)
        if existing is not None:
            raise HolidayTaken(existing)

        async def add() -> Holiday:
            return await store.add_holiday(s, day, name, by=by, at=core.now())

        change = await _changing(core, s, add)
        detail = {"day": day.isoformat(), "name": change.holiday.name, "moves": len(change.moves)}
        await audit.record(s, store.HOLIDAY_ADDED, detail=detail, note=by, at=core.now())
    return change


async def remove_holiday(core: Core, day: dt.date, *, by: str = "") -> HolidayChange:
    """Remove a special holiday; NoHoliday (with the known days) when there is none."""
    async with core.uow() as uow:
        s = uow.session
        existing = await store.holiday_on(s, day)
        if existing is None:
            known = tuple(h.day for h in await store.holidays(s))
            raise NoHoliday(day, known)

        async def remove() -> Holiday:
            await store.remove_holiday(s, day)
            return existing

        change = await _changing(core, s, remove)
        detail = {"day": day.isoformat(), "name": change.holiday.name, "moves": len(change.moves)}
        await audit.record(s, store.HOLIDAY_REMOVED, detail=detail, note=by, at=core.now())
    return change


async def list_holidays(core: Core) -> tuple[Holiday, ...]:
    """Every special holiday, by day."""
    async with core.uow() as uow:
        return tuple(await store.holidays(uow.session))
