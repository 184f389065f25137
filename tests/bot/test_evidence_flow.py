"""Evidence through the real Application: archived byte for byte, retried, refused, given back."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.telegram.archiving import RUNNER_KEY, ArchiveRunner
from bot.telegram.callbacks import encode
from storage.blobs import BlobStore
from storage.models import Evidence, EvidenceBlob
from tests.bot.harness import App, Clock, running_bot
from tests.bot.test_answer_flow import (
    HEAD,
    OPENS,
    Phone,
    Sessions,
    _button,
    _ids,
    _reports,
    _setup,
)
from tests.fakebot import FakeTelegram

PDF = b"%PDF-1.4\n% ITA evidence\n" + bytes(range(256)) * 40


def _runner(app: App) -> ArchiveRunner:
    runner = app.bot_data[RUNNER_KEY]
    assert isinstance(runner, ArchiveRunner)
    return runner


async def _answer_with_files(
    fake: FakeTelegram,
    head: Phone,
    round_id: int,
    measure: int,
    division: int,
    pdf: bytes,
    photo_size: int = 90_000,
    *,
    photo: bytes | None = None,
    pdf_name: str = "รายงาน/../การเงิน.pdf",
) -> tuple[str, str]:
    """Answer one measure with a photo and a PDF; returns the file ids the fake served.

    `photo` is a real picture's bytes (default: filler of `photo_size` bytes).
    """
    head.send("/report")
    listing = await head.expect(buttons=True)
    head.press(listing, encode("m", round_id, measure, division))
    screen = await head.expect("วิธีดำเนินการ")
    head.press(screen, encode("st", round_id, measure, division, 0))
    await head.expect("กรุณาพิมพ์สรุป")
    head.send("ดำเนินการแล้ว แนบภาพและเอกสาร")
    await head.expect("ยืนยันส่งรายงาน")
    head.mark()
    sent = fake.send_photo(HEAD, file_size=photo_size, content=photo)
    await head.expect("รับหลักฐานแล้ว")
    head.mark()
    doc = fake.send_document(HEAD, pdf_name, "application/pdf", content=pdf)
    ask = await head.expect("ยืนยันส่งรายงาน")
    head.press(ask, _button(ask, "ok:"))
    await head.expect("บันทึกรายงาน")
    return sent["message"]["photo"][-1]["file_id"], doc["message"]["document"]["file_id"]


async def test_photo_and_pdf_are_archived_byte_for_byte_and_kept_once(
    engine: AsyncEngine, db_url: str, sessions: Sessions, evidence_dir: Path
) -> None:
    round_id = await _setup(sessions)
    m1, fin = await _ids(sessions, 1, "FIN")
    m3, _ = await _ids(sessions, 3, "FIN")
    fake = FakeTelegram()
    head = Phone(fake, HEAD)
    async with running_bot(fake, engine, db_url, clock=Clock(OPENS + timedelta(days=1))) as app:
        photo, doc = await _answer_with_files(fake, head, round_id, m1, fin, PDF)
        await _runner(app).drain()
        # The same PDF again, in another answer: a second row, the same archived file.
        await _answer_with_files(fake, head, round_id, m3, fin, PDF, photo_size=70_000)
        await _runner(app).drain()
    blobs = BlobStore(evidence_dir)
    async with sessions() as s:
        rows = list(await s.scalars(select(Evidence).order_by(Evidence.id)))
        kept = await s.scalar(select(func.count()).select_from(EvidenceBlob))
    assert [(e.kind, e.fetch_state) for e in rows] == [
        ("photo", "archived"),
        ("document", "archived"),
    ] * 2
    assert rows[1].file_name == "การเงิน.pdf"  # the folders a name claimed are dropped
    for row, file_id in zip(rows, (photo, doc), strict=False):
        served = fake.file_bytes(file_id)
        assert row.sha256 == hashlib.sha256(served).hexdigest()
        assert blobs.path_of(row.sha256).read_bytes() == served
        assert row.sender_id is not None and row.received_at is not None
    assert rows[1].sha256 == rows[3].sha256
    assert kept == 3  # two photos and one PDF
    assert sorted(blobs.all_hashes()) == sorted({r.sha256 for r in rows if r.sha256})


async def test_failed_downloads_are_retried_by_the_tick_and_nothing_is_lost(
    engine: AsyncEngine, db_url: str, sessions: Sessions, evidence_dir: Path
) -> None:
    round_id = await _setup(sessions)
    m1, fin = await _ids(sessions, 1, "FIN")
    clock = Clock(OPENS + timedelta(days=1))
    fake = FakeTelegram()
    head = Phone(fake, HEAD)
    async with running_bot(fake, engine, db_url, clock=clock) as app:
        runner = _runner(app)
        fake.fail_next("getFile", kind="5xx", count=1)
        fake.fail_next("getFile", kind="timeout", count=1)
        fake.fail_downloads(2)
        _, doc = await _answer_with_files(fake, head, round_id, m1, fin, PDF)
        # The answer is saved at once, whatever the downloads do.
        assert [r.status for r in await _reports(sessions)] == ["done"]
        await runner.drain()
        passes = 0
        while passes < 6:  # each pass fails a file or two; the pause doubles
            async with sessions() as s:
                states = list(await s.scalars(select(Evidence.fetch_state)))
            if states == ["archived", "archived"]:
                break
            clock.now += timedelta(hours=1)
            await runner.run()
            passes += 1
        assert passes >= 1, "the faults should have made at least one pass fail"
    async with sessions() as s:
        rows = list(await s.scalars(select(Evidence).order_by(Evidence.id)))
        kept = await s.scalar(select(func.count()).select_from(EvidenceBlob))
    assert [e.fetch_state for e in rows] == ["archived", "archived"]
    assert sum(e.fetch_attempts for e in rows) >= 3
    assert kept == 2
    assert BlobStore(evidence_dir).path_of(rows[1].sha256 or "").read_bytes() == PDF
    assert fake.file_bytes(doc) == PDF


async def test_a_file_not_yet_due_is_not_fetched_early(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    round_id = await _setup(sessions)
    m1, fin = await _ids(sessions, 1, "FIN")
    clock = Clock(OPENS + timedelta(days=1))
    fake = FakeTelegram()
    head = Phone(fake, HEAD)
    async with running_bot(fake, engine, db_url, clock=clock) as app:
        runner = _runner(app)
        fake.fail_downloads(10)
        await _answer_with_files(fake, head, round_id, m1, fin, PDF)
        await runner.drain()
        fake.fail_downloads(0)
        await runner.run()  # the clock has not moved: the pause is not over
        async with sessions() as s:
            assert set(await s.scalars(select(Evidence.fetch_state))) == {"pending"}
        clock.now += timedelta(minutes=1)
        await runner.run()
        async with sessions() as s:
            assert set(await s.scalars(select(Evidence.fetch_state))) == {"archived"}


async def test_a_too_big_or_foreign_file_is_refused_and_nothing_is_stored(
    engine: AsyncEngine, db_url: str, sessions: Sessions, evidence_dir: Path
) -> None:
    round_id = await _setup(sessions)
    m1, fin = await _ids(sessions, 1, "FIN")
    fake = FakeTelegram()
    head = Phone(fake, HEAD)
    async with running_bot(fake, engine, db_url, clock=Clock(OPENS + timedelta(days=1))) as app:
        head.send("/report")
        listing = await head.expect(buttons=True)
        head.press(listing, encode("m", round_id, m1, fin))
        screen = await head.expect("วิธีดำเนินการ")
        head.press(screen, encode("st", round_id, m1, fin, 0))
        await head.expect("กรุณาพิมพ์สรุป")
        head.mark()
        fake.send_document(HEAD, "big.pdf", "application/pdf", file_size=25 * 2**20)
        await head.expect("20 MB")
        head.mark()
        fake.send_document(HEAD, "setup.exe", "application/x-msdownload", content=b"MZ" * 50)
        await head.expect("กรุณาแปลงไฟล์เป็น PDF")
        head.mark()
        fake.send_document(HEAD, "photo.jpg.exe", "image/jpeg", content=b"MZ" * 50)
        await head.expect("กรุณาแปลงไฟล์เป็น PDF")
        head.send("ข้อความเท่านั้น")
        ask = await head.expect("ยืนยันส่งรายงาน")
        head.press(ask, _button(ask, "ok:"))
        await head.expect("บันทึกรายงาน")
        await _runner(app).drain()
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Evidence)) == 0
    assert list(BlobStore(evidence_dir).all_hashes()) == []
