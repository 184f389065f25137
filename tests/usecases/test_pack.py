"""The publication pack through its use case, on SQLite and PostgreSQL: what the ZIP holds.

The PDF is converted by the real LibreOffice: without it these tests are skipped on a
developer's machine, and fail under CI (scripts/system-deps.sh installs it there).
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.reports.pack_index import evidence_item
from bot.reports.pack_zip import DiskEntry, MemoryEntry, write_zip
from bot.reports.pdf import office_binary
from bot.usecases.core import Core
from bot.usecases.pack import pack_period, pack_round, pack_round_by_key
from bot.usecases.people import identify
from bot.usecases.refusals import Refused
from storage.read_models import EvidenceRef
from storage.reviews import add_review
from tests.factories import enrol, seed_plan
from tests.pack_factories import (
    JPEG,
    MEASURE_5_TH,
    PDF,
    PDF_PATH,
    PENDING_NAME,
    PHOTO_PATH,
    PackScenario,
    Sessions,
    pack_scenario,
)
from tests.scheduling import bkk

HEAD = 7102


@pytest.fixture
async def ps(sessions: Sessions, evidence_dir: Path) -> PackScenario:
    if office_binary() is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice is not installed (sh scripts/system-deps.sh installs it)")
    return await pack_scenario(sessions, evidence_dir)


def _index(zf: zipfile.ZipFile) -> str:
    return zf.read("index.html").decode("utf-8")


def _written(folder: Path) -> list[str]:
    """Packs and half-written parts in a folder."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".zip", ".part")))


def _pdf_text(data: bytes) -> str:
    """The PDF's text layer, without white space (Thai lines may break anywhere)."""
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    # The font draws SARA AM as NIKHAHIT + SARA AA; its map names the first glyph SARA AM, so
    # the layer reads "ำา" for "ำ".
    return "".join(text.split()).replace("\u0e33\u0e32", "\u0e33")


async def test_a_round_pack_holds_reports_evidence_and_an_index(
    core: Core, ps: PackScenario, tmp_path: Path
) -> None:
    round_ = await pack_round_by_key(core, "2565-01")
    target = tmp_path / "jan.zip"
    result = await pack_round(core, None, round_, target)
    with zipfile.ZipFile(target) as zf:
        names = zf.namelist()
        assert names == [
            "index.html",
            "ita-2565-01.docx",
            "ita-2565-01.pdf",
            "ita-2565-01.xlsx",
            PDF_PATH,
            PHOTO_PATH,
        ]
        # Byte for byte, pictures and PDF stored as they are, text and office deflated.
        assert zf.read(PHOTO_PATH) == JPEG and zf.read(PDF_PATH) == PDF
        kinds = {i.filename: i.compress_type for i in zf.infolist()}
        assert (
            kinds[PHOTO_PATH] == kinds[PDF_PATH] == kinds["ita-2565-01.pdf"] == zipfile.ZIP_STORED
        )
        assert kinds["index.html"] == kinds["ita-2565-01.docx"] == zipfile.ZIP_DEFLATED
        assert zf.getinfo(PHOTO_PATH).date_time == (2022, 1, 18, 10, 0, 0)  # received, local
        index = _index(zf)
        docx = Document(io.BytesIO(zf.read("ita-2565-01.docx")))
        xlsx = load_workbook(io.BytesIO(zf.read("ita-2565-01.xlsx")))
        pdf_text = _pdf_text(zf.read("ita-2565-01.pdf"))
        assert zf.testzip() is None
    assert result.files == 6 and result.evidence == 2 and result.pending == 1
    assert result.size == target.stat().st_size
    assert MEASURE_5_TH in index and MEASURE_5_TH in "".join(p.text for p in docx.paragraphs)
    assert "".join(MEASURE_5_TH.split()) in pdf_text
    assert xlsx.sheetnames[0] == "รายการรายงาน"
    for name in ("ita-2565-01.docx", "ita-2565-01.pdf", "ita-2565-01.xlsx"):
        assert f'href="{name}"' in index
    assert f'href="{PHOTO_PATH}"' in index and f'href="{quote(PDF_PATH)}"' in index


