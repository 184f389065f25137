"""Evidence back in the chat: the summary's evidence buttons upload the archived files again."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.telegram.callbacks import encode
from bot.telegram.handlers import evidence as evidence_handler
from bot.telegram.handlers.evidence import SENDERS_KEY, EvidenceSenders
from storage.blobs import BlobStore
from storage.models import Evidence
from tests.bot.harness import App, Clock, running_bot
from tests.bot.test_answer_flow import (
    HEAD,
    MEMBER,
    OPENS,
    OTHER,
    Phone,
    Sessions,
    _button,
    _ids,
    _reports,
    _setup,
)
from tests.bot.test_evidence_flow import PDF, _runner
from tests.factories import enrol
from tests.fakebot import FakeTelegram, SentMessage

COORD = 3010
LINK = "https://www.nakhoncity.org/ita/oit"
PDF_NAME = "รายงานการเงิน.pdf"


async def _senders_drained(app: App) -> None:
    """Wait until every evidence upload started by a press has been sent."""
    senders = app.bot_data.get(SENDERS_KEY)
    if senders is not None:
        assert isinstance(senders, EvidenceSenders)
        await senders.drain()


async def _answer(fake: FakeTelegram, head: Phone, round_id: int, m: int, d: int) -> None:
    """Answer one measure with a link, a photo and a PDF."""
    head.send("/report")
    listing = await head.expect(buttons=True)
    head.press(listing, encode("m", round_id, m, d))
    screen = await head.expect("วิธีดำเนินการ")
    head.press(screen, encode("st", round_id, m, d, 0))
    await head.expect("กรุณาพิมพ์สรุป")
    head.send(f"เผยแพร่ข้อมูลแล้ว ดูได้ที่ {LINK}")
    await head.expect("ยืนยันส่งรายงาน")
    head.mark()
    fake.send_photo(HEAD, file_size=90_000)
    await head.expect("รับหลักฐานแล้ว")
    head.mark()
    fake.send_document(HEAD, PDF_NAME, "application/pdf", content=PDF)
    ask = await head.expect("ยืนยันส่งรายงาน")
    head.press(ask, _button(ask, "ok:"))
    await head.expect("บันทึกรายงาน")


def _files(fake: FakeTelegram, user: int, after: int) -> list[SentMessage]:
    return [m for m in fake.messages(user)[after:] if m.kind in ("photo", "document")]


def _texts(fake: FakeTelegram, user: int, after: int) -> list[str]:
    return [m.text or "" for m in fake.messages(user)[after:] if m.kind == "text"]


async def _press_evidence(
    fake: FakeTelegram,
    app: App,
    phone: Phone,
    screen: SentMessage,
    data: str,
    *,
    strict: bool = True,
) -> dict[str, Any]:
    """Press an evidence button; returns the answer to the press once the uploads are done."""
    qid = phone.press(screen, data, strict=strict)
    answered = await fake.wait_for_answer(qid)
    await _senders_drained(app)
    return answered


Act = Callable[[FakeTelegram, App, Sessions, int], Awaitable[None]]
CLOCK = "test-clock"


async def _with_answer(
    engine: AsyncEngine, db_url: str, sessions: Sessions, act: Act, *, archive: bool = True
) -> None:
    """A round in which FIN's head answered measure 1 with a link, a photo and a PDF."""
    round_id = await _setup(sessions)
    await enrol(sessions, COORD, "coordinator", name="ผู้ประสานงาน")
    m1, fin = await _ids(sessions, 1, "FIN")
    fake = FakeTelegram()
    clock = Clock(OPENS + timedelta(days=1))
    async with running_bot(fake, engine, db_url, clock=clock) as app:
        app.bot_data[CLOCK] = clock
        if not archive:
            fake.fail_downloads(1000)
        await _answer(fake, Phone(fake, HEAD), round_id, m1, fin)
        await _runner(app).drain()
        await act(fake, app, sessions, round_id)


async def _measure_screen(phone: Phone, round_id: int, measure: int) -> SentMessage:
    phone.send("/summary")
    summary = await phone.expect("สรุปผลการรายงาน")
    phone.press(summary, encode("sm", round_id, measure))
    return await phone.expect("มาตรการที่ 1")


