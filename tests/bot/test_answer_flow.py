"""Answering on a phone through the real Application and the fake Bot API, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.telegram.callbacks import encode
from storage.answers import owed_items
from storage.models import AuditEvent, Division, Draft, Measure, Membership, Person, Report
from storage.people import revoke_membership
from tests.bot.harness import Clock, running_bot
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram, SentMessage
from tests.round_factories import make_round

Sessions = async_sessionmaker[AsyncSession]
OPENS = datetime(2022, 1, 19, 2, 0, tzinfo=UTC)
MEETING = datetime(2022, 1, 26, 2, 30, tzinfo=UTC)  # 09:30 in Bangkok
HEAD, MEMBER, OTHER, STRANGER = 3001, 3002, 3003, 3999


async def _setup(sessions: Sessions) -> int:
    await seed_plan(sessions)
    await enrol(sessions, HEAD, "head", "FIN", name="หัวหน้า <คลัง>")
    await enrol(sessions, MEMBER, "member", "FIN", name="ผู้แทน")
    await enrol(sessions, OTHER, "head", "PALAD")
    return await make_round(
        sessions,
        "2565-01",
        opens_at=OPENS,
        closes_at=MEETING,
        items=[(1, "FIN"), (3, "FIN"), (2, "PALAD"), (3, "PALAD")],
    )


class Phone:
    """One person's chat: act, then wait only for what the bot sends afterwards."""

    def __init__(self, fake: FakeTelegram, user: int) -> None:
        self.fake = fake
        self.user = user
        self.seen = 0

    def mark(self) -> None:
        """Ignore everything the bot sent so far."""
        self.seen = self.fake.sent_count(self.user)

    async def expect(self, needle: str = "", *, buttons: bool = False) -> SentMessage:
        """The first new message containing `needle` (and buttons if asked)."""

        def match(m: SentMessage) -> bool:
            return needle in (m.text or "") and (not buttons or bool(m.buttons()))

        msg = await self.fake.wait_for_message(self.user, match, after=self.seen)
        return msg

    def send(self, text: str) -> None:
        self.mark()
        self.fake.send_text(self.user, text)

    def press(self, message: SentMessage, data: str, *, strict: bool = True) -> str:
        self.mark()
        return self.fake.press(self.user, message.message_id, data, strict=strict)

    async def alert(self, message: SentMessage, data: str, needle: str) -> None:
        """Press (possibly forged) data and expect a refusal alert with `needle`."""
        qid = self.press(message, data, strict=False)
        answer = await self.fake.wait_for_answer(qid)
        assert needle in (answer.get("text") or ""), answer


def _button(message: SentMessage, starts: str) -> str:
    for _, data in message.buttons():
        if data.startswith(starts):
            return data
    raise AssertionError(f"no button {starts!r} in {message.buttons()}")


def _text(m: SentMessage) -> str:
    return m.text or ""


async def _ids(sessions: Sessions, seq: int, code: str) -> tuple[int, int]:
    async with sessions() as s:
        measure = await s.scalar(select(Measure.id).where(Measure.seq == seq))
        division = await s.scalar(select(Division.id).where(Division.code == code))
    assert measure is not None and division is not None
    return measure, division


async def _reports(sessions: Sessions) -> list[Report]:
    async with sessions() as s:
        rows = await s.scalars(
            select(Report).order_by(Report.id).options(selectinload(Report.evidence))
        )
        return list(rows)


async def _answer(
    phone: Phone, round_id: int, measure: int, division: int, status: int, text: str
) -> SentMessage:
    """Open a measure, pick a status, write text, confirm; returns the confirmation."""
    phone.send("/report")
    listing = await phone.expect(buttons=True)
    phone.press(listing, encode("m", round_id, measure, division))
    screen = await phone.expect("วิธีดำเนินการ")
    phone.press(screen, encode("st", round_id, measure, division, status))
    await phone.expect("กรุณาพิมพ์สรุป")
    phone.send(text)
    ask = await phone.expect("ยืนยันส่งรายงาน")
    phone.press(ask, _button(ask, "ok:"))
    return await phone.expect("บันทึกรายงาน")


