"""/report: the current round first, a late-only round marked so, a returned answer marked ↩️.

Through the real Application and the fake Bot API, on both databases, with a set clock.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.models import Division, Measure, Report, Review
from tests.bot.harness import Clock, running_bot
from tests.bot.test_answer_flow import Phone, _text
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram
from tests.round_factories import make_round

Sessions = async_sessionmaker[AsyncSession]
HEAD, COORDINATOR = 5001, 5009
# January's round closed on 26 Jan and takes late answers for 14 days; February's is open.
JAN_CLOSE = datetime(2022, 1, 26, 2, 30, tzinfo=UTC)
NOW = datetime(2022, 2, 2, 3, 0, tzinfo=UTC)


async def _world(sessions: Sessions) -> tuple[int, int]:
    await seed_plan(sessions)
    head = await enrol(sessions, HEAD, "head", "FIN", name="ผอ.สำนักคลัง")
    coordinator = await enrol(sessions, COORDINATOR, "coordinator", name="ผู้ประสานงาน")
    jan = await make_round(
        sessions,
        "2565-01",
        opens_at=datetime(2022, 1, 19, 2, 0, tzinfo=UTC),
        closes_at=JAN_CLOSE,
        items=[(1, "FIN"), (3, "FIN")],
    )
    feb = await make_round(
        sessions,
        "2565-02",
        opens_at=datetime(2022, 2, 1, 2, 0, tzinfo=UTC),
        closes_at=datetime(2022, 2, 23, 2, 30, tzinfo=UTC),
        items=[(1, "FIN"), (3, "FIN")],
    )
    async with sessions() as s, s.begin():
        m1 = await s.scalar(select(Measure.id).where(Measure.seq == 1))
        fin = await s.scalar(select(Division.id).where(Division.code == "FIN"))
        assert m1 is not None and fin is not None
        answer = Report(
            round_id=feb, measure_id=m1, division_id=fin, person_id=head, status="done", text="x"
        )
        s.add(answer)
        await s.flush()
        s.add(
            Review(
                report_id=answer.id, decision="returned", comment="ขอภาพ", reviewer_id=coordinator
            )
        )
    return jan, feb


async def test_report_lists_the_open_round_first_and_marks_late_and_returned(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await _world(sessions)
    fake = FakeTelegram()
    fake.add_user(HEAD)
    head = Phone(fake, HEAD)
    async with running_bot(fake, engine, db_url, clock=Clock(NOW)):
        head.send("/report")
        first = await head.expect("กุมภาพันธ์", buttons=True)
        second = await head.expect("มกราคม", buttons=True)
    messages = [m for m in fake.messages(HEAD) if m.buttons()]
    assert messages.index(first) < messages.index(second)
    # The open round has no late mark; January's says it takes only late answers, until when.
    assert "รับเฉพาะรายงานล่าช้า" not in _text(first)
    assert "รอบนี้ปิดแล้ว รับเฉพาะรายงานล่าช้าถึง ๙ ก.พ. ๒๕๖๕" in _text(second)
    # February's measure 1 was returned for more: ↩️ on its button and a line saying so.
    labels = [label for label, _ in first.buttons()]
    assert labels[0].startswith("↩️") and not labels[1].startswith("↩️"), labels
    assert "ผู้ประสานงานขอข้อมูลเพิ่มเติม 1 มาตรการ" in _text(first)
    assert not any(label.startswith("↩️") for label, _ in second.buttons())
