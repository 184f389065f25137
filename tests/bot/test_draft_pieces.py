"""Drafts on a phone: a status corrected, starting over, split long texts, albums (holes 5, 8)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.telegram.callbacks import encode
from storage.models import Draft
from tests.bot.harness import Clock, running_bot
from tests.bot.test_answer_flow import HEAD, OPENS, Phone, _button, _ids, _setup
from tests.fakebot import FakeTelegram, SentMessage

Sessions = async_sessionmaker[AsyncSession]


async def _draft(sessions: Sessions) -> Draft:
    async with sessions() as s:
        found = await s.scalar(select(Draft))
    assert found is not None
    return found


async def _open(phone: Phone, round_id: int, measure: int, division: int) -> SentMessage:
    phone.send("/report")
    listing = await phone.expect(buttons=True)
    phone.press(listing, encode("m", round_id, measure, division))
    return await phone.expect("วิธีดำเนินการ")


def _album(fake: FakeTelegram, user: int, group: str, count: int) -> None:
    """The user sends `count` photos as one album (one update each, one media_group_id)."""
    for _ in range(count):
        info = fake._store_file(b"\xff\xd8\xff" + bytes(100), "photos/file_{n}.jpg").as_json()
        photo = [info | {"width": 90, "height": 60}]
        fake._user_message(user, photo=photo, media_group_id=group)


@dataclass
class Writing:
    """A head in the middle of answering FIN's measure 1 (a status chosen, text asked for)."""

    fake: FakeTelegram
    phone: Phone
    screen: SentMessage
    key: tuple[int, int, int]

    def status(self, index: int) -> str:
        """The status button `index` of the measure screen."""
        return encode("st", *self.key, index)


@asynccontextmanager
async def writing(engine: AsyncEngine, db_url: str, sessions: Sessions) -> AsyncIterator[Writing]:
    """Run the bot with HEAD's draft for FIN's measure 1 open at the text step."""
    round_id = await _setup(sessions)
    m1, fin = await _ids(sessions, 1, "FIN")
    fake = FakeTelegram()
    fake.add_user(HEAD)
    phone = Phone(fake, HEAD)
    async with running_bot(fake, engine, db_url, clock=Clock(OPENS + timedelta(days=1))):
        screen = await _open(phone, round_id, m1, fin)
        phone.press(screen, encode("st", round_id, m1, fin, 0))
        await phone.expect("กรุณาพิมพ์สรุป")
        yield Writing(fake, phone, screen, (round_id, m1, fin))


async def test_another_status_keeps_the_text_and_start_over_asks_first(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    async with writing(engine, db_url, sessions) as w:
        phone, screen = w.phone, w.screen
        phone.send("ติดประกาศแล้ว")
        ask = await phone.expect("ยืนยันส่งรายงาน")
        # The slip: the same measure's other status, pressed from the screen above.
        phone.press(screen, w.status(1))
        again = await phone.expect("ติดประกาศแล้ว")
        assert "อยู่ระหว่างดำเนินการ" in (again.text or "")
        # Starting over is its own button, and asks first; "no" keeps everything.
        phone.press(again, _button(again, "ro:"))
        question = await phone.expect("ต้องการล้างข้อความ")
        phone.press(question, _button(question, "dr:"))
        await phone.expect("ติดประกาศแล้ว")
        assert (await _draft(sessions)).text == "ติดประกาศแล้ว"
        phone.press(question, _button(question, "roy:"))
        await phone.expect("กรุณาพิมพ์สรุป")
    draft = await _draft(sessions)
    assert (draft.text, draft.evidence, draft.status) == ("", [], "in_progress")
    assert ask.message_id


async def test_a_split_long_text_is_refused_whole_and_an_album_acknowledged_once(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    async with writing(engine, db_url, sessions) as w:
        fake, phone = w.fake, w.phone
        phone.mark()
        before = fake.sent_count(HEAD)
        # Telegram splits a 5,000-character text into two messages.
        fake.send_text(HEAD, "ก" * 4096)
        fake.send_text(HEAD, "ข" * 904)
        fake.send_text(HEAD, "/help")  # in order: when /help is answered, both parts ran
        await phone.expect("/report")
        texts = [m.text or "" for m in fake.messages(HEAD)[before:]]
        assert sum("ยาวเกิน" in x for x in texts) == 1 and len(texts) == 2, texts
        assert (await _draft(sessions)).text == ""  # the tail was not kept as the answer
        phone.send("สรุปสั้น")
        await phone.expect("ยืนยันส่งรายงาน")
        before = fake.sent_count(HEAD)
        _album(fake, HEAD, "album-1", 4)
        fake.send_text(HEAD, "/help")
        await fake.wait_for_message(HEAD, lambda m: "/report" in (m.text or ""), after=before)
        acks = [m for m in fake.messages(HEAD)[before:] if "หลักฐาน" in (m.text or "")]
    assert len((await _draft(sessions)).evidence) == 4
    assert len(acks) == 2  # one "evidence added" and one draft step, for the whole album


async def test_an_edited_message_replaces_its_words_in_the_draft(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    async with writing(engine, db_url, sessions) as w:
        fake, phone = w.fake, w.phone
        user = fake._user(HEAD)
        phone.mark()
        sent = fake.send_text(HEAD, "ติดประกาศ 3 จุด")
        await phone.expect("ยืนยันส่งรายงาน")
        phone.send("และเผยแพร่ทางเว็บไซต์")
        await phone.expect("เผยแพร่")
        edited = sent["message"] | {"text": "ติดประกาศ 5 จุด", "edit_date": sent["message"]["date"]}
        phone.mark()
        fake.send_raw_update({"edited_message": edited | {"from": user.as_user()}})
        await phone.expect("แก้ไขข้อความ")
    assert (await _draft(sessions)).text == "ติดประกาศ 5 จุด\nและเผยแพร่ทางเว็บไซต์"
