"""Report files opened and read back: Thai text, B.E. dates, every answer, late answers marked."""

from __future__ import annotations

import csv
import io
import warnings
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reports import fonts
from bot.reports.chart import chart_texts, register_font, render_chart
from bot.reports.docx_common import DOC_FONT
from bot.reports.fonts import FontMissingError, thai_font
from bot.reports.meeting_docx import render_meeting_docx
from bot.reports.period_docx import render_period_docx
from bot.reports.tables import render_csv, render_xlsx
from storage.models import Report
from storage.read_models import RoundSummary
from storage.report_data import (
    ExportRow,
    PeriodReport,
    RoundReport,
    export_rows,
    period_report,
    plan_header,
    round_report,
)
from storage.summary import plan_rounds, round_by_key, round_summaries
from tests.factories import seed_plan
from tests.report_factories import scenario

TZ = ZoneInfo("Asia/Bangkok")
NOW = datetime(2022, 1, 20, 3, tzinfo=UTC)


class Data:
    """Everything the renderers take, read once from the scenario."""

    rows: list[ExportRow]
    summaries: tuple[RoundSummary, ...]
    meeting: RoundReport
    period: PeriodReport
    jan_texts: set[str]
    jan_report_count: int


@pytest.fixture
async def data(sessions: async_sessionmaker[AsyncSession]) -> Data:
    await seed_plan(sessions)
    sc = await scenario(sessions)
    d = Data()
    async with sessions() as s:
        header = await plan_header(s, sc.ids.plan_id)
        jan = await round_by_key(s, "2565-01")
        assert header is not None and jan is not None
        rounds = await plan_rounds(s, sc.ids.plan_id)
        d.rows = await export_rows(s, [jan])
        d.summaries = await round_summaries(s, [jan])
        d.meeting = await round_report(s, header, jan)
        d.period = await period_report(s, header, rounds)
        reports = (await s.scalars(select(Report).where(Report.round_id == sc.jan))).all()
        d.jan_texts = {r.text for r in reports if r.text}
        d.jan_report_count = len(reports)
    return d


def test_xlsx_has_every_answer_in_thai(data: Data) -> None:
    wb = load_workbook(io.BytesIO(render_xlsx(data.rows, data.summaries, TZ)))
    assert wb.sheetnames == ["รายการรายงาน", "สรุปรายมาตรการ"]
    ws = wb["รายการรายงาน"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    assert head[:5] == ("รหัสรอบ", "รอบ", "มาตรการ", "หน่วยงาน", "สถานะ")
    assert "วันเวลาที่รายงาน (พ.ศ.)" in head and "รายงานล่าช้า" in head
    body = [dict(zip(head, r, strict=True)) for r in rows[1:]]
    answered = [r for r in body if r["สถานะ"] != "ยังไม่รายงาน"]
    assert len(answered) == data.jan_report_count
    assert {r["ผลการดำเนินการ"] for r in answered if r["ผลการดำเนินการ"]} == data.jan_texts
    assert all(isinstance(r["วันเวลาที่รายงาน (พ.ศ.)"], datetime) for r in answered)
    assert {(r["รหัสรอบ"], r["รอบ"]) for r in body} == {("2565-01", "ประจำเดือนมกราคม ๒๕๖๕")}
    late = [r for r in answered if r["รายงานล่าช้า"] == "รายงานล่าช้า"]
    assert [r["หน่วยงาน"] for r in late] == ["สำนักปลัดเทศบาล"]
    fin = [r for r in answered if r["หน่วยงาน"] == "สำนักคลัง"]
    assert [r["ฉบับ"] for r in fin] == ["ถูกแทนที่ด้วยฉบับใหม่", "ฉบับล่าสุด"]
    assert fin[1]["หลักฐาน"] == "รายงานงบ.pdf"
    summary = list(wb["สรุปรายมาตรการ"].iter_rows(values_only=True))
    assert len(summary) == 1 + 6  # heading + measures 1..6 of the monthly round
    m1 = dict(zip(summary[0], summary[1], strict=True))
    assert (m1["รายงานแล้ว"], m1["ดำเนินการแล้ว"], m1["หน่วยงานที่ต้องรายงาน"]) == (1, 1, 1)


def test_csv_is_utf8_with_bom(data: Data) -> None:
    raw = render_csv(data.rows, TZ)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:2] == ["รหัสรอบ", "รอบ"] and len(rows) == 1 + len(data.rows)
    when_at = rows[0].index("วันเวลาที่รายงาน (พ.ศ.)")
    assert any("2565" in r[when_at] for r in rows[1:])  # the time as text with its B.E. year
    assert any("ติดป้าย <ขั้นตอน> & แผนผัง" in r for r in rows)