async def test_the_index_escapes_answers_and_lists_links_and_pending_files(
    core: Core, ps: PackScenario, tmp_path: Path
) -> None:
    round_ = await pack_round_by_key(core, "2565-01")
    target = tmp_path / "jan.zip"
    await pack_round(core, None, round_, target)
    with zipfile.ZipFile(target) as zf:
        index, names = _index(zf), zf.namelist()
    assert index.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in index
    # Offline: no scripts, nothing fetched from elsewhere (only people's links point out).
    assert "<script" not in index and "src=" not in index and "@import" not in index
    assert "ปรับปรุงขั้นตอนการให้บริการ &lt;ลดเวลารอ&gt; &amp; ประเมินผล" in index
    assert "<ลดเวลารอ>" not in index
    assert "ดำเนินการแล้ว" in index and "ยังไม่รายงาน" in index and "มีปัญหาอุปสรรค" in index
    assert "ประจำเดือนมกราคม ๒๕๖๕" in index and "จัดทำเมื่อวันที่ ๒๐ มกราคม ๒๕๖๕" in index
    link = '<a href="https://www.nakhoncity.org" rel="noopener" target="_blank">'
    assert link in index and "ลิงก์ภายนอก" in index
    pending = index.split(PENDING_NAME, 1)[1].split("</li>", 1)[0]
    assert "อยู่ระหว่างการรวบรวมไฟล์" in pending
    assert not any(PENDING_NAME in n for n in names)
    # Every relative link leads to a file of the pack.
    hrefs = {h.split('"', 1)[0] for h in index.split('href="')[1:]}
    local = {h for h in hrefs if not h.startswith(("https://", "#"))}
    assert {quote(n) for n in names if n != "index.html"} == local


async def test_the_period_pack_holds_a_carried_file_once(
    core: Core, ps: PackScenario, tmp_path: Path
) -> None:
    target = tmp_path / "period.zip"
    result = await pack_period(core, None, target)
    with zipfile.ZipFile(target) as zf:
        names = zf.namelist()
        index = _index(zf)
        assert zf.read(PDF_PATH) == PDF
    assert names.count(PDF_PATH) == 1 and PHOTO_PATH in names
    assert sum(n.endswith((".docx", ".pdf", ".xlsx")) and "/" not in n for n in names) == 3
    assert result.evidence == 2
    # Both answers that carry the PDF link the one copy; rounds are named in a column.
    assert index.count(f'href="{quote(PDF_PATH)}"') == 2
    assert "ประจำเดือนธันวาคม ๒๕๖๔" in index and "<th>รอบ</th>" in index


async def test_only_coordinators_admins_and_the_operator_may_pack(
    core: Core, ps: PackScenario, sessions: Sessions, tmp_path: Path
) -> None:
    await enrol(sessions, HEAD, "head", "FIN")
    head = await identify(core, HEAD)
    assert head is not None
    round_ = await pack_round_by_key(core, "2565-01")
    target = tmp_path / "jan.zip"
    with pytest.raises(Refused) as refused:
        await pack_round(core, head, round_, target)
    assert refused.value.reason == "not_allowed"
    with pytest.raises(Refused):
        await pack_period(core, head, target)
    assert _written(tmp_path) == []


async def test_unknown_round_and_no_plan_are_refused(
    core: Core, sessions: Sessions, tmp_path: Path
) -> None:
    with pytest.raises(Refused) as no_plan:
        await pack_round_by_key(core, "2565-01")
    assert no_plan.value.reason == "no_plan"
    with pytest.raises(Refused) as no_plan_period:
        await pack_period(core, None, tmp_path / "period.zip")
    assert no_plan_period.value.reason == "no_plan"
    await seed_plan(sessions)
    with pytest.raises(Refused) as unknown:
        await pack_round_by_key(core, "2599-99")
    assert unknown.value.reason == "unknown_round"
    assert _written(tmp_path) == []


