"""Helpers for scheduler tests: Bangkok times, a recording sender, enrolled divisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.outcomes import Outcome, Outgoing, Sent
from scheduler.tick import TickConfig, TickReport, tick
from scheduler.workdays import WorkCalendar
from storage.models import Division, Report, Round, RoundItem
from tests.factories import enrol

BKK = ZoneInfo("Asia/Bangkok")
CAL = WorkCalendar()
CONFIG = TickConfig(tz=BKK)
# One head per division (telegram id = chat id), and one coordinator.
HEADS = {
    "PALAD": 1001,
    "FIN": 1002,
    "STRAT": 1003,
    "ENG": 1004,
    "HEALTH": 1005,
    "EDU": 1006,
    "WELFARE": 1007,
    "HR": 1008,
    "AUDIT": 1009,
}
COORDINATOR = 9001


def bkk(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    """An aware UTC datetime for a Bangkok wall-clock time."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=BKK).astimezone(dt.UTC)


class Recorder:
    """A `deliver` that records every call and answers Sent (or what `answer` says)."""

    def __init__(self, answer: Callable[[Outgoing], Outcome] | None = None) -> None:
        self.calls: list[Outgoing] = []
        self.answer = answer
        self._next = 0

    async def __call__(self, out: Outgoing) -> Outcome:
        self.calls.append(out)
        if self.answer is not None:
            return self.answer(out)
        self._next += 1
        return Sent(self._next)

    def to(self, chat_id: int, kind: str | None = None) -> list[Outgoing]:
        """Calls to one chat (of one kind)."""
        return [c for c in self.calls if c.chat_id == chat_id and kind in (None, c.kind)]


async def enrol_everyone(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """One head per division and one coordinator; returns person ids by division code."""
    ids = {code: await enrol(sessions, uid, "head", code) for code, uid in HEADS.items()}
    ids["coordinator"] = await enrol(sessions, COORDINATOR, "coordinator")
    return ids


async def run(
    sessions: async_sessionmaker[AsyncSession],
    now: dt.datetime,
    deliver: Recorder,
    config: TickConfig = CONFIG,
) -> TickReport:
    """One tick at `now`."""
    return await tick(sessions, now, deliver, config, CAL)


async def answer_all(
    sessions: async_sessionmaker[AsyncSession], round_key: str, division_code: str, person_id: int
) -> None:
    """Record a confirmed answer for every item a division owes in a round."""
    async with sessions() as session, session.begin():
        rnd = await session.scalar(select(Round).where(Round.key == round_key))
        div = await session.scalar(select(Division).where(Division.code == division_code))
        assert rnd is not None and div is not None
        items = await session.scalars(
            select(RoundItem).where(RoundItem.round_id == rnd.id, RoundItem.division_id == div.id)
        )
        for item in items:
            session.add(
                Report(
                    round_id=rnd.id,
                    measure_id=item.measure_id,
                    division_id=div.id,
                    person_id=person_id,
                    status="done",
                    text="ok",
                )
            )


async def round_id(session: AsyncSession, key: str) -> int:
    """A round's id by key."""
    rid = await session.scalar(select(Round.id).where(Round.key == key))
    assert rid is not None, key
    return rid
