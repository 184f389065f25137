"""The DOCX reports laid out as a Thai office prints them: page, font, tables, blocks, order."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reports.docx_common import DOC_FONT
from bot.reports.meeting_docx import WEIGHTS, render_meeting_docx
from bot.reports.period_docx import render_period_docx
from storage.report_data import PeriodReport, RoundReport, period_report, plan_header, round_report
from storage.summary import plan_rounds, round_by_key
from tests.factories import seed_plan
from tests.reports.period_factory import full_period

TZ = ZoneInfo("Asia/Bangkok")
NOW = datetime(2022, 4, 5, 3, tzinfo=UTC)
# The seed plan file's order of divisions (not the codes' alphabetical order).
PLAN_ORDER = [
    "สำนักปลัดเทศบาล",
    "สำนักคลัง",
    "กองยุทธศาสตร์และงบประมาณ",
    "สำนักการช่าง",
    "สำนักการสาธารณสุขและสิ่งแวดล้อม",
    "สำนักการศึกษา",
    "กองสวัสดิการสังคม",
    "กองการเจ้าหน้าที่",
    "หน่วยตรวจสอบภายใน",
]


async def _reports(sessions: async_sessionmaker[AsyncSession]) -> tuple[RoundReport, PeriodReport]:
    await seed_plan(sessions)
    await full_period(sessions)
    async with sessions() as s:
        rounds = await plan_rounds(s, (await round_by_key(s, "2565-01")).plan_id)  # type: ignore[union-attr]
        header = await plan_header(s, rounds[0].plan_id)
        jan = await round_by_key(s, "2565-01")
        assert header is not None and jan is not None
        return await round_report(s, header, jan), await period_report(s, header, rounds)


@pytest.fixture
async def docs(sessions: async_sessionmaker[AsyncSession]) -> tuple[bytes, bytes]:
    meeting, period = await _reports(sessions)
    return render_meeting_docx(meeting, TZ, NOW), render_period_docx(period, TZ, NOW)


def _names(raw: bytes) -> tuple[Any, list[str]]:
    doc = Document(io.BytesIO(raw))
    return doc, [p.text for p in doc.paragraphs]


def _check_page(doc: Any, landscape: bool) -> None:
    section = doc.sections[0]
    width, height = (Cm(29.7), Cm(21.0)) if landscape else (Cm(21.0), Cm(29.7))
    assert abs(section.page_width - width) < Cm(0.01) and abs(section.page_height - height) < Cm(
        0.01
    )
    margins = (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin)
    assert [round(m / 360000, 2) for m in margins] == [3.0, 2.0, 2.5, 2.0]
    # The page number: a PAGE field in the header, Thai digits for the section.
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml and "w:fldChar" in header_xml
    assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:fmt")) == "thaiNumbers"


def _check_fonts(doc: Any) -> None:
    runs = list(doc.element.body.iter(qn("w:r")))
    assert runs
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:ascii")) == DOC_FONT and fonts.get(qn("w:cs")) == DOC_FONT
    assert DOC_FONT == "TH Sarabun New"


def _check_tables(doc: Any) -> None:
    for table in doc.tables:
        rows = table._tbl.tr_lst
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        # The table's heading paragraph is kept on the page of its first row.
        before = table._tbl.getprevious()
        assert before.pPr.find(qn("w:keepNext")) is not None


def _grid_cm(table: Any) -> list[float]:
    return [int(c.get(qn("w:w"))) / 567 for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def test_meeting_docx_is_an_official_document(docs: tuple[bytes, bytes]) -> None:
    doc, paragraphs = _names(docs[0])
    _check_page(doc, landscape=False)
    _check_fonts(doc)
    _check_tables(doc)
    # Heading block, then the summary table, then one table per measure.
    assert paragraphs[0].startswith("รายงานผลการดำเนินการตามมาตรการ")
    assert paragraphs[1] == "เทศบาลนครนครศรีธรรมราช"
    assert "เมื่อวันที่ ๒๖ มกราคม ๒๕๖๕" in paragraphs[2]
    summary = doc.tables[0]
    assert [c.text for c in summary.rows[0].cells][:3] == [
        "มาตรการ/แนวทาง",
        "หน่วยงานที่ต้องรายงาน",
        "รายงานแล้ว",
    ]
    assert [c.text for c in summary.rows[-1].cells][:3] == ["รวม", "๓๐", "๓๐"]
    assert len(doc.tables) == 1 + 6
    # Columns in proportion: the results column takes most of the 16 cm between the margins.
    grid = _grid_cm(doc.tables[1])
    assert abs(sum(grid) - 16.0) < 0.05
    assert [round(g / grid[0], 2) for g in grid] == [round(w / WEIGHTS[0], 2) for w in WEIGHTS]
    assert grid[2] > 0.6 * sum(grid)
    # Divisions in the plan file's order.
    everyone = doc.tables[3]  # measure 3 asks every division
    assert [r.cells[0].text for r in everyone.rows[1:]] == PLAN_ORDER
    # Prepared-by block with room to sign.
    tail = paragraphs[-4:]
    assert tail[0].startswith("(ลงชื่อ)") and tail[0].endswith("ผู้จัดทำ")
    assert tail[2].startswith("ตำแหน่ง") and tail[3] == "วันที่ ๕ เมษายน ๒๕๖๕"


def test_period_docx_is_compact_with_an_annex(docs: tuple[bytes, bytes]) -> None:
    doc, paragraphs = _names(docs[1])
    _check_page(doc, landscape=True)
    _check_fonts(doc)
    _check_tables(doc)
    # The era and its year never part: the title breaks elsewhere.
    assert paragraphs[0].endswith("ความโปร่งใส\nประจำปีงบประมาณ พ.ศ.\u00a0๒๕๖๕")
    main, annex = doc.tables
    header, *rows = [[c.text for c in r.cells] for r in main.rows]
    assert header == ["ผู้รับผิดชอบ", "สถานะ", "ผลการดำเนินการ", "ปัญหาอุปสรรค/ข้อเสนอแนะ"]
    # Each measure heads its rows (one cell across), then one row per responsible division:
    # 7 measures, 1+1+9+1+9+9+1 = 31 divisions' rows.
    assert len(rows) == 7 + 31
    assert rows[0][0].startswith("๑. สร้างการรับรู้") and "วิธีดำเนินการ: ๑)" in rows[0][0]
    assert rows[0][0] == rows[0][3]  # merged across
    m3 = rows[5:14]
    assert rows[4][0].startswith("๓. ") and [r[0] for r in m3] == PLAN_ORDER
    # The latest answer with its round, date and evidence; no history in the main table.
    fin = rows[1]
    assert fin[0] == "สำนักคลัง" and fin[1] == "ดำเนินการแล้ว"
    result = fin[2].replace("\u200b", "")
    assert "(รอบ มี.ค. ๖๕ รายงานเมื่อ ๒๐ มี.ค. ๒๕๖๕)" in result
    assert "FIN-2565-03.pdf" in result and "ธันวาคม" not in result
    # The annex: a column per round, a row per pair.
    assert len(annex.rows) == 1 + 31 and len(annex.columns) == 1 + 8
    assert abs(sum(_grid_cm(main)) - 24.7) < 0.05


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_fully_answered_period_fits_ten_pages(docs: tuple[bytes, bytes], tmp_path: Path) -> None:
    source = tmp_path / "period.docx"
    source.write_bytes(docs[1])
    subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pdf = (tmp_path / "period.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    print(f"period report of a fully answered seed period: {pages} pages")
    assert 1 <= pages <= 10
