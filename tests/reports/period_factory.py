"""A fully answered six-month seed period, and a period that began before the bot was in use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Delivery
from tests.report_factories import Ids, add_person, add_report, add_round, bkk, plan_ids

# (key, year, month) of the seed's six months, October 2564 to March 2565.
MONTHS = (
    ("2564-10", 2021, 10),
    ("2564-11", 2021, 11),
    ("2564-12", 2021, 12),
    ("2565-01", 2022, 1),
    ("2565-02", 2022, 2),
    ("2565-03", 2022, 3),
)
QUARTERS = (("2565-Q1", 2022, 1), ("2565-Q2", 2022, 4))
# A realistic answer: a sentence or two and a file name.
TEXT = (
    "ดำเนินการตามมาตรการแล้ว ได้ประชาสัมพันธ์ให้บุคลากรในสังกัดทราบ "
    "และเผยแพร่ข้อมูลบนเว็บไซต์ของเทศบาล พร้อมจัดเก็บหลักฐานการดำเนินการ"
)


@dataclass(frozen=True)
class PeriodRounds:
    """The rounds made, by key."""

    ids: Ids
    rounds: dict[str, int]
    author: int


async def _month_round(
    sessions: async_sessionmaker[AsyncSession], ids: Ids, key: str, y: int, m: int
) -> int:
    last = (date(y + (m == 12), m % 12 + 1, 1) - date.resolution).day
    return await add_round(
        sessions,
        ids,
        key,
        covers=(date(y, m, 1), date(y, m, last)),
        opens_at=bkk(y, m, 10),
        closes_at=bkk(y, m, 26, 9, 30),
        meeting_at=bkk(y, m, 26, 9, 30),
    )


async def full_period(
    sessions: async_sessionmaker[AsyncSession], answered_from: int = 0
) -> PeriodRounds:
    """Six monthly rounds and two quarterly ones; from round `answered_from` on, all answer."""
    ids = await plan_ids(sessions)
    author = await add_person(sessions, 777, "สมชาย รักงาน")
    rounds: dict[str, int] = {}
    for key, y, m in MONTHS:
        rounds[key] = await _month_round(sessions, ids, key, y, m)
    for key, y, m in QUARTERS:
        rounds[key] = await add_round(
            sessions,
            ids,
            key,
            kind="quarterly",
            covers=(date(y - (m == 1), (m + 8) % 12 + 1, 1), date(y, m, 1) - date.resolution),
            opens_at=bkk(y, m, 3),
            closes_at=bkk(y, m, 14),
        )
    for n, (key, y, m) in enumerate(MONTHS):
        if n < answered_from:
            continue
        for seq, codes in ids.responsible.items():
            if seq == 7:
                continue
            for code in codes:
                doc = {"kind": "document", "file_id": "F", "file_name": f"{code}-{key}.pdf"}
                await add_report(
                    sessions, ids, rounds[key], seq, code, author, "done", TEXT,
                    at=bkk(y, m, 20), evidence=[doc],
                )  # fmt: skip
    for key, y, m in QUARTERS:
        await add_report(
            sessions, ids, rounds[key], 7, "STRAT", author, "done", TEXT, at=bkk(y, m, 10)
        )
    return PeriodRounds(ids, rounds, author)


async def mark_asked(
    sessions: async_sessionmaker[AsyncSession], pr: PeriodRounds, key: str
) -> None:
    """Record a prompt of the round as sent (the round was followed up, nobody answered)."""
    async with sessions() as session, session.begin():
        session.add(
            Delivery(
                key=f"prompt:{key}:x",
                kind="prompt",
                round_id=pr.rounds[key],
                person_id=pr.author,
                chat_id=777,
                due_at=bkk(2021, 11, 12),
                state="sent",
                sent_at=bkk(2021, 11, 12),
            )
        )
