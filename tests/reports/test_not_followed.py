"""A plan period that began before anyone was enrolled, and the spreadsheet's real dates.

October and November 2564 went out to nobody: their silent items read "not followed up"
(ยังไม่ได้ติดตามผ่านระบบ), not "not reported", in the XLSX, the period DOCX and the chart.
November with one prompt recorded sent is followed up, so its silence is "not reported".
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reports.chart import chart_texts, render_chart, wrap
from bot.reports.fonts import thai_font
from bot.reports.period_docx import render_period_docx
from bot.reports.tables import BE_DATETIME, render_xlsx
from storage.read_models import MISSING, NOT_FOLLOWED, RoundSummary
from storage.report_data import ExportRow, PeriodReport, export_rows, period_report, plan_header
from storage.summary import plan_rounds, round_summaries
from tests.factories import seed_plan
from tests.reports.period_factory import full_period, mark_asked

TZ = ZoneInfo("Asia/Bangkok")
NOW = datetime(2022, 4, 5, 3, tzinfo=UTC)


class Late:
    """A period whose first three months nobody answered; November was asked."""

    rows: list[ExportRow]
    summaries: tuple[RoundSummary, ...]
    period: PeriodReport


@pytest.fixture
async def late(sessions: async_sessionmaker[AsyncSession]) -> Late:
    await seed_plan(sessions)
    pr = await full_period(sessions, answered_from=3)
    await mark_asked(sessions, pr, "2564-11")
    d = Late()
    async with sessions() as s:
        rounds = await plan_rounds(s, pr.ids.plan_id)
        header = await plan_header(s, pr.ids.plan_id)
        assert header is not None
        d.rows = await export_rows(s, rounds)
        d.summaries = await round_summaries(s, rounds)
        d.period = await period_report(s, header, rounds)
    return d


def test_rounds_know_whether_they_were_followed_up(late: Late) -> None:
    followed = {s.round.key: s.round.followed_up for s in late.summaries}
    assert followed["2564-10"] is False and followed["2564-12"] is False
    assert followed["2564-11"] is True  # a prompt went out; nobody answered
    assert followed["2565-01"] is True  # answers came in
    oct_ = next(s for s in late.summaries if s.round.key == "2564-10").measures[0]
    assert oct_.count(NOT_FOLLOWED) == oct_.owed and oct_.count(MISSING) == 0
    nov = next(s for s in late.summaries if s.round.key == "2564-11").measures[0]
    assert nov.count(MISSING) == nov.owed and nov.count(NOT_FOLLOWED) == 0


def test_xlsx_says_not_followed_up_and_has_real_be_dates(late: Late) -> None:
    wb = load_workbook(io.BytesIO(render_xlsx(late.rows, late.summaries, TZ)))
    ws = wb["รายการรายงาน"]
    head, *body = list(ws.iter_rows(values_only=True))
    assert head[:2] == ("รหัสรอบ", "รอบ")
    status = {(r[0], r[4]) for r in body}
    assert ("2564-10", "ยังไม่ได้ติดตามผ่านระบบ") in status
    assert ("2564-11", "ยังไม่รายงาน") in status
    assert not any(k == "2564-10" and s == "ยังไม่รายงาน" for k, s in status)
    # The time column holds dates, shown in the Buddhist era, so it sorts chronologically.
    when_col = head.index("วันเวลาที่รายงาน (พ.ศ.)")
    cells = [row[when_col] for row in ws.iter_rows(min_row=2) if row[when_col].value]
    assert cells and all(c.is_date and c.number_format == BE_DATETIME for c in cells)
    assert "07041E" in BE_DATETIME  # Thai Buddhist calendar, Thai locale
    stamps = [c.value for c in cells]
    assert stamps[0] == datetime(2022, 1, 10, 9, 0)  # Q1 closes first; local Bangkok time
    summary = list(wb["สรุปรายมาตรการ"].iter_rows(values_only=True))
    october = [r for r in summary[1:] if r[0] == "ประจำเดือนตุลาคม ๒๕๖๔"]
    assert october and all(r[-1] == "ยังไม่ได้ติดตามผ่านระบบ" for r in october)


def test_period_docx_shows_rounds_never_followed_up(late: Late) -> None:
    doc = Document(io.BytesIO(render_period_docx(late.period, TZ, NOW)))
    annex = doc.tables[1]
    head = [c.text for c in annex.rows[0].cells]
    fin = [c.text for c in annex.rows[1].cells]
    assert head[1:4] == ["ต.ค. ๖๔", "พ.ย. ๖๔", "ธ.ค. ๖๔"]
    assert fin[1:4] == ["ยังไม่ได้ติดตามผ่านระบบ", "ยังไม่รายงาน", "ยังไม่ได้ติดตามผ่านระบบ"]


def test_chart_counts_not_followed_apart_and_is_titled() -> None:
    assert wrap("ก" * 200) == "ก" * 200  # one long word is never cut
    assert wrap("มาตรการที่ ๑ " + "ข" * 90).split("\n") == ["มาตรการที่ ๑", "ข" * 90]


def test_chart_texts(late: Late) -> None:
    texts = chart_texts(late.summaries, "เทศบาลนครนครศรีธรรมราช")
    assert "เทศบาลนครนครศรีธรรมราช" in texts.title and "ต.ค. ๖๔ – ไตรมาส ๒/๖๕" in texts.title
    assert "ยังไม่ได้ติดตามผ่านระบบ" in texts.legend
    assert all("…" not in m for m in texts.measures)
    png = render_chart(late.summaries, thai_font(), "th", "เทศบาลนครนครศรีธรรมราช")
    assert png.startswith(b"\x89PNG")
    assert render_chart([], thai_font()).startswith(b"\x89PNG")
    assert chart_texts([]).empty == "ยังไม่มีข้อมูลการรายงาน"