def _docx_text(raw: bytes) -> tuple[list[str], list[list[list[str]]], object]:
    doc = Document(io.BytesIO(raw))
    paragraphs = [p.text for p in doc.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return paragraphs, tables, doc


def test_meeting_docx(data: Data) -> None:
    paragraphs, tables, doc = _docx_text(render_meeting_docx(data.meeting, TZ, NOW))
    assert "เทศบาลนครนครศรีธรรมราช" in paragraphs
    assert "การประชุมหัวหน้าส่วนราชการประจำเดือนมกราคม ๒๕๖๕ เมื่อวันที่ ๒๖ มกราคม ๒๕๖๕" in paragraphs
    assert "ผลการดำเนินการประจำเดือนมกราคม ๒๕๖๕" in paragraphs
    assert any(p.startswith("มาตรการที่ ๑ สร้างการรับรู้") for p in paragraphs)
    summary, *tables = tables
    assert summary[-1][:3] == ["รวม", "๓๐", "๔"]
    assert len(tables) == 6
    assert all(t[0] == ["หน่วยงาน", "สถานะ", "ผลการดำเนินการ"] for t in tables)
    cells = "\n".join(c for t in tables for row in t for c in row)
    # Every counting answer's text is there; the superseded draft is not.
    for text in data.jan_texts - {"ร่างรายงาน"}:
        assert text in cells
    assert "ร่างรายงาน" not in cells
    palad = next(row for t in tables for row in t if row[0] == "สำนักปลัดเทศบาล")
    assert "(รายงานล่าช้า)" in palad[1]
    assert "ยังไม่รายงาน" in cells and "๒๕๖๕" in cells
    # Thai is a complex script to Word: every run names the Thai font in w:cs, with w:szCs.
    body = doc.element.body  # type: ignore[attr-defined]
    runs = body.iter(qn("w:r"))
    for run in runs:
        rpr = run.find(qn("w:rPr"))
        assert rpr.find(qn("w:rFonts")).get(qn("w:cs")) == DOC_FONT
        assert rpr.find(qn("w:szCs")) is not None


def test_period_docx_mirrors_the_document_table(data: Data) -> None:
    paragraphs, tables, _ = _docx_text(render_period_docx(data.period, TZ, NOW))
    assert paragraphs[0] == (
        "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส\nประจำปีงบประมาณ พ.ศ.\u00a0๒๕๖๕"
    )
    assert paragraphs[2] == "รวม ๓ รอบ ตั้งแต่เดือนธันวาคม ๒๕๖๔ ถึงเดือนมกราคม ๒๕๖๕"
    main, annex = tables
    assert main[0] == ["ผู้รับผิดชอบ", "สถานะ", "ผลการดำเนินการ", "ปัญหาอุปสรรค/ข้อเสนอแนะ"]
    rows = {r[0]: r for r in main[1:]}
    m1 = main[1][0]
    assert m1.startswith("๑. สร้างการรับรู้") and "วิธีดำเนินการ: ๑) จัดทำรายงานผลการใช้จ่าย" in m1
    assert "ระยะเวลาดำเนินการ: ตุลาคม ๖๔ – มีนาคม ๖๕" in m1
    fin = main[2]
    assert fin[:2] == ["สำนักคลัง", "ดำเนินการแล้ว"]
    assert "เผยแพร่รายงานการใช้จ่ายงบประมาณ" in fin[2] and "รายงานงบ.pdf" in fin[2].replace(
        "\u200b", ""
    )
    assert "เริ่มจัดทำรายงาน" not in fin[2]  # the latest answer only; the annex has the rest
    strat = next(r for r in main[1:] if r[0] == "กองยุทธศาสตร์และงบประมาณ" and "ล่ม" in r[3])
    assert strat[1] == "มีปัญหาอุปสรรค" and "https://www.nakhoncity.org" in strat[2].replace(
        "\u200b", ""
    )
    assert rows["หน่วยตรวจสอบภายใน"][1] == "ยังไม่รายงาน"
    assert annex[0] == ["มาตรการ / หน่วยงาน", "ธ.ค. ๖๔", "ไตรมาส ๑/๖๕", "ม.ค. ๖๕"]
    assert annex[1] == ["๑. สำนักคลัง", "อยู่ระหว่างดำเนินการ", "–", "ดำเนินการแล้ว"]


def test_chart_font_covers_every_thai_label(data: Data) -> None:
    font = thai_font()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = render_chart(data.summaries, font)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    thai = {
        ch
        for text in chart_texts(data.summaries).all()
        for ch in text
        if "\u0e00" <= ch <= "\u0e7f"
    }
    assert len(thai) > 20
    cmap = TTFont(str(font.path)).getBestCmap()
    assert sorted(ch for ch in thai if ord(ch) not in cmap) == []
    # matplotlib resolves the family we draw with to that very file.
    family = register_font(str(font.path))
    found = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    assert Path(found) == font.path


def test_font_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert fonts._search((tmp_path,)) is None
    monkeypatch.setenv(fonts.ENV_VAR, str(tmp_path / "nope.ttf"))
    fonts.thai_font.cache_clear()
    try:
        with pytest.raises(FontMissingError, match="not a font file"):
            thai_font()
    finally:
        fonts.thai_font.cache_clear()
