"""Evidence files put into the archive for report tests: real pictures, a PDF, a corrupt file.

The report scenario (tests.report_factories.scenario) attaches a photo `P1` to PALAD's
January answer and `รายงานงบ.pdf` (`F1`) to FIN's; `archive` stores bytes for one of them
with a BlobStore and records it as the archiver would. PDF tests call `office_or_skip`.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reports.pdf import office_binary
from storage.blobs import BlobStore
from storage.evidence import PENDING, mark_archived
from storage.models import Evidence
from tests.report_factories import Scenario, add_report, bkk

# Bytes that start like a PNG and are nothing after: Pillow cannot read them.
CORRUPT_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"not really a picture" * 20


def picture(size: tuple[int, int], fmt: str = "PNG", orientation: int | None = None) -> bytes:
    """A real picture: a red-and-blue image of `size` pixels, optionally an EXIF orientation."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    if orientation is None:
        image.save(out, fmt)
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(out, fmt, exif=exif)
    return out.getvalue()


async def archive(
    sessions: async_sessionmaker[AsyncSession],
    store: BlobStore,
    file_id: str,
    data: bytes,
    media_type: str,
    at: datetime,
) -> int:
    """Store `data` for the attachment with this Telegram file id, as archived; its id."""
    stored = store.put_bytes(data)
    async with sessions() as session, session.begin():
        evidence_id = await session.scalar(select(Evidence.id).where(Evidence.file_id == file_id))
        assert evidence_id is not None, file_id
        await session.execute(
            update(Evidence)
            .where(Evidence.id == evidence_id)
            .values(mime_type=media_type, received_at=at)
        )
        await mark_archived(session, evidence_id, stored.sha256, stored.size, media_type, at)
    return int(evidence_id)


@dataclass(frozen=True)
class Archived:
    """What `archive_scenario` stored: the archive folder and the ids of the attachments."""

    root: Path
    photo: int
    pdf: int
    tall: int
    broken: int


async def archive_scenario(
    sessions: async_sessionmaker[AsyncSession], sc: Scenario, root: Path
) -> Archived:
    """January's files archived, plus ENG's answer to measure 5 with three more attachments.

    PALAD's photo is a wide JPEG (400x200), FIN's PDF a small PDF. ENG's answer carries a tall
    JPEG sent as a file (kind document, 200x600), a corrupt picture named broken.png, and a
    file still being fetched (pending) named minutes.docx.
    """
    store = BlobStore(root)
    wide = picture((400, 200), "JPEG")
    photo = await archive(sessions, store, "P1", wide, "image/jpeg", bkk(2022, 1, 27))
    pdf = await archive(
        sessions, store, "F1", b"%PDF-1.4\n%%EOF\n", "application/pdf", bkk(2022, 1, 14)
    )
    files = [
        {"kind": "document", "file_id": "T1", "file_name": "tall.jpg"},
        {"kind": "document", "file_id": "B1", "file_name": "broken.png"},
        {"kind": "document", "file_id": "M1", "file_name": "minutes.docx"},
    ]
    await add_report(
        sessions, sc.ids, sc.jan, 5, "ENG", sc.author, "done", "ติดตั้งกล่องรับเรื่องร้องเรียน",
        at=bkk(2022, 1, 18), evidence=files,
    )  # fmt: skip
    tall = await archive(
        sessions, store, "T1", picture((200, 600), "JPEG"), "image/jpeg", bkk(2022, 1, 18)
    )
    broken = await archive(sessions, store, "B1", CORRUPT_PNG, "image/png", bkk(2022, 1, 18))
    async with sessions() as session, session.begin():
        await session.execute(
            update(Evidence).where(Evidence.file_id == "M1").values(fetch_state=PENDING)
        )
    return Archived(root, photo, pdf, tall, broken)


def office_or_skip() -> None:
    """LibreOffice is a system package: skipped where it is missing, but never under CI."""
    if office_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but LibreOffice is missing: the PDF must be tested there")
        pytest.skip("LibreOffice not installed (sh scripts/system-deps.sh)")
