"""Reviews in the report files: the end-of-period report counts only accepted answers where
a coordinator reviewed, and says so; the memo's count follows it. On both databases.

In the report scenario FIN answered measure 1 in December (in progress) and in January
(done); here the January answer is returned for more, STRAT's January problem on measure 4 is
accepted, and nobody reviewed the rest.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from docx import Document
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reports.cells import pair_status, period_statuses
from bot.reports.memo_docx import render_memo_docx
from bot.reports.memo_facts import MemoFacts
from bot.reports.period_docx import render_period_docx
from storage.models import Report
from storage.read_models import RETURNED, Answer, ItemAnswer, ReviewEvent
from storage.report_data import PeriodReport, period_report, plan_header
from storage.reviews import add_review
from storage.summary import plan_rounds
from tests.factories import seed_plan
from tests.report_factories import Scenario, add_person, bkk, scenario
from tests.unit.read_models import FIN, JANUARY, MEASURE

TZ = ZoneInfo("Asia/Bangkok")
NOW = datetime(2022, 4, 5, 3, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


async def _latest(sessions: Sessions, sc: Scenario, round_id: int, seq: int) -> int:
    async with sessions() as s:
        found = await s.scalar(
            select(func.max(Report.id)).where(
                Report.round_id == round_id, Report.measure_id == sc.ids.measures[seq]
            )
        )
    assert found is not None
    return int(found)


async def _period(sessions: Sessions) -> PeriodReport:
    async with sessions() as s:
        header = await plan_header(s, (await plan_rounds(s, 1))[0].plan_id)
        assert header is not None
        return await period_report(s, header, await plan_rounds(s, header.plan_id))


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([*(p.text for p in doc.paragraphs), *cells])


async def test_the_period_report_counts_accepted_answers_where_reviewed(
    sessions: Sessions,
) -> None:
    await seed_plan(sessions)
    sc = await scenario(sessions)
    coordinator = await add_person(sessions, 901, "ผู้ประสานงาน")
    fin_jan, strat_jan = (
        await _latest(sessions, sc, sc.jan, 1),
        await _latest(sessions, sc, sc.jan, 4),
    )
    before = await _period(sessions)
    async with sessions() as s, s.begin():
        await add_review(
            s,
            fin_jan,
            "returned",
            comment="ขอรายงานฉบับลงนาม",
            reviewer_id=coordinator,
            at=bkk(2022, 1, 21),
        )
        await add_review(
            s, strat_jan, "accepted", comment="", reviewer_id=coordinator, at=bkk(2022, 1, 21)
        )
    after = await _period(sessions)

    def fin_status(report: PeriodReport) -> str:
        m1 = next(m for m in report.measures if m.measure.seq == 1)
        return pair_status([i for i in m1.items if i.division.code == "FIN"])

    # Unreviewed, January's "done" counts; returned, December's "in progress" is what counts.
    assert fin_status(before) == "done" and fin_status(after) == "in_progress"
    text = _docx_text(render_period_docx(after, TZ, NOW))
    assert "หมายเหตุ: รายงานที่ผู้ประสานงานตรวจแล้ว นับเฉพาะรายงานที่รับทราบ/ผ่าน" in text
    assert "(รับทราบ/ผ่าน ๑ รายการ รอการตรวจ" in text and "ไม่นับรวม ๑ รายการ)" in text
    assert "ถูกขอข้อมูลเพิ่มเติม จึงไม่นับรวม: ขอรายงานฉบับลงนาม" in text
    assert "ผลการตรวจ: รับทราบ/ผ่าน โดย ผู้ประสานงาน" in text  # STRAT's accepted problem
    assert "อยู่ระหว่างดำเนินการ (ขอข้อมูลเพิ่มเติม)" not in text
    assert "ดำเนินการแล้ว (ขอข้อมูลเพิ่มเติม)" in text  # the annex marks January's cell
    # The memo counts the pairs as the report does.
    facts = MemoFacts(after.header, after.rounds, period_statuses(after))
    before_facts = MemoFacts(before.header, before.rounds, period_statuses(before))
    assert facts.statuses.count("done") == before_facts.statuses.count("done") - 1
    assert render_memo_docx(facts, TZ, NOW)


def test_a_pair_whose_answers_were_all_returned_is_not_counted() -> None:
    review = ReviewEvent(1, 7, RETURNED, "เพิ่ม", "ผู้ประสานงาน", NOW, "done", "ครบ", "ก", NOW)
    answer = Answer(7, "done", "ครบ", False, "ก", NOW, False, review=review)
    item = ItemAnswer(JANUARY, MEASURE, FIN, answer)
    assert pair_status([item]) == RETURNED
    unreviewed = ItemAnswer(JANUARY, MEASURE, FIN, Answer(7, "done", "ครบ", False, "ก", NOW, False))
    assert pair_status([unreviewed]) == "done"
