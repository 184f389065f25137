"""Archived evidence in the report files: photos in the DOCX, pack paths in the XLSX, the PDF."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reports.cells import evidence_cell, evidence_name
from bot.reports.docx_common import CELL_MARGIN
from bot.reports.docx_pictures import MAX_EDGE_PX, fit, prepare
from bot.reports.meeting_docx import PICTURE_MAX_CM, render_meeting_docx
from bot.reports.pack_paths import EvidenceLocator, PackEntry, evidence_paths
from bot.reports.pdf import docx_to_pdf
from bot.reports.period_docx import render_period_docx
from bot.reports.tables import render_xlsx
from storage.read_models import EvidenceRef, ItemAnswer, RoundSummary
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
from tests.reports.evidence_factory import (
    CORRUPT_PNG,
    Archived,
    archive_scenario,
    office_or_skip,
    picture,
)

TZ = ZoneInfo("Asia/Bangkok")
NOW = datetime(2022, 1, 20, 3, tzinfo=UTC)
EMU_PER_TWIP = 635
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
PHOTO_PATH = "evidence/02/PALAD/2022-01-27_photo.jpg"
PDF_PATH = "evidence/01/FIN/2022-01-14_รายงานงบ.pdf"


class Data:
    """The January round and the period, read after its files were archived."""

    archived: Archived
    rows: list[ExportRow]
    summaries: tuple[RoundSummary, ...]
    meeting: RoundReport
    period: PeriodReport
    evidence: EvidenceLocator


def _entries(items: list[ItemAnswer]) -> list[PackEntry]:
    return [
        (i.measure.seq, i.division.code, ev) for i in items if i.answer for ev in i.answer.evidence
    ]


@pytest.fixture
async def data(sessions: async_sessionmaker[AsyncSession], tmp_path: Path) -> Data:
    await seed_plan(sessions)
    sc = await scenario(sessions)
    d = Data()
    d.archived = await archive_scenario(sessions, sc, tmp_path / "evidence")
    async with sessions() as s:
        header = await plan_header(s, sc.ids.plan_id)
        jan = await round_by_key(s, "2565-01")
        assert header is not None and jan is not None
        d.rows = await export_rows(s, [jan])
        d.summaries = await round_summaries(s, [jan])
        d.meeting = await round_report(s, header, jan)
        d.period = await period_report(s, header, await plan_rounds(s, sc.ids.plan_id))
    items = [i for m in d.meeting.measures for i in m.items]
    d.evidence = EvidenceLocator(d.archived.root, evidence_paths(_entries(items), TZ))
    return d


def _pictures(raw: bytes) -> list[tuple[str, int, int, int]]:
    """Each picture in a table: (its cell's text, picture width and height, cell width), EMU."""
    doc = Document(io.BytesIO(raw))
    found = []
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for extent in cell._tc.iter(f"{PIC}extent"):
                    tcw = cell._tc.tcPr.find(qn("w:tcW"))
                    cell_emu = int(tcw.get(qn("w:w"))) * EMU_PER_TWIP
                    cx, cy = int(extent.get("cx")), int(extent.get("cy"))
                    found.append((cell.text, cx, cy, cell_emu))
    return found


def _media(raw: bytes) -> list[str]:
    return [n for n in zipfile.ZipFile(io.BytesIO(raw)).namelist() if n.startswith("word/media/")]


def test_the_cell_margin_is_the_table_style_s(data: Data) -> None:
    # The width a picture is fitted to takes off the padding the table style gives each cell.
    doc = Document(io.BytesIO(render_meeting_docx(data.meeting, TZ, NOW)))
    style = doc.styles["Table Grid"].element
    margins = style.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
    for side in ("w:left", "w:right"):
        twips = int(margins.find(qn(side)).get(qn("w:w")))
        assert twips * EMU_PER_TWIP == CELL_MARGIN


def test_meeting_docx_shows_archived_photos_fitted_to_their_column(data: Data) -> None:
    raw = render_meeting_docx(data.meeting, TZ, NOW, evidence=data.evidence)
    assert len(_media(raw)) == 2  # PALAD's photo and ENG's tall picture; not the corrupt one
    pictures = _pictures(raw)
    assert len(pictures) == 2
    margins = 2 * CELL_MARGIN
    for _, cx, cy, cell in pictures:
        assert cx <= cell - margins
        assert cy <= int(Cm(PICTURE_MAX_CM))
    (palad, wide_cx, wide_cy, cell), (eng, tall_cx, tall_cy, _) = pictures
    # The wide photo fills the column; the tall one is held to the cap, its shape kept.
    assert wide_cx == pytest.approx(cell - margins, abs=Cm(0.01))
    assert wide_cx / wide_cy == pytest.approx(2.0, rel=0.01)
    assert tall_cy == pytest.approx(Cm(PICTURE_MAX_CM), abs=Cm(0.01))
    assert tall_cx / tall_cy == pytest.approx(1 / 3, rel=0.01)
    # A caption with the division and the day it was sent (B.E.); shown, so not named too.
    assert "ภาพ: สำนักปลัดเทศบาล ๒๗ ม.ค. ๒๕๖๕" in palad
    assert "หลักฐาน:" not in palad
    assert "ภาพ: สำนักการช่าง ๑๘ ม.ค. ๒๕๖๕" in eng
    # The corrupt picture is named instead; a file on its way says so.
    named = eng.replace("\u200b", "")
    assert "broken.png" in named and "tall.jpg" not in named
    assert "minutes.docx (กำลังดึงไฟล์จาก Telegram)" in named


def test_without_the_archive_every_file_is_named(data: Data) -> None:
    raw = render_meeting_docx(data.meeting, TZ, NOW)
    assert _media(raw) == [] and _pictures(raw) == []
    doc = Document(io.BytesIO(raw))
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "หลักฐาน: ภาพถ่าย" in text
    assert "tall.jpg" in text.replace("\u200b", "")


def test_a_corrupt_picture_is_named_not_shown(data: Data, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.write_bytes(CORRUPT_PNG)
    assert prepare(bad) is None
    truncated = tmp_path / "truncated"
    truncated.write_bytes(picture((300, 200), "JPEG")[:400])
    assert prepare(truncated) is None
    # In the report: the broken file, the only picture of a copy of ENG's answer, is named.
    raw = render_meeting_docx(data.meeting, TZ, NOW, evidence=data.evidence)
    eng = next(text for text, *_ in _pictures(raw) if "สำนักการช่าง" in text)
    assert "หลักฐาน: broken.png" in eng.replace("\u200b", "")


def test_pictures_are_upright_small_and_without_metadata(tmp_path: Path) -> None:
    # EXIF orientation 6: the camera was turned; Word would show it on its side.
    turned = tmp_path / "turned"
    turned.write_bytes(picture((60, 20), "JPEG", orientation=6))
    ready = prepare(turned)
    assert ready is not None and ready[1] == (20, 60)
    shown = Image.open(io.BytesIO(ready[0]))
    assert shown.format == "JPEG" and shown.size == (20, 60)
    assert 0x0112 not in shown.getexif()
    big = tmp_path / "big"
    big.write_bytes(picture((4000, 1000)))
    ready = prepare(big)
    assert ready is not None and ready[1] == (MAX_EDGE_PX, MAX_EDGE_PX // 4)
    assert Image.open(io.BytesIO(ready[0])).format == "PNG"  # screenshots stay sharp


def test_each_file_is_named_with_its_state() -> None:
    voice = EvidenceRef("voice", "V1", None, None, 7, "archived", "ab" * 32, "audio/ogg")
    assert evidence_name(voice, "th") == "ข้อความเสียง"  # not the kind's English code
    assert evidence_name(replace(voice, kind="video"), "en") == "video"
    pending = EvidenceRef("document", "D1", "plan.docx", None, 8, "pending")
    assert evidence_name(pending, "th") == "plan.\u200bdocx (กำลังดึงไฟล์จาก Telegram)"
    lost = replace(pending, state="lost")
    assert evidence_name(lost, "en") == "plan.\u200bdocx (could not be fetched from Telegram)"
    link = EvidenceRef("link", None, None, "https://nakhoncity.org/ita")
    assert evidence_name(link, "th").replace("\u200b", "") == "https://nakhoncity.org/ita"
    assert evidence_cell([voice, pending], "th", shown={7}).startswith("plan.")


def test_fit_keeps_the_shape_within_width_and_height() -> None:
    width, height = fit((400, 200), Cm(10.0), Cm(8.0))
    assert (width, height) == (Cm(10.0), Cm(5.0))
    width, height = fit((200, 600), Cm(10.0), Cm(8.0))
    assert height == Cm(8.0) and width == pytest.approx(Cm(8.0 / 3), abs=1)


def test_period_docx_shows_the_latest_photos(data: Data) -> None:
    items = [i for m in data.period.measures for i in m.items]
    evidence = EvidenceLocator(data.archived.root, evidence_paths(_entries(items), TZ))
    raw = render_period_docx(data.period, TZ, NOW, evidence=evidence)
    pictures = _pictures(raw)
    assert len(pictures) == 2 and len(_media(raw)) == 2
    margins = 2 * CELL_MARGIN
    assert all(cx <= cell - margins for _, cx, _, cell in pictures)
    assert "ภาพ: สำนักปลัดเทศบาล ๒๗ ม.ค. ๒๕๖๕" in pictures[0][0]


def test_xlsx_gives_each_file_s_path_in_the_pack(data: Data) -> None:
    raw = render_xlsx(data.rows, data.summaries, TZ, evidence=data.evidence)
    rows = list(load_workbook(io.BytesIO(raw))["รายการรายงาน"].iter_rows(values_only=True))
    head = rows[0]
    column = head.index("ไฟล์หลักฐานในชุดเอกสารเผยแพร่")
    assert head[column - 1] == "หลักฐาน"
    division, version = head.index("หน่วยงาน"), head.index("ฉบับ")
    cells = {(r[division], r[version]): r[column] for r in rows[1:]}
    assert cells[("สำนักปลัดเทศบาล", "ฉบับล่าสุด")] == PHOTO_PATH
    assert cells[("สำนักคลัง", "ฉบับล่าสุด")] == PDF_PATH
    # One line per archived file; the pending one and links have no path.
    assert cells[("สำนักการช่าง", "ฉบับล่าสุด")].split("\n") == [
        "evidence/05/ENG/2022-01-18_tall.jpg",
        "evidence/05/ENG/2022-01-18_broken.png",
    ]
    assert cells[("กองยุทธศาสตร์และงบประมาณ", "ฉบับล่าสุด")] is None


def _plain(text: str) -> str:
    """Text without zero-width spaces, line breaks or spaces (lines wrap anywhere).

    The font draws SARA AM as two glyphs, NIKHAHIT and SARA AA, and the PDF's text layer
    gives back SARA AM for the first and SARA AA for the second: one SARA AA too many.
    """
    return re.sub(r"\s+", "", text.replace("\u200b", "")).replace("\u0e33\u0e32", "\u0e33")


def _folded(text: str) -> str:
    """Without SARA UU and MAI EK: LibreOffice 7.4 maps Laksaman's SARA UU glyph to MAI EK in
    the text layer (ข้อมูล reads ข้อม่ล), after the tone mark when there is one (รู้: ร้่)."""
    return _plain(text).replace("\u0e39", "").replace("\u0e48", "")


def test_meeting_pdf_has_the_thai_titles_and_the_photos(data: Data) -> None:
    office_or_skip()
    pdf = docx_to_pdf(render_meeting_docx(data.meeting, TZ, NOW, evidence=data.evidence))
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    titles = [d.measure.title_th for d in data.meeting.measures]
    exact = [title for title in titles if "\u0e39" not in title]
    assert exact  # some titles are checked letter for letter
    for title in exact:
        assert _plain(title) in _plain(text), title
    for title in titles:
        assert _folded(title) in _folded(text), title
    assert "สำนักปลัดเทศบาล" in _plain(text)
    # LibreOffice gives every page the same resources: count the pictures, not the listings.
    assert len({image.data for page in reader.pages for image in page.images}) == 2
