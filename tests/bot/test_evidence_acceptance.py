"""Issue 11's acceptance, end to end: a photo and a PDF from a phone to the publication pack.

A head answers through the real Application and the fake Bot API; the archiver keeps the
files; the pack of the round holds them byte for byte, its DOCX holds the picture as an image
part, and its PDF's text layer holds the Thai measure title.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from docx import Document
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.usecases.pack import pack_round
from bot.usecases.summaries import choose_round
from storage.models import Evidence, Measure
from tests.bot.harness import Clock, core_of, running_bot
from tests.bot.test_answer_flow import HEAD, OPENS, Phone, Sessions, _ids, _setup
from tests.bot.test_evidence_flow import PDF, _answer_with_files, _runner
from tests.fakebot import FakeTelegram


def _jpeg() -> bytes:
    """A real photo-like JPEG (what a phone sends), 640 x 480."""
    picture = Image.new("RGB", (640, 480), (30, 120, 200))
    for x in range(0, 640, 40):
        for y in range(0, 480, 40):
            picture.putpixel((x, y), (255, 255, 0))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _plain(text: str) -> str:
    """Text to compare with a PDF's text layer as LibreOffice 7.4 writes it for Thai.

    Spaces and zero-width spaces go (Thai lines break anywhere); ำ reads "ำา" (the font draws
    it as two glyphs); and where SARA UU meets a tone mark (รู้) the ToUnicode map swaps or
    repeats the two, so both marks are set aside. The page itself shows the right letters.
    """
    flat = "".join(text.replace("\u200b", "").split()).replace("\u0e33\u0e32", "\u0e33")
    return flat.replace("\u0e39", "").replace("\u0e49", "").replace("\u0e48", "")


async def test_a_photo_and_a_pdf_from_a_phone_reach_the_pack_byte_for_byte(
    engine: AsyncEngine, db_url: str, sessions: Sessions, evidence_dir: Path, tmp_path: Path
) -> None:
    round_id = await _setup(sessions)
    m1, fin = await _ids(sessions, 1, "FIN")

    photo_bytes = _jpeg()
    clock = Clock(OPENS + timedelta(days=1))
    fake = FakeTelegram()
    head = Phone(fake, HEAD)
    async with running_bot(fake, engine, db_url, clock=clock) as app:
        photo, doc_id = await _answer_with_files(
            fake, head, round_id, m1, fin, PDF, photo=photo_bytes, pdf_name="รายงานการเงิน.pdf"
        )
        await _runner(app).drain()
    served = {
        "photo": fake.file_bytes(photo),
        "document": fake.file_bytes(doc_id),
    }
    assert served["photo"] == photo_bytes
    async with sessions() as s:
        rows = list(await s.scalars(select(Evidence).order_by(Evidence.id)))
        title = await s.scalar(select(Measure.title_th).where(Measure.id == m1))
    assert title is not None
    assert [(e.kind, e.fetch_state) for e in rows] == [
        ("photo", "archived"),
        ("document", "archived"),
    ]
    for row in rows:  # archived bytes are what Telegram served
        assert row.sha256 == hashlib.sha256(served[row.kind]).hexdigest()

    core = core_of(sessions)
    round_ = await choose_round(core, None, round_id=round_id)
    target = tmp_path / "pack.zip"
    await pack_round(core, None, round_, target)
    with zipfile.ZipFile(target) as zf:
        names = zf.namelist()
        evidence = {n: zf.read(n) for n in names if n.startswith("evidence/")}
        docx_name = next(n for n in names if n.endswith(".docx"))
        docx_bytes = zf.read(docx_name)
        pdf_bytes = zf.read(next(n for n in names if n.endswith(".pdf")))
        index = zf.read("index.html").decode("utf-8")
    # The pack holds both files byte for byte, under evidence/<seq>/<code>/<date>_<name>.
    assert sorted(evidence.values()) == sorted(served.values())
    assert all(n.startswith("evidence/01/FIN/2022-01-") for n in evidence)
    assert any(n.endswith("_รายงานการเงิน.pdf") for n in evidence)
    assert all(f'href="{quote(n)}"' in index for n in evidence)  # the index links each file
    # The DOCX holds the picture as an image part, and the picture is in the document body.
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        assert any(n.startswith("word/media/") for n in package.namelist())
    assert Document(io.BytesIO(docx_bytes)).inline_shapes
    # The PDF's text layer holds the Thai measure title (text, not a picture of it).
    pages = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)
    assert _plain(title) in _plain(pages)
