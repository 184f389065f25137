"""Sending through a real PTB Bot and the fake Bot API: texts, buttons, faults, no loss."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.telegram.delivery import TelegramDelivery
from bot.telegram.limiter import OutgoingLimiter
from storage.deliveries import deliveries
from storage.models import Person
from storage.people import mark_reachable
from tests.bot.harness import core_of
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram, ManualClock, fake_bot
from tests.scheduling import BKK, CAL, CONFIG, COORDINATOR, HEADS, answer_all, bkk, enrol_everyone

Sessions = async_sessionmaker[AsyncSession]


# PTB 22.2+ warns on each 429 that retry_after will become a timedelta; delivery reads both.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
def clock() -> ManualClock:
    """The fake server's clock (rate-limit windows), advanced by the pacer's sleeps."""
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> FakeTelegram:
    """A fake Bot API that enforces Telegram's limits, knowing every test user."""
    tg = FakeTelegram(clock=clock, rate_limits=True)
    for uid in [*HEADS.values(), COORDINATOR, 3001]:
        tg.add_user(uid)
    return tg


@pytest.fixture
async def bot(fake: FakeTelegram, clock: ManualClock) -> AsyncIterator[Bot]:
    """A real PTB bot talking to the fake through the outgoing limiter on the fake's clock
    (a notice's 429 still reaches the tick)."""

    async def advance(seconds: float) -> None:
        clock.advance(seconds)

    async with fake_bot(fake, OutgoingLimiter(clock=clock, sleep=advance)) as b:
        yield b


def _delivery(bot: Bot, sessions: Sessions, clock: ManualClock) -> TelegramDelivery:
    return TelegramDelivery(bot, core_of(sessions, BKK))


async def _tick(sessions: Sessions, now: dt.datetime, deliver: TelegramDelivery) -> None:
    from scheduler.tick import tick

    await tick(sessions, now, deliver, CONFIG, CAL)


async def test_prompt_names_meeting_and_month_with_buttons(
    sessions: Sessions, fake: FakeTelegram, bot: Bot, clock: ManualClock
) -> None:
    await seed_plan(sessions)
    await enrol_everyone(sessions)
    await enrol(sessions, 3001, "member", "FIN", name="<Somchai & Co>")
    await _tick(sessions, bkk(2022, 1, 19), _delivery(bot, sessions, clock))
    prompt = fake.last_message(HEADS["FIN"])
    text = prompt.text or ""
    assert "ประชุมหัวหน้าส่วนราชการประจำเดือน" in text
    assert "มกราคม ๒๕๖๕" in text and "๒๖ ม.ค. ๒๕๖๕ เวลา ๐๙.๓๐ น." in text
    assert "สำนักคลัง" in text
    assert "ครับ" not in text and "ค่ะ" not in text
    data = [d for _, d in prompt.buttons()]
    assert len(data) == 4 and all(d.startswith("m:") for d in data)  # measures 1, 3, 5, 6
    # A name with HTML characters is escaped, so the message still parses.
    assert "<Somchai & Co>" in (fake.last_message(3001).text or "")


async def test_quarterly_request_text(
    sessions: Sessions, fake: FakeTelegram, bot: Bot, clock: ManualClock
) -> None:
    await seed_plan(sessions)
    await enrol_everyone(sessions)
    await _tick(sessions, bkk(2022, 1, 4), _delivery(bot, sessions, clock))
    request = fake.last_message(HEADS["STRAT"])
    text = request.text or ""
    assert "ไตรมาสที่ ๑ ปีงบประมาณ ๒๕๖๕" in text
    assert "๑ ต.ค. ๒๕๖๔ – ๓๑ ธ.ค. ๒๕๖๔" in text
    assert "เอกสารผลการประเมิน" in text
    assert len(request.buttons()) == 1
    assert fake.sent_count(HEADS["FIN"]) == 0