async def test_a_coordinator_gets_the_archived_bytes_uploaded_with_a_caption(
    engine: AsyncEngine, db_url: str, sessions: Sessions, evidence_dir: Path
) -> None:
    async def act(fake: FakeTelegram, app: App, sessions: Sessions, round_id: int) -> None:
        m1, _ = await _ids(sessions, 1, "FIN")
        [report] = await _reports(sessions)
        coord = Phone(fake, COORD)
        screen = await _measure_screen(coord, round_id, m1)
        assert PDF_NAME in (screen.text or "") and "⏳" not in (screen.text or "")
        data = [d for _, d in screen.buttons()]
        # One evidence button for FIN's answer, then the way back, as before.
        assert ("📎 หลักฐาน FIN", encode("ev", report.id)) in screen.buttons()
        assert data[-1] == encode("sr", round_id)
        seen = fake.sent_count(COORD)
        answered = await _press_evidence(fake, app, coord, screen, encode("ev", report.id))
        assert not answered.get("show_alert") and "กำลังส่งไฟล์หลักฐาน" in answered["text"]
        photo, doc = _files(fake, COORD, seen)
        blobs = BlobStore(evidence_dir)
        by_kind = {e.kind: e for e in report.evidence}
        for sent, kind in ((photo, "photo"), (doc, "document")):
            assert sent.kind == kind
            archived = blobs.path_of(by_kind[kind].sha256 or "").read_bytes()
            assert sent.file_bytes == archived == fake.file_bytes(by_kind[kind].file_id or "")
            # Uploaded again: a new file on Telegram's side, not the id received with the answer.
            assert sent.file_id != by_kind[kind].file_id
            assert "มาตรการที่ 1" in (sent.caption or "") and "FIN" in (sent.caption or "")
            assert "๒๐ ม.ค. ๒๕๖๕" in (sent.caption or "")  # received on 20 January 2565 B.E.
        assert doc.file_name == PDF_NAME and photo.file_name == "photo.jpg"
        [links] = _texts(fake, COORD, seen)
        assert "ลิงก์หลักฐาน" in links and LINK in links and "กำลังดึงไฟล์" not in links

    await _with_answer(engine, db_url, sessions, act)


