"""Stand-ins: a head names who acts for them for a range of days, and is told what they missed.

The rules, decided here on every call: in the bot only a head names their own stand-in (the
operator names anyone's from the command line); the stand-in is another head or member of the
head's division; the range is whole local days, starting today or later, at most MAX_DAYS long;
it may not overlap the head's other ranges, nor one in which the stand-in is away themselves.
While it runs the head's division notices are held (storage.deliveries.begin_send) and the
stand-in, who answers for the division as its members do, gets them; when it ends, the head
gets one summary (scheduler/standins.py records it, `away_summary` reads it). Naming and
cancelling are audited. A range may be cancelled by its head, a coordinator or the operator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from scheduler.thaidate import BE_OFFSET
from storage import standins as store
from storage.answers import owed_items
from storage.deliveries import DueDelivery
from storage.people import Actor, DivisionName, active_division
from storage.standins import AnswerLine, AwayRange
from storage.summary import open_rounds

# The longest range one naming covers (a year of leave is named again).
MAX_DAYS = 366
_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_day(text: str) -> date | None:
    """dd/mm/yyyy in the Buddhist era (as Thai offices write it), or yyyy-mm-dd; else None."""
    text = text.strip()
    try:
        if m := _DAY.fullmatch(text):
            year = int(m.group(3))
            return date(year - BE_OFFSET if year > 2400 else year, int(m.group(2)), int(m.group(1)))
        if m := _ISO.fullmatch(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return None


def _refuse(reason: str, *, audit: bool = False, limit: int = MAX_DAYS) -> Refused:
    return Refused(reason, key=f"away.refused_{reason}", action="away", audit=audit, limit=limit)


@dataclass(frozen=True)
class Candidate:
    """A head or member of the division who may stand in."""

    person_id: int
    name: str
    role: str


@dataclass(frozen=True)
class AwayScreen:
    """/away: the head's division, who may stand in, and the head's coming or running ranges."""

    division: DivisionName
    candidates: tuple[Candidate, ...]
    ranges: tuple[AwayRange, ...]
    today: date


def head_divisions(actor: Actor) -> tuple[int, ...]:
    """The divisions the person heads."""
    return tuple(r.division_id for r in actor.roles if r.role == "head" and r.division_id)


def _head_of(actor: Actor) -> int:
    divisions = head_divisions(actor)
    if not divisions:
        raise _refuse("heads_only")
    return divisions[0]


def today(core: Core) -> date:
    """The local date now."""
    return core.now().astimezone(core.rules.tz).date()


async def away_screen(core: Core, actor: Actor) -> AwayScreen:
    """/away: who of the head's division may stand in, and the ranges already named."""
    division_id = _head_of(actor)
    async with core.uow() as uow:
        division = await active_division(uow.session, division_id)
        people = await store.division_people(uow.session, division_id)
        mine = await store.ranges(uow.session, person_id=actor.person_id, ending_after=core.now())
    if division is None:
        raise _refuse("heads_only")
    candidates = tuple(Candidate(p, n, r) for p, n, r in people if p != actor.person_id)
    own = tuple(r for r in mine if r.head_id == actor.person_id)
    return AwayScreen(division, candidates, own, today(core))


def bounds(core: Core, first: date, last: date) -> tuple[datetime, datetime]:
    """The local midnights that start the first day and end the last one, in UTC."""
    tz = core.rules.tz
    start = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


async def _check(
    core: Core, session: AsyncSession, head_id: int, stand_in_id: int, days: tuple[date, date]
) -> int:
    """The division the range is in; Refused with the reason when it may not be named."""
    first, last = days
    if last < first or (last - first).days >= MAX_DAYS:
        raise _refuse("bad_range")
    if first < today(core):
        raise _refuse("past")
    if stand_in_id == head_id:
        raise _refuse("self")
    shared = await store.shared_division(session, head_id, stand_in_id)
    if shared is None:
        raise _refuse("other_division")
    start, end = bounds(core, first, last)
    if await store.overlapping(session, head_id, start, end):
        raise _refuse("overlap")
    if await store.overlapping(session, stand_in_id, start, end):
        raise _refuse("stand_in_away")
    return shared


async def set_away(
    core: Core,
    by: Actor | None,
    head_id: int,
    stand_in_id: int,
    days: tuple[date, date],
) -> AwayRange:
    """Name a stand-in for a head's days away (a head for themselves; None: the operator)."""
    if by is not None and (by.person_id != head_id or not head_divisions(by)):
        raise _refuse("heads_only", audit=True)
    now = core.now()
    async with core.uow() as uow:
        s = uow.session
        division_id = await _check(core, s, head_id, stand_in_id, days)
        range_id = await store.add_range(
            s,
            head_id=head_id,
            stand_in_id=stand_in_id,
            division_id=division_id,
            days=days,
            bounds=bounds(core, *days),
            by_id=by.person_id if by else None,
            via="bot" if by else "cli",
            now=now,
        )
        return (await store.ranges(s, range_id=range_id))[0]


async def cancel_away(core: Core, by: Actor | None, range_id: int) -> AwayRange:
    """Cancel a range not yet ended: its head, a coordinator, or the operator (None)."""
    now = core.now()
    async with core.uow() as uow:
        s = uow.session
        found = await store.ranges(s, range_id=range_id)
        if not found:
            raise _refuse("unknown")
        row = found[0]
        if by is not None and by.person_id != row.head_id and not by.is_coordinator:
            raise _refuse("not_yours", audit=True)
        done = await store.cancel_range(
            s, range_id, by_id=by.person_id if by else None, via="bot" if by else "cli", now=now
        )
        if not done:
            raise _refuse("ended")
        return (await store.ranges(s, range_id=range_id))[0]


async def away_list(core: Core) -> tuple[AwayRange, ...]:
    """Every range running now or still to come (for the operator), earliest first."""
    async with core.uow() as uow:
        return tuple(await store.ranges(uow.session, ending_after=core.now()))


@dataclass(frozen=True)
class OwedLine:
    """A measure the division still owes in a round open now."""

    round_id: int
    measure_seq: int


@dataclass(frozen=True)
class AwaySummary:
    """The head's "while you were away" summary."""

    range: AwayRange
    answers: tuple[AnswerLine, ...]
    held: dict[str, int]
    returned: int
    owed: tuple[OwedLine, ...]
    division: DivisionName | None


async def away_summary(core: Core, delivery: DueDelivery) -> AwaySummary | None:
    """What the summary says as it is sent; None when its range is gone."""
    range_id = store.range_of_key(delivery.key)
    if range_id is None:
        return None
    now = core.now()
    async with core.uow() as uow:
        s = uow.session
        found = await store.ranges(s, range_id=range_id)
        if not found:
            return None
        row = found[0]
        answers = await store.answers_between(s, row.division_id, row.starts_at, row.ended_at)
        returned = await store.returns_between(s, row.division_id, row.starts_at, row.ended_at)
        held = await store.held_notices(s, row)
        owed = [
            OwedLine(i.round_id, i.measure_seq)
            for r in await open_rounds(s, now, [row.division_id])
            for i in await owed_items(s, r.id, row.division_id)
            if not i.answered
        ]
        division = await active_division(s, row.division_id)
    return AwaySummary(row, tuple(answers), held, returned, tuple(owed), division)


async def person_ref(core: Core, ref: str) -> tuple[int, str] | None:
    """(person id, name) of a person by number or @username; None when nobody matches."""
    async with core.uow() as uow:
        person = await store.person_by_ref(uow.session, ref)
    return (person.id, person.name) if person is not None else None
