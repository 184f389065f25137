"""Rounds, owed items, answers and evidence written straight into the database for report tests.

The real round creation lives with the scheduler; these helpers only build the rows the
reports read, with explicit times so tests control "now".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import (
    Division,
    Evidence,
    Measure,
    MeasureResponsibility,
    Meeting,
    Person,
    Plan,
    Report,
    Round,
    RoundItem,
)

BKK_OFFSET = timedelta(hours=7)


@dataclass(frozen=True)
class Ids:
    """Lookups of the seed plan: measure id by seq, division id by code."""

    plan_id: int
    measures: dict[int, int]
    divisions: dict[str, int]
    responsible: dict[int, list[str]]


async def plan_ids(sessions: async_sessionmaker[AsyncSession]) -> Ids:
    """Ids of the (only) imported plan's measures and divisions."""
    async with sessions() as session:
        plan = await session.scalar(select(Plan).order_by(Plan.id.desc()).limit(1))
        assert plan is not None
        measures = {m.seq: m.id for m in await session.scalars(select(Measure))}
        divisions = {d.code: d.id for d in await session.scalars(select(Division))}
        by_id = {v: k for k, v in divisions.items()}
        responsible: dict[int, list[str]] = {}
        for seq, mid in measures.items():
            rows = await session.scalars(
                select(MeasureResponsibility.division_id).where(
                    MeasureResponsibility.measure_id == mid
                )
            )
            responsible[seq] = sorted(by_id[d] for d in rows)
        return Ids(plan.id, measures, divisions, responsible)


async def add_round(
    sessions: async_sessionmaker[AsyncSession],
    ids: Ids,
    key: str,
    *,
    kind: str = "monthly",
    covers: tuple[date, date],
    opens_at: datetime,
    closes_at: datetime,
    meeting_at: datetime | None = None,
    items: Iterable[tuple[int, str]] | None = None,
) -> int:
    """A round with its owed items: (measure seq, division code) pairs, default every pair."""
    if items is None:
        seqs = [7] if kind == "quarterly" else [s for s in ids.measures if s != 7]
        items = [(s, code) for s in seqs for code in ids.responsible[s]]
    async with sessions() as session, session.begin():
        meeting_id = None
        if meeting_at is not None:
            meeting = Meeting(
                plan_id=ids.plan_id,
                month=date(meeting_at.year, meeting_at.month, 1),
                starts_at=meeting_at,
            )
            session.add(meeting)
            await session.flush()
            meeting_id = meeting.id
        rnd = Round(
            plan_id=ids.plan_id,
            kind=kind,
            key=key,
            meeting_id=meeting_id,
            covers_start=covers[0],
            covers_end=covers[1],
            opens_at=opens_at,
            closes_at=closes_at,
        )
        session.add(rnd)
        await session.flush()
        for seq, code in items:
            session.add(
                RoundItem(
                    round_id=rnd.id, measure_id=ids.measures[seq], division_id=ids.divisions[code]
                )
            )
        return rnd.id


async def add_person(
    sessions: async_sessionmaker[AsyncSession], telegram_user_id: int, name: str
) -> int:
    """A person without roles (the author of answers in storage tests)."""
    async with sessions() as session, session.begin():
        p = Person(telegram_user_id=telegram_user_id, chat_id=telegram_user_id, name=name)
        session.add(p)
        await session.flush()
        return p.id


async def add_report(
    sessions: async_sessionmaker[AsyncSession],
    ids: Ids,
    round_id: int,
    seq: int,
    code: str,
    person_id: int,
    status: str,
    text: str = "",
    *,
    at: datetime,
    late: bool = False,
    evidence: Iterable[dict[str, str]] = (),
) -> int:
    """One confirmed answer with optional evidence dicts (kind, file_id, file_name, url)."""
    async with sessions() as session, session.begin():
        r = Report(
            round_id=round_id,
            measure_id=ids.measures[seq],
            division_id=ids.divisions[code],
            person_id=person_id,
            status=status,
            text=text,
            late=late,
            created_at=at,
        )
        session.add(r)
        await session.flush()
        for e in evidence:
            session.add(
                Evidence(
                    report_id=r.id,
                    kind=e.get("kind", "document"),
                    file_id=e.get("file_id"),
                    file_name=e.get("file_name"),
                    url=e.get("url"),
                )
            )
        return r.id


