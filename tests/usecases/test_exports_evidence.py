"""The exports read the evidence archive: photos in the documents, pack paths, PDF, the pack."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.usecases.core import Core
from bot.usecases.exports import CHAT_FORMATS, export_round, pack_material
from bot.usecases.refusals import Refused
from bot.usecases.summaries import choose_round
from tests.factories import seed_plan
from tests.report_factories import scenario
from tests.reports.evidence_factory import Archived, archive_scenario, office_or_skip

PHOTO_PATH = "evidence/02/PALAD/2022-01-27_photo.jpg"
PDF_PATH = "evidence/01/FIN/2022-01-14_รายงานงบ.pdf"
PACK_COLUMN = "ไฟล์หลักฐานในชุดเอกสารเผยแพร่"


@pytest.fixture
async def archived(
    sessions: async_sessionmaker[AsyncSession], core: Core, tmp_path: Path
) -> tuple[Core, Archived]:
    """The report scenario with its files archived under the core's evidence folder."""
    await seed_plan(sessions)
    sc = await scenario(sessions)
    root = tmp_path / "evidence"
    done = await archive_scenario(sessions, sc, root)
    return replace(core, rules=replace(core.rules, evidence_dir=root)), done


def _media(docx: bytes) -> list[str]:
    return [n for n in zipfile.ZipFile(io.BytesIO(docx)).namelist() if n.startswith("word/media/")]


def _pack_column(xlsx: bytes) -> list[str]:
    rows = list(load_workbook(io.BytesIO(xlsx)).worksheets[0].iter_rows(values_only=True))
    at = rows[0].index(PACK_COLUMN)
    return [line for r in rows[1:] if r[at] for line in str(r[at]).split("\n")]


async def test_export_shows_the_archived_photos_and_no_pdf(
    archived: tuple[Core, Archived],
) -> None:
    core, _ = archived
    jan = await choose_round(core, None, "2565-01")
    files = {f.format: f for f in (await export_round(core, None, jan)).files}
    assert tuple(files) == CHAT_FORMATS == ("xlsx", "docx", "png")  # what /export sends
    assert len(_media(files["docx"].data)) == 2
    assert PHOTO_PATH in _pack_column(files["xlsx"].data)


async def test_pack_material_of_a_round(archived: tuple[Core, Archived]) -> None:
    office_or_skip()
    core, done = archived
    pack = await pack_material(core, "2565-01")
    assert pack.round is not None and pack.round.key == "2565-01"
    assert [(f.format, f.name) for f in pack.files] == [
        ("docx", "ita-2565-01.docx"),
        ("pdf", "ita-2565-01.pdf"),
        ("xlsx", "ita-2565-01.xlsx"),
    ]
    docx, pdf, xlsx = (f.data for f in pack.files)
    assert len(_media(docx)) == 2 and pdf.startswith(b"%PDF")
    # Every owed item of the round, answered or not; the archived files, each with its path.
    assert len(pack.items) == 30 and sum(i.answer is not None for i in pack.items) == 5
    assert pack.paths == {
        done.photo: PHOTO_PATH,
        done.pdf: PDF_PATH,
        done.tall: "evidence/05/ENG/2022-01-18_tall.jpg",
        done.broken: "evidence/05/ENG/2022-01-18_broken.png",
    }
    assert sorted(_pack_column(xlsx)) == sorted(pack.paths.values())
    # The entries are the answers' attachments; the locator finds the archived ones on disk.
    by_id = {ev.evidence_id: ev for _, _, ev in pack.entries}
    assert set(pack.paths) < set(by_id)  # the pending file and the link have no path
    photo = pack.locator.file(by_id[done.photo])
    assert photo is not None and photo.is_relative_to(done.root)


async def test_pack_material_of_the_period(archived: tuple[Core, Archived]) -> None:
    office_or_skip()
    core, done = archived
    pack = await pack_material(core, None)
    assert pack.round is None
    assert [f.name for f in pack.files] == [
        "ita-ita-2565-period.docx",
        "ita-ita-2565-period.pdf",
        "ita-ita-2565-period.xlsx",
    ]
    heading = Document(io.BytesIO(pack.files[0].data)).tables[0].rows[0].cells[0].text
    assert heading == "ผู้รับผิดชอบ"  # the end-of-period report
    assert {i.round.key for i in pack.items} == {"2564-12", "2565-01", "2565-Q1"}
    assert pack.paths[done.photo] == PHOTO_PATH and len(pack.paths) == 4


async def test_pack_material_of_an_unknown_round_is_refused(
    archived: tuple[Core, Archived],
) -> None:
    core, _ = archived
    with pytest.raises(Refused) as refused:
        await pack_material(core, "2599-01")
    assert refused.value.reason == "unknown_round"
