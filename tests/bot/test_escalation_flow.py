"""Issue 14's acceptance, escalation: a division silent when the digest goes out is named to
its supervisor once (also across a restart) and to nobody else; one that answered is not.

Through the real Application, the tick and the fake Bot API, on SQLite and PostgreSQL. The
supervisors join with invitations made as the command line makes them (one for FIN and
PALAD, one for ENG); the first nudges FIN from the notice, sees only its divisions in
/summary, and is refused another division's nudge.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.telegram.callbacks import encode
from bot.telegram.delivery import TelegramDelivery
from bot.telegram.ticker import tick_config
from bot.usecases.enrolment import invite_by_operator
from scheduler.tick import tick
from scheduler.workdays import WorkCalendar
from storage.models import Delivery, Division, Round
from storage.oversight import ESCALATION
from tests.bot.harness import App, Clock, bot_settings, core_of, running_bot
from tests.bot.test_answer_flow import Phone, _text
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram, SentMessage
from tests.scheduling import answer_all, bkk

Sessions = async_sessionmaker[AsyncSession]
FIN_HEAD, PALAD_HEAD, ENG_HEAD, COORDINATOR = 6101, 6102, 6103, 6109
DEPUTY, OTHER_DEPUTY = 6201, 6202
TITLE = "หน่วยงานในความกำกับดูแลที่ยังรายงานไม่ครบ"


async def _people(sessions: Sessions, fake: FakeTelegram) -> dict[str, int]:
    await seed_plan(sessions)
    ids = {
        "FIN": await enrol(sessions, FIN_HEAD, "head", "FIN", name="ผอ.สำนักคลัง"),
        "PALAD": await enrol(sessions, PALAD_HEAD, "head", "PALAD", name="หัวหน้าสำนักปลัด"),
        "ENG": await enrol(sessions, ENG_HEAD, "head", "ENG", name="ผอ.กองช่าง"),
    }
    await enrol(sessions, COORDINATOR, "coordinator", name="ผู้ประสานงาน")
    for uid in (FIN_HEAD, PALAD_HEAD, ENG_HEAD, COORDINATOR, DEPUTY, OTHER_DEPUTY):
        fake.add_user(uid)
    return ids


async def _join(fake: FakeTelegram, sessions: Sessions, uid: int, codes: str) -> None:
    made = await invite_by_operator(core_of(sessions), "supervisor", codes, timedelta(days=7))
    fake.send_text(uid, f"/start {made.token}")
    welcome = await Phone(fake, uid).expect("ลงทะเบียนเรียบร้อยแล้ว")
    assert "ผู้กำกับดูแลหน่วยงาน" in _text(welcome)


def _told(fake: FakeTelegram, uid: int) -> list[SentMessage]:
    return [m for m in fake.messages(uid) if TITLE in _text(m)]


async def _division(sessions: Sessions, code: str) -> int:
    async with sessions() as s:
        found = await s.scalar(select(Division.id).where(Division.code == code))
    assert found is not None
    return found


async def test_a_silent_division_is_escalated_once_to_its_supervisor(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    fake = FakeTelegram()
    ids = await _people(sessions, fake)
    deputy, other = Phone(fake, DEPUTY), Phone(fake, OTHER_DEPUTY)
    clock = Clock(bkk(2022, 1, 19, 9, 1))  # January's prompts (meeting 26 Jan 09:30)
    settings = bot_settings(fake, db_url)

    async def run_tick(app: App) -> None:
        # The sender reads the notice by the same clock (the nudge buttons need an open round).
        deliver = TelegramDelivery(app.bot, replace(core_of(sessions, settings.tz), clock=clock))
        await tick(sessions, clock(), deliver, tick_config(settings), WorkCalendar())

    async with running_bot(fake, engine, db_url, clock=clock) as app:
        await _join(fake, sessions, DEPUTY, "FIN,PALAD")
        await _join(fake, sessions, OTHER_DEPUTY, "ENG")
        await run_tick(app)
        await answer_all(sessions, "2565-01", "PALAD", ids["PALAD"])
        await answer_all(sessions, "2565-01", "ENG", ids["ENG"])
        clock.now = bkk(2022, 1, 25, 9, 1)  # the digest's morning
        await run_tick(app)
        notice = await deputy.expect(TITLE, buttons=True)
    text = _text(notice)
    assert "สำนักคลัง" in text and "สำนักปลัดเทศบาล" not in text  # PALAD answered
    assert "แจ้ง ผอ.สำนักคลัง แล้ว เมื่อ" in text  # the prompt of 19 January
    assert "ก่อนการประชุมในวันที่ 26 ม.ค. 2565" in text
    fin, eng = await _division(sessions, "FIN"), await _division(sessions, "ENG")
    async with sessions() as s:
        jan = await s.scalar(select(Round.id).where(Round.key == "2565-01"))
    assert jan is not None
    assert [d for _, d in notice.buttons()] == [encode("nd", jan, fin)]
    # A restart, and ticks after it: still the one notice; the other supervisor got none.
    async with running_bot(fake, engine, db_url, clock=clock) as app:
        await run_tick(app)
        await run_tick(app)
        assert len(_told(fake, DEPUTY)) == 1 and _told(fake, OTHER_DEPUTY) == []
        assert _told(fake, COORDINATOR) == [] and _told(fake, FIN_HEAD) == []
        # The supervisor nudges FIN from the notice; the tick sends it to FIN's head.
        qid = deputy.press(notice, encode("nd", jan, fin))
        assert "บันทึกการแจ้งเตือน" in ((await fake.wait_for_answer(qid)).get("text") or "")
        await run_tick(app)
        await Phone(fake, FIN_HEAD).expect("สำนักคลัง", buttons=True)
        # Another division's nudge, forged, is refused.
        await deputy.alert(notice, encode("nd", jan, eng), "ผู้กำกับดูแล")
        # The supervisor's summary has only the divisions overseen.
        deputy.send("/summary")
        summary = await deputy.expect("สรุปผลการรายงาน", buttons=True)
        opened = {d for _, d in summary.buttons() if d.startswith("sd:")}
        palad = await _division(sessions, "PALAD")
        assert opened == {encode("sd", jan, fin), encode("sd", jan, palad)}
        await deputy.alert(summary, encode("sd", jan, eng), "ไม่มีสิทธิ์")
        other.send("/summary")
        theirs = await other.expect("สรุปผลการรายงาน", buttons=True)
        assert {d for _, d in theirs.buttons() if d.startswith("sd:")} == {encode("sd", jan, eng)}
    async with sessions() as s:
        rows = (await s.scalars(select(Delivery).where(Delivery.kind == ESCALATION))).all()
    assert [(r.chat_id, r.state) for r in rows] == [(DEPUTY, "sent")]


async def test_whoami_and_members_show_what_a_supervisor_oversees(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    fake = FakeTelegram()
    await _people(sessions, fake)
    clock = Clock(bkk(2022, 1, 19, 9, 1))
    async with running_bot(fake, engine, db_url, clock=clock):
        await _join(fake, sessions, DEPUTY, "FIN,PALAD")
        await _join(fake, sessions, OTHER_DEPUTY, "all")
        fake.send_text(DEPUTY, "/whoami")
        mine = _text(await Phone(fake, DEPUTY).expect("หน่วยงานที่ท่านกำกับดูแล"))
        fake.send_text(OTHER_DEPUTY, "/whoami")
        every = _text(await Phone(fake, OTHER_DEPUTY).expect("ข้อมูลของท่าน"))
        fake.send_text(COORDINATOR, "/members")
        listing = _text(await Phone(fake, COORDINATOR).expect("รายชื่อผู้ใช้งาน"))
        fake.send_text(FIN_HEAD, "/whoami")
        head = _text(await Phone(fake, FIN_HEAD).expect("ข้อมูลของท่าน"))
    assert "สำนักคลัง (FIN)" in mine and "(PALAD)" in mine and "(ENG)" not in mine
    assert "ท่านกำกับดูแลทุกหน่วยงาน" in every
    assert "(กำกับดูแล: FIN, PALAD)" in listing or "(กำกับดูแล: PALAD, FIN)" in listing
    assert "(กำกับดูแลทุกหน่วยงาน)" in listing
    assert "กำกับดูแล" not in head  # a head oversees nothing