async def test_the_divisions_own_people_get_it_from_the_division_view(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    async def act(fake: FakeTelegram, app: App, sessions: Sessions, round_id: int) -> None:
        _, fin = await _ids(sessions, 1, "FIN")
        [report] = await _reports(sessions)
        for user in (HEAD, MEMBER):
            phone = Phone(fake, user)
            phone.send("/summary")
            summary = await phone.expect("สรุปผลการรายงาน")
            phone.press(summary, encode("sd", round_id, fin))
            screen = await phone.expect("สำนักคลัง")
            assert ("📎 หลักฐาน ข้อ 1", encode("ev", report.id)) in screen.buttons()
            seen = fake.sent_count(user)
            await _press_evidence(fake, app, phone, screen, encode("ev", report.id))
            sent = _files(fake, user, seen)
            assert [m.kind for m in sent] == ["photo", "document"]
            assert sent[1].file_bytes == PDF

    await _with_answer(engine, db_url, sessions, act)


async def test_another_divisions_head_gets_the_refusal_and_no_file(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    async def act(fake: FakeTelegram, app: App, sessions: Sessions, round_id: int) -> None:
        [report] = await _reports(sessions)
        other = Phone(fake, OTHER)
        other.send("/summary")
        summary = await other.expect("สรุปผลการรายงาน")
        seen = fake.sent_count(OTHER)
        for forged in (encode("ev", report.id), encode("ev", report.id + 1000)):
            qid = other.press(summary, forged, strict=False)
            answered = await fake.wait_for_answer(qid)
            assert answered.get("show_alert") and "ไม่มีสิทธิ์" in answered["text"]
        await _senders_drained(app)
        assert _files(fake, OTHER, seen) == []
        assert not any(PDF_NAME in text or LINK in text for text in _texts(fake, OTHER, 0))
        # The same press by the coordinator is served: the refusal is the division rule.
        coord = Phone(fake, COORD)
        coord.send("/summary")
        anchor = await coord.expect("สรุปผลการรายงาน")
        mark = fake.sent_count(COORD)
        coord.press(anchor, encode("ev", report.id), strict=False)
        await fake.wait_for_message(COORD, lambda m: m.kind == "document", after=mark)

    await _with_answer(engine, db_url, sessions, act)


async def test_files_still_being_fetched_are_marked_and_named(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    async def act(fake: FakeTelegram, app: App, sessions: Sessions, round_id: int) -> None:
        m1, _ = await _ids(sessions, 1, "FIN")
        [report] = await _reports(sessions)
        assert {e.fetch_state for e in report.evidence if e.kind != "link"} == {"pending"}
        coord = Phone(fake, COORD)
        screen = await _measure_screen(coord, round_id, m1)
        assert f"{PDF_NAME} ⏳ (กำลังดึงไฟล์)" in (screen.text or "")
        seen = fake.sent_count(COORD)
        await _press_evidence(fake, app, coord, screen, encode("ev", report.id))
        assert _files(fake, COORD, seen) == []
        [note] = _texts(fake, COORD, seen)
        assert "กำลังดึงไฟล์จาก Telegram" in note and "กรุณาลองใหม่ภายหลัง" in note
        assert PDF_NAME in note and "photo.jpg" in note and LINK in note
        # Once archived, the same button brings the files and the mark is gone.
        fake.fail_downloads(0)
        app.bot_data[CLOCK].now += timedelta(hours=2)
        await _runner(app).run()
        screen = await _measure_screen(coord, round_id, m1)
        assert "⏳" not in (screen.text or "")
        seen = fake.sent_count(COORD)
        await _press_evidence(fake, app, coord, screen, encode("ev", report.id))
        assert [m.kind for m in _files(fake, COORD, seen)] == ["photo", "document"]

    await _with_answer(engine, db_url, sessions, act, archive=False)


async def test_a_lost_file_is_named_as_unavailable(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    async def act(fake: FakeTelegram, app: App, sessions: Sessions, round_id: int) -> None:
        m1, _ = await _ids(sessions, 1, "FIN")
        [report] = await _reports(sessions)
        pdf = next(e for e in report.evidence if e.kind == "document")
        async with sessions() as s, s.begin():
            await s.execute(
                update(Evidence)
                .where(Evidence.id == pdf.id)
                .values(fetch_state="lost", sha256=None)
            )
        coord = Phone(fake, COORD)
        screen = await _measure_screen(coord, round_id, m1)
        assert f"{PDF_NAME} (ไฟล์สูญหาย)" in (screen.text or "")
        seen = fake.sent_count(COORD)
        await _press_evidence(fake, app, coord, screen, encode("ev", report.id))
        assert [m.kind for m in _files(fake, COORD, seen)] == ["photo"]
        [note] = _texts(fake, COORD, seen)
        assert "ไม่สามารถเรียกคืนได้" in note and PDF_NAME in note

    await _with_answer(engine, db_url, sessions, act)


async def test_one_request_at_a_time_per_person_and_others_are_not_held(
    engine: AsyncEngine, db_url: str, sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = asyncio.Event()
    real = evidence_handler.deliver

    async def held(*args: Any, **kwargs: Any) -> None:
        # Bounded, so that uploads run on the update path fail the test instead of hanging it.
        await asyncio.wait_for(release.wait(), timeout=30)
        await real(*args, **kwargs)

    async def act(fake: FakeTelegram, app: App, sessions: Sessions, round_id: int) -> None:
        m1, _ = await _ids(sessions, 1, "FIN")
        [report] = await _reports(sessions)
        monkeypatch.setattr(evidence_handler, "deliver", held)
        coord = Phone(fake, COORD)
        screen = await _measure_screen(coord, round_id, m1)
        press = encode("ev", report.id)
        first = await fake.wait_for_answer(coord.press(screen, press))
        assert not first.get("show_alert")
        second = await fake.wait_for_answer(coord.press(screen, press))
        assert second.get("show_alert") and "กำลังส่งไฟล์หลักฐานที่ท่านขอไว้" in second["text"]
        # Meanwhile the bot answers everyone else.
        head = Phone(fake, HEAD)
        head.send("/summary")
        await head.expect("สรุปผลการรายงาน")
        release.set()
        await _senders_drained(app)
        assert [m.kind for m in _files(fake, COORD, 0)] == ["photo", "document"]

    await _with_answer(engine, db_url, sessions, act)


async def test_a_stored_file_is_uploaded_from_the_archive_not_from_telegram(
    engine: AsyncEngine, db_url: str, sessions: Sessions, evidence_dir: Path
) -> None:
    """The archive is the source: changed bytes on disk are what is sent (no old file_id)."""

    async def act(fake: FakeTelegram, app: App, sessions: Sessions, round_id: int) -> None:
        [report] = await _reports(sessions)
        async with sessions() as s:
            sha = await s.scalar(
                select(Evidence.sha256).where(
                    Evidence.report_id == report.id, Evidence.kind == "document"
                )
            )
        BlobStore(evidence_dir).path_of(sha or "").write_bytes(b"%PDF-1.4 from the archive")
        coord = Phone(fake, COORD)
        coord.send("/summary")
        anchor = await coord.expect("สรุปผลการรายงาน")
        seen = fake.sent_count(COORD)
        await _press_evidence(fake, app, coord, anchor, encode("ev", report.id), strict=False)
        doc = next(m for m in _files(fake, COORD, seen) if m.kind == "document")
        assert doc.file_bytes == b"%PDF-1.4 from the archive"

    await _with_answer(engine, db_url, sessions, act)
