"""Archived evidence for publication-pack tests: rows as the archiver leaves them, bytes on disk.

An answer's files are written as Evidence rows in the state the archiver gives them
(`archived` with the SHA-256 of bytes kept by the real BlobStore and an EvidenceBlob row,
or `pending`), on top of the report scenario (tests/report_factories.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.blobs import BlobStore
from storage.models import Evidence, EvidenceBlob
from tests.factories import seed_plan
from tests.report_factories import Scenario, add_report, bkk, scenario

Sessions = async_sessionmaker[AsyncSession]
# A JPEG's first bytes, then noise; a PDF's header, then noise: the pack copies, never parses.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(70_000)
PDF = b"%PDF-1.4\n% evidence\n" + os.urandom(50_000)
MEASURE_5_TH = "การปรับปรุงคุณภาพระบบการทำงาน"
PHOTO_PATH = "evidence/05/FIN/2022-01-18_photo.jpg"
PDF_PATH = "evidence/05/FIN/2021-12-20_ผลการประชุม.pdf"
PENDING_NAME = "แบบฟอร์มคำร้อง.docx"


@dataclass(frozen=True)
class PackScenario:
    """The report scenario plus answers with archived and pending files."""

    base: Scenario
    jan_report: int
    dec_report: int


async def add_file(
    sessions: Sessions,
    evidence_dir: Path,
    report_id: int,
    *,
    kind: str,
    data: bytes,
    media_type: str,
    received_at: datetime,
    file_name: str | None = None,
    state: str = "archived",
) -> int:
    """One attachment of an answer; archived: its bytes kept in `evidence_dir` by hash."""
    sha = None
    if state == "archived":
        stored = BlobStore(evidence_dir).put_bytes(data)
        sha = stored.sha256
    async with sessions() as session, session.begin():
        if sha is not None and await session.get(EvidenceBlob, sha) is None:
            session.add(EvidenceBlob(sha256=sha, size=len(data), media_type=media_type))
            await session.flush()
        ev = Evidence(
            report_id=report_id,
            kind=kind,
            file_id=f"file-{report_id}-{kind}-{len(data)}",
            file_unique_id=f"u-{sha or os.urandom(4).hex()}",
            file_name=file_name,
            mime_type=media_type,
            file_size=len(data),
            received_at=received_at,
            fetch_state=state,
            sha256=sha,
        )
        session.add(ev)
        await session.flush()
        return ev.id


async def evidence_ids(sessions: Sessions) -> list[int]:
    """Every attachment row's id."""
    async with sessions() as session:
        return list(await session.scalars(select(Evidence.id).order_by(Evidence.id)))


async def pack_scenario(sessions: Sessions, evidence_dir: Path) -> PackScenario:
    """January: FIN answers measure 5 with a photo and a PDF (archived) and a form (pending).

    The PDF came in December, in FIN's December answer; January's answer carries it (a
    second row, the same file, the first sender's date): the period's pack holds it once.
    """
    await seed_plan(sessions)
    base = await scenario(sessions)
    at = bkk(2022, 1, 18, 10)
    jan = await add_report(
        sessions, base.ids, base.jan, 5, "FIN", base.author, "done",
        "ปรับปรุงขั้นตอนการให้บริการ <ลดเวลารอ> & ประเมินผล", at=at,
    )  # fmt: skip
    dec = await add_report(
        sessions, base.ids, base.dec, 5, "FIN", base.author, "in_progress",
        "เริ่มปรับปรุงขั้นตอน", at=bkk(2021, 12, 20),
    )  # fmt: skip
    await add_file(
        sessions, evidence_dir, jan, kind="photo", data=JPEG, media_type="image/jpeg",
        received_at=at,
    )  # fmt: skip
    for report in (dec, jan):
        await add_file(
            sessions, evidence_dir, report, kind="document", data=PDF,
            media_type="application/pdf", received_at=bkk(2021, 12, 20),
            file_name="ผลการประชุม.pdf",
        )  # fmt: skip
    await add_file(
        sessions, evidence_dir, jan, kind="document", data=b"PK\x03\x04 form",
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        received_at=at, file_name=PENDING_NAME, state="pending",
    )  # fmt: skip
    return PackScenario(base, jan, dec)