async def test_faults_lose_nothing_and_send_nothing_twice(
    sessions: Sessions, fake: FakeTelegram, bot: Bot, clock: ManualClock
) -> None:
    await seed_plan(sessions)
    await enrol_everyone(sessions)
    fake.fail_next("sendMessage", kind="429", count=4, retry_after=7)
    fake.fail_next("sendMessage", kind="5xx", count=2)
    fake.fail_next("sendMessage", kind="timeout", count=2)
    fake.fault_rates(p5xx=0.15, ptimeout=0.1, seed=3)
    blocked = HEADS["HR"]
    fake.block(blocked)
    deliver = _delivery(bot, sessions, clock)
    now = bkk(2022, 1, 19)
    while now < bkk(2022, 1, 26):
        await _tick(sessions, now, deliver)
        now += dt.timedelta(minutes=20)
        clock.advance(1200)
    assert fake.stats["429"] >= 4 and fake.stats["5xx"] >= 2 and fake.stats["timeouts"] >= 2
    assert fake.stats["403"] >= 1
    async with sessions() as session:
        sent = [r for r in await deliveries(session) if r.state == "sent"]
        for chat in [*HEADS.values(), COORDINATOR]:
            # Every message in the chat is exactly one sent delivery: nothing twice.
            ids = sorted(m.message_id for m in fake.messages(chat))
            assert ids == sorted(r.telegram_message_id for r in sent if r.chat_id == chat)
        prompts = await deliveries(session, kind="prompt")
        assert Counter(r.state for r in prompts) == {"sent": len(HEADS) - 1, "pending": 1}
        assert Counter(r.chat_id for r in prompts) == Counter(HEADS.values())
        person = await session.scalar(select(Person).where(Person.telegram_user_id == blocked))
        assert person is not None and person.unreachable_since is not None
    # The digest tells the coordinator who is unreachable.
    digest = next(m for m in fake.messages(COORDINATOR) if "กองการเจ้าหน้าที่" in (m.text or ""))
    assert "ติดต่อไม่ได้" in (digest.text or "")

    # They unblock and write again: the prompt, still relevant, goes out once.
    fake.unblock(blocked)
    fake.fault_rates()
    async with sessions() as session, session.begin():
        await mark_reachable(session, blocked)
    await _tick(sessions, bkk(2022, 1, 25, 15), deliver)
    await _tick(sessions, bkk(2022, 1, 25, 16), deliver)
    async with sessions() as session:
        rows = await deliveries(session, kind="prompt")
        assert Counter(r.state for r in rows) == {"sent": len(HEADS)}


async def test_digest_lists_who_is_missing(
    sessions: Sessions, fake: FakeTelegram, bot: Bot, clock: ManualClock
) -> None:
    await seed_plan(sessions)
    people = await enrol_everyone(sessions)
    deliver = _delivery(bot, sessions, clock)
    await _tick(sessions, bkk(2022, 1, 19), deliver)
    await answer_all(sessions, "2565-01", "FIN", people["FIN"])
    await _tick(sessions, bkk(2022, 1, 25), deliver)
    digest = fake.last_message(COORDINATOR).text or ""
    assert "รายงานครบแล้ว 1 จาก 9 หน่วยงาน" in digest
    assert "✅ สำนักคลัง" in digest
    assert "⏳ กองยุทธศาสตร์และงบประมาณ: ยังไม่รายงานมาตรการที่ 3, 4, 5, 6" in digest


async def test_one_quarter_request_reminder_answer_digest(
    sessions: Sessions, fake: FakeTelegram, bot: Bot, clock: ManualClock
) -> None:
    from storage.models import Evidence, Report

    await seed_plan(sessions)
    people = await enrol_everyone(sessions)
    deliver = _delivery(bot, sessions, clock)
    strat = HEADS["STRAT"]
    await _tick(sessions, bkk(2022, 1, 4), deliver)  # request
    await _tick(sessions, bkk(2022, 1, 11), deliver)  # reminder1 (5 working days later)
    reminder = fake.last_message(strat).text or ""
    assert "ขอเรียนเตือน" in reminder and "ไตรมาสที่ ๑" in reminder
    await answer_all(sessions, "2565-Q1", "STRAT", people["STRAT"])
    async with sessions() as session, session.begin():
        report = (await session.scalars(select(Report).order_by(Report.id.desc()))).first()
        assert report is not None
        session.add(
            Evidence(report_id=report.id, kind="document", file_id="f1", file_name="q1.pdf")
        )
    before = fake.sent_count(strat)
    await _tick(sessions, bkk(2022, 1, 18), deliver)  # reminder2: the division has answered
    assert not any("ไตรมาสที่ ๑" in (m.text or "") for m in fake.messages(strat)[before:])
    await _tick(sessions, bkk(2022, 1, 31), deliver)  # quarterly digest, a day before the close
    digest = next(m.text or "" for m in fake.messages(COORDINATOR) if "ไตรมาสที่ ๑" in (m.text or ""))
    assert "รายงานครบแล้ว 1 จาก 1 หน่วยงาน" in digest
    assert "✅ กองยุทธศาสตร์และงบประมาณ" in digest