def bkk(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    """A Bangkok wall-clock time as aware UTC."""
    return datetime(y, m, d, hh, mm, tzinfo=UTC) - BKK_OFFSET


@dataclass(frozen=True)
class Scenario:
    """The standard report fixture: two monthly rounds and one quarterly round."""

    ids: Ids
    jan: int
    dec: int
    q1: int
    author: int
    now: datetime


async def scenario(sessions: async_sessionmaker[AsyncSession]) -> Scenario:
    """Seed-plan rounds for Dec 2564 (closed) and Jan 2565 (open), Q1 2565; some answers.

    January: FIN answered measure 1 twice (the second supersedes), PALAD answered
    measure 2 late with a photo, STRAT reported a problem on measure 4 with a link,
    ENG answered 3 with a `<` in the text; everybody else is silent.
    """
    ids = await plan_ids(sessions)
    author = await add_person(sessions, 555, "สมหญิง ใจดี")
    dec = await add_round(
        sessions,
        ids,
        "2564-12",
        covers=(date(2021, 12, 1), date(2021, 12, 31)),
        opens_at=bkk(2021, 12, 15),
        closes_at=bkk(2021, 12, 29, 9, 30),
        meeting_at=bkk(2021, 12, 29, 9, 30),
    )
    jan = await add_round(
        sessions,
        ids,
        "2565-01",
        covers=(date(2022, 1, 1), date(2022, 1, 31)),
        opens_at=bkk(2022, 1, 12),
        closes_at=bkk(2022, 1, 26, 9, 30),
        meeting_at=bkk(2022, 1, 26, 9, 30),
    )
    q1 = await add_round(
        sessions,
        ids,
        "2565-Q1",
        kind="quarterly",
        covers=(date(2021, 10, 1), date(2021, 12, 31)),
        opens_at=bkk(2022, 1, 3),
        closes_at=bkk(2022, 1, 14),
    )
    await add_report(
        sessions, ids, dec, 1, "FIN", author, "in_progress", "เริ่มจัดทำรายงาน", at=bkk(2021, 12, 20)
    )
    await add_report(sessions, ids, dec, 2, "PALAD", author, "not_started", at=bkk(2021, 12, 21))
    await add_report(
        sessions, ids, jan, 1, "FIN", author, "in_progress", "ร่างรายงาน", at=bkk(2022, 1, 13)
    )
    await add_report(
        sessions, ids, jan, 1, "FIN", author, "done",
        "เผยแพร่รายงานการใช้จ่ายงบประมาณบนเว็บไซต์แล้ว",
        at=bkk(2022, 1, 14),
        evidence=[{"kind": "document", "file_id": "F1", "file_name": "รายงานงบ.pdf"}],
    )  # fmt: skip
    await add_report(
        sessions, ids, jan, 2, "PALAD", author, "done", "จัดอบรมการใช้ทรัพย์สินราชการ",
        at=bkk(2022, 1, 27), late=True,
        evidence=[{"kind": "photo", "file_id": "P1"}],
    )  # fmt: skip
    await add_report(
        sessions, ids, jan, 4, "STRAT", author, "problem", "เว็บไซต์ล่มบ่อย ขาดงบประมาณ",
        at=bkk(2022, 1, 20),
        evidence=[{"kind": "link", "url": "https://www.nakhoncity.org"}],
    )  # fmt: skip
    await add_report(
        sessions,
        ids,
        jan,
        3,
        "ENG",
        author,
        "in_progress",
        "ติดป้าย <ขั้นตอน> & แผนผัง",
        at=bkk(2022, 1, 15),
    )
    await add_report(
        sessions, ids, q1, 7, "STRAT", author, "done", "ประชุมซักซ้อมแล้ว", at=bkk(2022, 1, 10)
    )
    return Scenario(ids, jan, dec, q1, author, now=bkk(2022, 1, 20, 10))
