"""Sample rows for the throwaway demo database: people and answers written as given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Division, Evidence, Membership, Person, Report, Round, RoundItem


@dataclass(frozen=True)
class SamplePerson:
    """One sample person with a role, in a division (None: organisation-wide)."""

    telegram_user_id: int
    name: str
    role: str
    division_code: str | None


@dataclass(frozen=True)
class SampleAnswer:
    """What a division said about one item: status, text, evidence (file name and url)."""

    status: str
    text: str
    evidence: tuple[tuple[str, str], ...] = ()


# One head per division of the seed plan, a coordinator and an admin (sample names).
PEOPLE = (
    SamplePerson(900001, "นายสมชาย ใจดี", "admin", None),
    SamplePerson(900002, "นางสาววิภา รักงาน", "coordinator", None),
    SamplePerson(900011, "นางสุดา ศรีสุข", "head", "PALAD"),
    SamplePerson(900012, "นายประเสริฐ มั่นคง", "head", "FIN"),
    SamplePerson(900013, "นางมาลี พัฒนา", "head", "STRAT"),
    SamplePerson(900014, "นายวีระ ช่างคิด", "head", "ENG"),
    SamplePerson(900015, "นางอรุณี สุขภาพดี", "head", "HEALTH"),
    SamplePerson(900016, "นายครูสมศักดิ์ เรียนดี", "head", "EDU"),
    SamplePerson(900017, "นางกานดา เอื้ออารี", "head", "WELFARE"),
    SamplePerson(900018, "นายบุญมี คนดี", "head", "HR"),
    SamplePerson(900019, "นางสาวรัตนา ตรวจตรา", "head", "AUDIT"),
)

# Sample evidence files the answers point at (written next to the reports).
EVIDENCE = {
    "evidence/รายงานผลการใช้จ่ายงบประมาณ.txt": "รายงานผลการใช้จ่ายงบประมาณ (ตัวอย่าง)\n",
    "evidence/ภาพการอบรม.txt": "ภาพการจัดอบรมเจ้าหน้าที่ (ตัวอย่าง)\n",
}

# Realistic answers, used in turn; every sixth item is left unanswered.
ANSWERS = (
    SampleAnswer(
        "done",
        "เผยแพร่รายงานผลการใช้จ่ายงบประมาณบนเว็บไซต์ของเทศบาลเรียบร้อยแล้ว",
        (("รายงานผลการใช้จ่ายงบประมาณ.txt", "evidence/รายงานผลการใช้จ่ายงบประมาณ.txt"),),
    ),
    SampleAnswer("in_progress", "อยู่ระหว่างจัดทำร่างคู่มือแนวทางปฏิบัติ ดำเนินการแล้วประมาณร้อยละ ๖๐"),
    SampleAnswer(
        "done",
        "จัดอบรมให้ความรู้แก่บุคลากรในสังกัด จำนวน ๔๕ คน",
        (("ภาพการอบรม.txt", "evidence/ภาพการอบรม.txt"),),
    ),
    SampleAnswer("problem", "งบประมาณไม่เพียงพอ ขอเลื่อนการจัดกิจกรรมไปเดือนถัดไป"),
    SampleAnswer("not_started", "ยังไม่ได้เริ่มดำเนินการ จะเริ่มภายในเดือนหน้า"),
)


async def add_people(session: AsyncSession, people: Sequence[SamplePerson]) -> dict[str, int]:
    """Add the people and their memberships; returns division code -> the head's person id."""
    codes = {d.code: d.id for d in await session.scalars(select(Division))}
    heads: dict[str, int] = {}
    for p in people:
        person = Person(
            telegram_user_id=p.telegram_user_id, chat_id=p.telegram_user_id, name=p.name
        )
        session.add(person)
        await session.flush()
        division_id = codes[p.division_code] if p.division_code else None
        session.add(Membership(person_id=person.id, division_id=division_id, role=p.role))
        if p.division_code and p.role == "head":
            heads.setdefault(p.division_code, person.id)
    await session.flush()
    return heads


async def round_items(session: AsyncSession) -> list[tuple[Round, RoundItem, str]]:
    """Every stored round's items with the division code, oldest round first."""
    rows = await session.execute(
        select(Round, RoundItem, Division.code)
        .join(RoundItem, RoundItem.round_id == Round.id)
        .join(Division, Division.id == RoundItem.division_id)
        .order_by(Round.opens_at, Round.id, RoundItem.id)
    )
    return [(r, i, code) for r, i, code in rows]


async def add_answer(
    session: AsyncSession, item: RoundItem, person_id: int, answer: SampleAnswer, at: datetime
) -> None:
    """Store one answer with its evidence links, as if given at `at`."""
    report = Report(
        round_id=item.round_id,
        measure_id=item.measure_id,
        division_id=item.division_id,
        person_id=person_id,
        status=answer.status,
        text=answer.text,
        created_at=at,
    )
    session.add(report)
    await session.flush()
    for name, url in answer.evidence:
        session.add(Evidence(report_id=report.id, kind="link", file_name=name, url=url))
    await session.flush()