def test_a_failed_zip_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "pack.zip"
    target.write_bytes(b"the previous pack")
    gone = DiskEntry("evidence/01/FIN/x.pdf", tmp_path / "no-such-file")
    with pytest.raises(FileNotFoundError):
        write_zip(target, [MemoryEntry("index.html", b"x")], [gone], datetime(2022, 1, 1))
    assert target.read_bytes() == b"the previous pack"
    assert [p.name for p in tmp_path.iterdir()] == ["pack.zip"]  # no half-written part left


def test_a_video_larger_than_one_chunk_is_stored_as_it_is(tmp_path: Path) -> None:
    source = tmp_path / "big.mp4"
    data = os.urandom(3 * (1 << 20) + 17)
    source.write_bytes(data)
    target = tmp_path / "pack.zip"
    now = datetime(2022, 1, 20, 10)
    stats = write_zip(target, [], [DiskEntry("evidence/01/FIN/big.mp4", source)], now)
    with zipfile.ZipFile(target) as zf:
        assert zf.read("evidence/01/FIN/big.mp4") == data
        assert zf.getinfo("evidence/01/FIN/big.mp4").compress_type == zipfile.ZIP_STORED
    assert stats.entries == 1 and stats.size == target.stat().st_size


def test_an_evidence_line_escapes_names_and_links_only_the_web() -> None:
    hostile = EvidenceRef("link", None, None, "javascript:alert(1)", evidence_id=1)
    assert evidence_item(hostile, {}, "th") == "<li>javascript:alert(1)</li>"  # text, no href
    web = EvidenceRef("link", None, None, 'https://x.org/?a=1&b="2"', evidence_id=2)
    assert 'href="https://x.org/?a=1&amp;b=&quot;2&quot;" rel="noopener"' in evidence_item(
        web, {}, "th"
    )
    named = EvidenceRef(
        "document", "f", "<script>x</script>.pdf", None, evidence_id=3, state="archived",
        sha256="a" * 64,
    )  # fmt: skip
    line = evidence_item(named, {3: "evidence/01/FIN/2022-01-01_x.pdf"}, "th")
    assert "&lt;script&gt;x&lt;/script&gt;.pdf" in line and "<script>" not in line
    assert 'href="evidence/01/FIN/2022-01-01_x.pdf"' in line and "(เอกสาร)" in line
    lost = EvidenceRef("photo", "f", None, None, evidence_id=4, state="lost")
    assert "ไม่มีไฟล์นี้ในชุดเอกสาร" in evidence_item(lost, {}, "th") and "href" not in (
        evidence_item(lost, {}, "th")
    )


async def test_the_index_shows_each_answer_s_review(
    core: Core, ps: PackScenario, sessions: Sessions, tmp_path: Path
) -> None:
    coordinator = await enrol(sessions, 7109, "coordinator", name="ผู้ประสานงาน")
    async with sessions() as s, s.begin():
        await add_review(
            s, ps.jan_report, "returned", comment="ขอรายงาน <ฉบับลงนาม>", reviewer_id=coordinator,
            at=bkk(2022, 1, 19, 10),
        )  # fmt: skip
    round_ = await pack_round_by_key(core, "2565-01")
    await pack_round(core, None, round_, tmp_path / "jan.zip")
    with zipfile.ZipFile(tmp_path / "jan.zip") as zf:
        index = _index(zf)
    assert "<th>ผลการตรวจ</th>" in index
    assert "ขอข้อมูลเพิ่มเติม โดย ผู้ประสานงาน เมื่อ" in index
    assert "ความเห็น: ขอรายงาน &lt;ฉบับลงนาม&gt;" in index
    assert "รอการตรวจ" in index  # the other divisions' answers nobody reviewed