async def test_answer_with_photo_link_edit_and_late(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    round_id = await _setup(sessions)
    m1, fin = await _ids(sessions, 1, "FIN")
    m3, _ = await _ids(sessions, 3, "FIN")
    clock = Clock(OPENS + timedelta(days=1))
    fake = FakeTelegram()
    for uid in (HEAD, MEMBER, OTHER, STRANGER):
        fake.add_user(uid)
    head, member = Phone(fake, HEAD), Phone(fake, MEMBER)
    async with running_bot(fake, engine, db_url, clock=clock):
        head.send("/report")
        listing = await head.expect(buttons=True)
        assert "0 จาก 2" in _text(listing)
        assert [d for _, d in listing.buttons()] == [
            encode("m", round_id, m1, fin),
            encode("m", round_id, m3, fin),
        ]
        head.press(listing, encode("m", round_id, m1, fin))
        screen = await head.expect("วิธีดำเนินการ")
        assert "จัดทำรายงานผลการใช้จ่ายงบประมาณ" in _text(screen)
        assert "ยังไม่มีรายงานในรอบก่อน" in _text(screen)
        head.press(screen, encode("st", round_id, m1, fin, 0))
        await head.expect("กรุณาพิมพ์สรุป")
        head.send("เผยแพร่รายงาน <ไตรมาส 1> & แผนจัดซื้อ บนเว็บไซต์")
        await head.expect("ยืนยันส่งรายงาน")
        head.mark()
        fake.send_photo(HEAD)
        await head.expect("รับหลักฐานแล้ว (รวม 1")
        head.send("https://www.nakhoncity.org/budget-report")
        ask = await head.expect("หลักฐาน: 2 รายการ")
        assert "<ไตรมาส 1> & แผนจัดซื้อ" in _text(ask)  # escaped on the way out, shown intact
        head.press(ask, _button(ask, "ok:"))
        await head.expect("บันทึกรายงานมาตรการที่ 1")
        remaining = await head.expect("ยังต้องรายงาน")
        assert [d for _, d in remaining.buttons()] == [encode("m", round_id, m3, fin)]

        # The delegate edits the same measure: a new answer supersedes, the first stays.
        await _answer(member, round_id, m1, fin, 1, "ปรับปรุงข้อมูลเพิ่มเติม")

        # After the meeting an answer is still taken, marked late.
        clock.now = MEETING + timedelta(hours=3)
        done = await _answer(head, round_id, m3, fin, 3, "ขาดงบประมาณ")
        assert "ล่าช้า" in _text(done)

    reports = await _reports(sessions)
    assert [(r.measure_id, r.status, r.late) for r in reports] == [
        (m1, "done", False),
        (m1, "in_progress", False),
        (m3, "problem", True),
    ]
    first = reports[0]
    assert first.text == "เผยแพร่รายงาน <ไตรมาส 1> & แผนจัดซื้อ บนเว็บไซต์"
    assert [e.kind for e in first.evidence] == ["photo", "link"]
    assert first.evidence[1].url == "https://www.nakhoncity.org/budget-report"
    async with sessions() as s:
        items = {i.measure_id: i for i in await owed_items(s, round_id, fin)}
        assert items[m1].status == "in_progress" and items[m1].report_id == reports[1].id
        assert (await s.scalar(select(Draft))) is None


async def test_refusals_change_nothing(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    round_id = await _setup(sessions)
    m1, fin = await _ids(sessions, 1, "FIN")
    clock = Clock(OPENS + timedelta(days=1))
    fake = FakeTelegram()
    for uid in (HEAD, OTHER, STRANGER):
        fake.add_user(uid)
    head, other = Phone(fake, HEAD), Phone(fake, OTHER)
    stranger = Phone(fake, STRANGER)
    async with running_bot(fake, engine, db_url, clock=clock):
        head.send("/report")
        listing = await head.expect(buttons=True)
        # Another division's head forges a press on FIN's measure.
        other.send("/report")
        theirs = await other.expect(buttons=True)
        await other.alert(theirs, encode("st", round_id, m1, fin, 0), "ไม่มีสิทธิ์")
        # Forged and truncated data.
        forged = [
            "st:1:2",
            f"m:99:{m1}:{fin}",
            "zz",
            f"st:{round_id}:{m1}:{fin}:9",
            "m:1:1:" + "9" * 60,
        ]
        for data in forged:
            await head.alert(listing, data, "ไม่ถูกต้อง")
        # A stranger pressing a real button learns nothing.
        stranger.send("/start")
        welcome = await stranger.expect()
        assert "สำนักคลัง" not in _text(welcome)
        await stranger.alert(welcome, encode("m", round_id, m1, fin), "ลงทะเบียน")
        # Media with no measure chosen.
        head.mark()
        fake.send_photo(HEAD)
        await head.expect("กรุณาเลือกมาตรการ")
        # Inside a draft: a sticker, an over-long text, an over-size file.
        head.press(listing, encode("m", round_id, m1, fin))
        screen = await head.expect("วิธีดำเนินการ")
        head.press(screen, encode("st", round_id, m1, fin, 2))
        await head.expect("กรุณาพิมพ์สรุป")
        head.mark()
        fake.send_sticker(HEAD)
        await head.expect("รับได้เฉพาะ")
        head.send("ก" * 4000)
        await head.expect("ยาวเกิน")
        head.mark()
        fake.send_document(HEAD, "big.pdf", "application/pdf", file_size=25 * 2**20)
        await head.expect("20 MB")
        # After the late window the round takes nothing.
        clock.now = MEETING + timedelta(days=30)
        await head.alert(listing, encode("m", round_id, m1, fin), "ปิดรับแล้ว")
    assert await _reports(sessions) == []
    async with sessions() as s:
        refused = [e.detail for e in await s.scalars(select(AuditEvent))]
        draft = await s.scalar(select(Draft))
    # Malformed data is refused by the one button router (action "button") before any handler.
    reasons = {d.get("reason") for d in refused if d.get("action") in ("answer", "button")}
    assert {"not_your_division", "malformed", "no_such_item"} <= reasons
    assert draft is not None and draft.text == "" and draft.evidence == []


async def test_back_to_the_list_and_the_cancel_button(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    round_id = await _setup(sessions)
    m1, fin = await _ids(sessions, 1, "FIN")
    clock = Clock(OPENS + timedelta(days=1))
    fake = FakeTelegram()
    fake.add_user(HEAD)
    head = Phone(fake, HEAD)
    async with running_bot(fake, engine, db_url, clock=clock):
        head.send("/report")
        listing = await head.expect(buttons=True)
        head.press(listing, encode("m", round_id, m1, fin))
        screen = await head.expect("วิธีดำเนินการ")
        head.press(screen, encode("ow"))
        again = await head.expect("0 จาก 2", buttons=True)
        assert again.buttons() == listing.buttons()
        head.press(screen, encode("st", round_id, m1, fin, 0))
        ask = await head.expect("กรุณาพิมพ์สรุป")
        assert [d for _, d in ask.buttons()] == [_button(ask, "x:")]  # nothing to confirm yet
        await head.alert(ask, _button(ask, "x:"), "ยกเลิกรายงานที่ยังไม่เสร็จ")
        await head.alert(ask, _button(ask, "x:"), "ไม่อยู่ในขั้นตอน")
    async with sessions() as s:
        assert await s.scalar(select(Draft)) is None


async def test_draft_survives_restart_cancel_and_no_change(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    january = await _setup(sessions)
    m1, fin = await _ids(sessions, 1, "FIN")
    february = await make_round(
        sessions,
        "2565-02",
        opens_at=MEETING + timedelta(days=20),
        closes_at=MEETING + timedelta(days=28),
        items=[(1, "FIN")],
    )
    clock = Clock(OPENS + timedelta(days=1))
    fake = FakeTelegram()
    fake.add_user(HEAD)
    head = Phone(fake, HEAD)
    async with running_bot(fake, engine, db_url, clock=clock):
        head.send("/report")
        listing = await head.expect(buttons=True)
        head.press(listing, encode("m", january, m1, fin))
        screen = await head.expect("วิธีดำเนินการ")
        head.press(screen, encode("st", january, m1, fin, 0))
        await head.expect("กรุณาพิมพ์สรุป")
    # The bot restarts: the draft is in the database, not in memory.
    async with running_bot(fake, engine, db_url, clock=clock):
        head.send("เผยแพร่ข้อมูลครบถ้วนแล้ว")
        ask = await head.expect("ยืนยันส่งรายงาน")
        head.press(ask, _button(ask, "ok:"))
        await head.expect("บันทึกรายงาน")
        # /cancel drops a new draft and an old confirm button is refused afterwards.
        head.send("/report")
        listing = await head.expect(buttons=True)
        head.press(listing, encode("m", january, m1, fin))
        screen = await head.expect("วิธีดำเนินการ")
        head.press(screen, encode("st", january, m1, fin, 1))
        await head.expect("กรุณาพิมพ์สรุป")
        head.send("ร่างที่จะยกเลิก")
        stale = await head.expect("ยืนยันส่งรายงาน")
        head.send("/cancel")
        await head.expect("ยกเลิกรายงาน")
        await head.alert(stale, _button(stale, "ok:"), "ไม่อยู่ในขั้นตอน")

        # Next month: "no change" copies January's answer forward after a confirmation.
        clock.now = MEETING + timedelta(days=21)
        head.send("/report")
        listing = await head.expect(buttons=True)
        assert "รอบรายงานประจำเดือนกุมภาพันธ์ ๒๕๖๕" in _text(listing)
        head.press(listing, encode("m", february, m1, fin))
        screen = await head.expect("รายงานรอบก่อน")
        assert "เผยแพร่ข้อมูลครบถ้วนแล้ว" in _text(screen)
        head.press(screen, encode("nc", february, m1, fin))
        carry = await head.expect("ไม่มีความเปลี่ยนแปลง")
        head.press(carry, _button(carry, "ok:"))
        await head.expect("บันทึกรายงานมาตรการที่ 1")
    reports = await _reports(sessions)
    assert [(r.round_id, r.status, r.text) for r in reports] == [
        (january, "done", "เผยแพร่ข้อมูลครบถ้วนแล้ว"),
        (february, "done", "เผยแพร่ข้อมูลครบถ้วนแล้ว"),
    ]
    assert reports[1].carried_from_id == reports[0].id


async def test_unfinished_answer_is_not_thrown_away_and_late_fix_does_not_count(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    round_id = await _setup(sessions)
    m1, fin = await _ids(sessions, 1, "FIN")
    m3, _ = await _ids(sessions, 3, "FIN")
    clock = Clock(OPENS + timedelta(days=1))
    fake = FakeTelegram()
    fake.add_user(HEAD)
    head = Phone(fake, HEAD)
    async with running_bot(fake, engine, db_url, clock=clock):
        head.send("/report")
        listing = await head.expect(buttons=True)
        head.press(listing, encode("m", round_id, m1, fin))
        screen = await head.expect("วิธีดำเนินการ")
        head.press(screen, encode("st", round_id, m1, fin, 0))
        await head.expect("กรุณาพิมพ์สรุป")
        head.send("ข้อความที่พิมพ์ไว้แล้ว")
        await head.expect("ยืนยันส่งรายงาน")
        # Opening another measure and pressing a status must not discard what was written.
        head.press(listing, encode("m", round_id, m3, fin))
        other = await head.expect("วิธีดำเนินการ")
        head.press(other, encode("st", round_id, m3, fin, 1))
        blocked = await head.expect("ยังไม่เสร็จ")
        assert "ข้อความที่พิมพ์ไว้แล้ว" in _text(blocked)
        head.press(blocked, _button(blocked, "ok:"))
        await head.expect("บันทึกรายงานมาตรการที่ 1")

        # After the meeting the head fixes a typo: kept, marked late, but the meeting's answer
        # (the one confirmed before it) still counts.
        clock.now = MEETING + timedelta(hours=1)
        await _answer(head, round_id, m1, fin, 3, "แก้ไขหลังประชุม")

        # A draft left open past the late window is dropped with a notice, never stuck.
        head.send("/report")
        listing = await head.expect(buttons=True)
        head.press(listing, encode("m", round_id, m3, fin))
        screen = await head.expect("วิธีดำเนินการ")
        head.press(screen, encode("st", round_id, m3, fin, 1))
        await head.expect("กรุณาพิมพ์สรุป")
        clock.now = MEETING + timedelta(days=30)
        head.send("ส่งหลังปิดรอบ")
        await head.expect("ถูกยกเลิกแล้ว")
    async with sessions() as s:
        items = {i.measure_id: i for i in await owed_items(s, round_id, fin)}
        assert await s.scalar(select(Draft)) is None
    assert items[m1].status == "done" and not items[m1].late
    reports = await _reports(sessions)
    assert [(r.measure_id, r.status, r.late) for r in reports] == [
        (m1, "done", False),
        (m1, "problem", True),
    ]


async def test_who_lost_the_division_role_cannot_confirm_the_open_draft(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    round_id = await _setup(sessions)
    m1, fin = await _ids(sessions, 1, "FIN")
    # Still enrolled after the revocation (moved to PALAD), so only the FIN role is gone.
    await enrol(sessions, MEMBER, "member", "PALAD")
    clock = Clock(OPENS + timedelta(days=1))
    fake = FakeTelegram()
    fake.add_user(MEMBER)
    member = Phone(fake, MEMBER)
    async with running_bot(fake, engine, db_url, clock=clock):
        member.send("/report")
        listing = await member.expect("สำนักคลัง", buttons=True)
        member.press(listing, encode("m", round_id, m1, fin))
        screen = await member.expect("วิธีดำเนินการ")
        member.press(screen, encode("st", round_id, m1, fin, 0))
        await member.expect("กรุณาพิมพ์สรุป")
        member.send("เผยแพร่แล้ว")
        ask = await member.expect("ยืนยันส่งรายงาน")
        async with sessions() as s, s.begin():
            person = await s.scalar(select(Person.id).where(Person.telegram_user_id == MEMBER))
            role = await s.scalar(
                select(Membership.id).where(
                    Membership.person_id == person, Membership.division_id == fin
                )
            )
            assert role is not None
            assert await revoke_membership(s, role, by_person_id=None, now=clock.now)
        await member.alert(ask, _button(ask, "ok:"), "ไม่มีสิทธิ์")
        # Asked again, the button still does not store anything.
        await member.alert(ask, _button(ask, "ok:"), "ขออภัย")
    assert await _reports(sessions) == []
