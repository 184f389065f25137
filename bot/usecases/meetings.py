"""Moving a meeting from the chat: which meetings may move, a month's days, a check, the move.

Only coordinators and admins move meetings, decided here on every step (the buttons hold a
month, a day and a time, nothing else). A meeting that has started is not moved, nor is one
moved into the past; the day is the meeting's own month (a month's meeting reports on that
month). Weekends and holidays are warned about with the same rule as the command line
(`rounds.meetings`), then the move is `rounds.set_meeting`, shared with `meeting set`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from bot.texts import localized
from bot.usecases import rounds
from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from bot.usecases.rounds import MeetingMoved, MeetingRow, Meetings, OutsidePlan
from scheduler.schedule import MeetingView, load_calendar
from scheduler.workdays import WorkCalendar
from storage.people import Actor

# The times offered for a meeting (local): the usual morning and afternoon starts.
TIMES: tuple[dt.time, ...] = tuple(
    dt.time(h, m) for h, m in ((9, 0), (9, 30), (10, 0), (13, 0), (13, 30), (14, 0))
)


def may_move(actor: Actor | None) -> Actor:
    """Only coordinators and admins move meetings; others are refused (and audited)."""
    if actor is None or not actor.is_coordinator:
        raise Refused("not_allowed", audit=True, key="auth.not_allowed", action="move_meeting")
    return actor


def month_of(code: int) -> dt.date:
    """The month of a button's YYYYMM code; a forged one is refused (and audited)."""
    year, month = divmod(code, 100)
    if not (2000 <= year <= 2200 and 1 <= month <= 12):
        raise Refused("move_bad", audit=True, key="move.bad", action="move_meeting")
    return dt.date(year, month, 1)


def month_code(month: dt.date) -> int:
    """The YYYYMM code of a month, for a button."""
    return month.year * 100 + month.month


def when_of(month: dt.date, day: int, hhmm: int) -> dt.datetime:
    """The local (naive) time of a button's day and HHMM; a forged one is refused (audited)."""
    hour, minute = divmod(hhmm, 100)
    last = calendar.monthrange(month.year, month.month)[1]
    if not (1 <= day <= last and hour < 24 and minute < 60):
        raise Refused("move_bad", audit=True, key="move.bad", action="move_meeting")
    return dt.datetime(month.year, month.month, day, hour, minute)


@dataclass(frozen=True)
class Movable:
    """The meetings as /meetings lists them, and those a coordinator may still move."""

    listed: Meetings
    months: tuple[MeetingRow, ...]


@dataclass(frozen=True)
class MonthDays:
    """One month to pick a day in: the meeting as it stands and each day's standing."""

    meeting_name_th: str
    meeting_name_en: str | None
    current: MeetingRow
    # The days of the month, each (day, pickable, weekend or holiday).
    days: tuple[tuple[dt.date, bool, bool], ...]

    def meeting(self, lang: str) -> str:
        """The meeting series' name in the language."""
        return localized(lang, self.meeting_name_th, self.meeting_name_en)


@dataclass(frozen=True)
class Proposal:
    """A move as it would be: the meeting now, and the new time with its warnings."""

    current: MeetingRow
    proposed: MeetingRow
    listed: Meetings


async def _calendar(core: Core) -> WorkCalendar:
    """The working days as they stand (special holidays included)."""
    async with core.uow() as uow:
        return await load_calendar(uow.session)


async def movable(core: Core, actor: Actor | None) -> Movable:
    """The meetings (any coordinator's view), and the months whose meeting has not started."""
    rounds.may_see_meetings(actor)
    listed = await rounds.meetings(core)
    now = core.now()
    return Movable(listed, tuple(r for r in listed.rows if r.starts_at > now))


async def _current(core: Core, month: dt.date) -> tuple[Meetings, MeetingRow]:
    """The plan's meetings and this month's meeting, which must not have started yet."""
    listed = await rounds.meetings(core)
    row = next((r for r in listed.rows if r.month == month), None)
    if row is None:
        raise Refused("move_outside", key="move.outside")
    if row.starts_at <= core.now():
        raise Refused("move_held", key="move.held")
    return listed, row


async def month_days(core: Core, actor: Actor | None, month: dt.date) -> MonthDays:
    """The days of the month to pick from: today and later, flagged weekend or holiday."""
    may_move(actor)
    listed, row = await _current(core, month)
    today = core.now().astimezone(core.rules.tz).date()
    last = calendar.monthrange(month.year, month.month)[1]
    working = await _calendar(core)
    days = tuple(
        (d, d >= today, not working.is_working_day(d))
        for d in (month.replace(day=n) for n in range(1, last + 1))
    )
    return MonthDays(listed.name_th, listed.name_en, row, days)


async def _checked(core: Core, when: dt.datetime) -> Proposal:
    listed, row = await _current(core, when.date().replace(day=1))
    if when.replace(tzinfo=core.rules.tz) <= core.now():
        raise Refused("move_past", key="move.past")
    tz = core.rules.tz
    view = MeetingView(row.month, when.replace(tzinfo=tz), True, None)
    return Proposal(row, rounds.meeting_row(view, tz, await _calendar(core)), listed)


async def propose(core: Core, actor: Actor | None, when: dt.datetime) -> Proposal:
    """What moving the meeting to `when` (local) would be, with its warnings; writes nothing."""
    may_move(actor)
    return await _checked(core, when)


async def move(core: Core, actor: Actor | None, when: dt.datetime) -> MeetingMoved:
    """Move the month's meeting to `when` (local), checked again; audited with the mover."""
    mover = may_move(actor)
    await _checked(core, when)
    try:
        return await rounds.set_meeting(
            core, when, by=f"{mover.name} (Telegram)", by_id=mover.person_id
        )
    except OutsidePlan as exc:
        raise Refused("move_outside", key="move.outside") from exc
