"""Enrolment and roles through the fake Bot API, on SQLite and PostgreSQL.

Joining with a link, refused links, strangers, /invite, /members, /revoke, stale buttons,
per-chat menus and the audit log. Time is controlled by passing `now` to storage.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.telegram.views.people import MAX_BUTTONS
from storage import audit
from storage import invites as inv
from storage.models import AuditEvent, Division, Membership, Person
from storage.people import division_by_code, mark_unreachable
from storage.types import utcnow
from tests.bot.harness import running_bot
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram, SentMessage

Sessions = async_sessionmaker[AsyncSession]
LINK_RE = re.compile(r"https://t\.me/ita_test_bot\?start=([A-Za-z0-9_-]+)")


def has(text: str):  # type: ignore[no-untyped-def]
    """A predicate for wait_for_message: the message text contains `text`."""
    return lambda m: text in (m.text or "")


async def new_invite(
    sessions: Sessions, role: str = "head", code: str | None = "FIN", **kw: object
) -> inv.NewInvite:
    async with sessions() as session, session.begin():
        division = await division_by_code(session, code) if code else None
        return await inv.create_invite(
            session,
            role=role,
            division_id=division.id if division else None,
            created_by_id=None,
            **kw,  # type: ignore[arg-type]
        )


async def actions(sessions: Sessions) -> list[str]:
    """Audit actions, oldest first."""
    async with sessions() as session:
        return [e.action for e in reversed(await audit.recent(session, 1000))]


async def count(sessions: Sessions, model: type) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def commands(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [c["command"] for c in fake.commands_for("chat", chat_id)]


async def test_head_joins_and_a_second_person_is_refused(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    made = await new_invite(sessions)
    fake = FakeTelegram()
    fake.add_user(1001, first_name="สมชาย", username="somchai")
    fake.add_user(1002, first_name="สมหญิง")
    async with running_bot(fake, engine, db_url):
        fake.send_text(1001, f"/start {made.token}")
        welcome = await fake.wait_for_message(1001, has("ลงทะเบียนเรียบร้อยแล้ว"))
        assert "หัวหน้าหน่วยงาน – สำนักคลัง (FIN)" in (welcome.text or "")
        fake.send_text(1001, "/whoami")
        me = await fake.wait_for_message(1001, has("ข้อมูลของท่าน"))
        assert "สำนักคลัง" in (me.text or "") and "สมชาย" in (me.text or "")

        fake.send_text(1002, f"/start {made.token}")
        await fake.wait_for_message(1002, has("ถูกใช้ลงทะเบียนไปแล้ว"))
        fake.send_text(1002, "/whoami")
        reply = await fake.wait_for_message(1002, has("ลิงก์เชิญจากผู้ประสานงาน"))
        assert "สำนักคลัง" not in (reply.text or "")

    assert commands(fake, 1001) == [
        "start",
        "help",
        "whoami",
        "report",
        "cancel",
        "away",
        "summary",
        "history",
        "export",
        "language",
        "privacy",
        "mydata",
    ]
    assert commands(fake, 1002) == []
    async with sessions() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == 1001))
        assert person is not None and person.username == "somchai" and person.chat_id == 1001
    assert await count(sessions, Person) == 1
    assert await actions(sessions) == [
        audit.INVITE_CREATED,
        audit.ENROL,
        audit.ENROL_REFUSED,
        audit.STRANGER_REFUSED,
    ]


async def test_expired_revoked_malformed_and_unknown_links_are_refused(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    expired = await new_invite(sessions, now=utcnow() - timedelta(days=8))
    revoked = await new_invite(sessions)
    async with sessions() as session, session.begin():
        await inv.revoke_invite(session, revoked.id, by_person_id=None)
    fake = FakeTelegram()
    cases = [
        (f"/start {expired.token}", "หมดอายุแล้ว"),
        (f"/start {revoked.token}", "ถูกยกเลิกแล้ว"),
        ("/start abc!", "ไม่ถูกต้อง"),
        (f"/start {revoked.token[:-3]}", "ไม่พบลิงก์เชิญนี้"),
        (f"/start {'A' * 40}", "ไม่พบลิงก์เชิญนี้"),
    ]
    async with running_bot(fake, engine, db_url):
        for i, (text, expected) in enumerate(cases):
            user_id = 2001 + i
            fake.send_text(user_id, text)
            reply = await fake.wait_for_message(user_id)
            assert expected in (reply.text or ""), (text, reply.text)
    assert await count(sessions, Person) == 0
    assert await count(sessions, Membership) == 0
    async with sessions() as session:
        refusals = await audit.recent(session, action=audit.ENROL_REFUSED)
    reasons = sorted(e.detail["reason"] for e in refusals)
    assert reasons == ["expired", "malformed", "revoked", "unknown", "unknown"]
    assert {e.actor_telegram_id for e in refusals} == {2001, 2002, 2003, 2004, 2005}


async def test_a_stranger_learns_nothing(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 9, "coordinator", name="Khun Coordinator")
    await enrol(sessions, 1001, "head", "FIN", name="Khun Head")
    async with sessions() as session:
        divisions = list(await session.scalars(select(Division)))
    secrets = {"Khun", "FIN"} | {d.name_th for d in divisions} | {d.name_en for d in divisions}
    fake = FakeTelegram()
    fake.add_user(666, first_name="Mallory", language_code="en")
    # DEFAULT_LANGUAGE=en here, so the check below reads the English text.
    async with running_bot(fake, engine, db_url, default_language="en"):
        for text in ("/start", "/help", "/whoami", "/members", "/invite", "/revoke", "hello"):
            fake.send_text(666, text)
        fake.send_photo(666)
        first = await fake.wait_for_message(666)
        query = fake.press(666, first.message_id, "ivd:1", strict=False)
        fake.send_text(666, "/whoami")
        last = fake.press(666, first.message_id, "ivd:1", strict=False)
        await fake.wait_for_answer(last)  # updates run in order: everything before it ran
    replies = fake.messages(666)
    # One chat reply a day, however much a stranger sends (issue 13, hole 3).
    assert len(replies) == 1
    text = replies[0].text or ""
    assert "invitation link" in text
    assert not any(secret in text for secret in secrets if secret), text
    assert replies[0].reply_markup is None and replies[0].edits == []
    # A pressed button is always answered: its spinner must stop.
    answer = fake.callback_answers[query]
    assert answer["show_alert"] and "invited people only" in (answer["text"] or "")
    assert len(answer["text"] or "") <= 200
    async with sessions() as session:
        rows = await audit.recent(session, 100, audit.STRANGER_REFUSED)
    # One aggregated audit row a day, counting every attempt.
    assert len(rows) == 1 and rows[0].detail["count"] == 11
    assert await count(sessions, Person) == 2


async def test_coordinator_invites_through_the_bot(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 9, "coordinator", name="Coordinator")
    async with sessions() as session:
        fin = await division_by_code(session, "FIN")
    assert fin is not None
    fake = FakeTelegram()
    async with running_bot(fake, engine, db_url):
        fake.send_text(9, "/invite")
        screen = await fake.wait_for_message(9, has("สร้างลิงก์เชิญ"))
        assert ("FIN · สำนักคลัง", f"ivd:{fin.id}") in screen.buttons()
        assert "ไม่มีคำเชิญที่ยังเปิดอยู่" in (screen.text or "")

        # Organization-wide: a coordinator may invite coordinators, not admins.
        fake.press(9, screen.message_id, "ivd:0")
        await fake.wait_for_message(9, lambda m: m.edits and "ivr:0:1" in str(m.buttons()))
        assert [d for _, d in fake.last_message(9).buttons()] == ["ivr:0:1", "ivr:0:4"]
        forged = fake.press(9, screen.message_id, "ivr:0:0", strict=False)
        await fake.wait_for_answer(forged)
        assert "ไม่มีสิทธิ์" in (fake.callback_answers[forged]["text"] or "")

        fake.send_text(9, "/invite")
        screen = await fake.wait_for_message(9, lambda m: m.message_id > screen.message_id)
        fake.press(9, screen.message_id, f"ivd:{fin.id}")
        await fake.wait_for_message(9, lambda m: f"ivr:{fin.id}:2" in str(m.buttons()))
        fake.press(9, screen.message_id, f"ivr:{fin.id}:2")
        created = await fake.wait_for_message(9, has("สร้างลิงก์เชิญแล้ว"))
        match = LINK_RE.search(created.text or "")
        assert match is not None
        token = match.group(1)
        assert f"<code>{token}</code>" in (created.raw or "")

        fake.send_text(1001, f"/start {token}")
        await fake.wait_for_message(1001, has("ลงทะเบียนเรียบร้อยแล้ว"))

        # A second link, withdrawn from the /invite screen before anyone uses it.
        fake.press(9, created.message_id, created.buttons()[0][1])
        await fake.wait_for_message(9, has("ถูกใช้ไปแล้ว"))
        fake.send_text(9, "/invite")
        last = fake.last_message(9).message_id
        screen = await fake.wait_for_message(9, lambda m: m.message_id > last)
        fake.press(9, screen.message_id, f"ivd:{fin.id}")
        await fake.wait_for_message(9, lambda m: f"ivr:{fin.id}:3" in str(m.buttons()))
        fake.press(9, screen.message_id, f"ivr:{fin.id}:3")
        created = await fake.wait_for_message(9, has("บทบาท: ผู้ได้รับมอบหมาย – "))
        second = LINK_RE.search(created.text or "")
        assert second is not None
        fake.send_text(9, "/invite")
        screen = await fake.wait_for_message(9, lambda m: m.message_id > created.message_id)
        revoke_buttons = [d for _, d in screen.buttons() if d.startswith("ivx:")]
        assert len(revoke_buttons) == 1 and "#" in (screen.text or "")
        fake.press(9, screen.message_id, revoke_buttons[0])
        await fake.wait_for_message(9, has("เรียบร้อยแล้ว"))
        fake.send_text(1002, f"/start {second.group(1)}")
        await fake.wait_for_message(1002, has("ถูกยกเลิกแล้ว"))

    log = await actions(sessions)
    assert log.count(audit.INVITE_CREATED) == 2
    assert log.count(audit.INVITE_REVOKED) == 1
    assert log.count(audit.ACTION_REFUSED) == 1
    async with sessions() as session:
        refused = await audit.recent(session, action=audit.ACTION_REFUSED)
        assert refused[0].detail == {"action": "ivr:admin", "reason": "not_allowed"}


async def test_revoked_people_pressing_old_buttons_are_refused(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 8, "admin", name="Admin")
    await enrol(sessions, 9, "coordinator", name="Leaving Coordinator")
    await enrol(sessions, 7, "coordinator", name="Acting")
    await enrol(sessions, 7, "head", "FIN")
    fake = FakeTelegram()
    async with running_bot(fake, engine, db_url):
        for uid in (9, 7):
            fake.send_text(uid, "/invite")
            await fake.wait_for_message(uid, has("สร้างลิงก์เชิญ"))
        old_9, old_7 = fake.last_message(9), fake.last_message(7)

        fake.send_text(8, "/revoke")
        listing = await fake.wait_for_message(8, has("ถอนสิทธิ์ผู้ใช้งาน"))
        labels = dict(listing.buttons())
        assert not any("Admin" in label for label in labels)  # never one's own roles
        target_9 = next(d for label, d in labels.items() if label.startswith("Leaving"))
        target_7 = next(
            d for label, d in labels.items() if label.startswith("Acting") and "ผู้ประสานงาน" in label
        )
        for target in (target_9, target_7):
            fake.press(8, listing.message_id, target)
            confirm = await fake.wait_for_message(8, has("กรุณายืนยันการถอนสิทธิ์"))
            fake.press(8, confirm.message_id, "rvy:" + target.split(":")[1])
            await fake.wait_for_message(8, has("เรียบร้อยแล้ว"))
            listing = fake.last_message(8)
        await fake.wait_for_message(9, has("ถูกถอนแล้ว"))

        # Fully revoked: the gate treats them as a stranger.
        q9 = fake.press(9, old_9.message_id, old_9.buttons()[0][1])
        # Still a head, no longer a coordinator: the handler refuses.
        q7 = fake.press(7, old_7.message_id, old_7.buttons()[0][1])
        await fake.wait_for_answer(q9)
        await fake.wait_for_answer(q7)
        # An old revoke confirmation pressed again after the role is gone.
        q8 = fake.press(8, listing.message_id, "rvy:" + target_9.split(":")[1], strict=False)
        await fake.wait_for_answer(q8)

    assert "ผู้ที่ได้รับเชิญ" in (fake.callback_answers[q9]["text"] or "")
    assert "ไม่มีสิทธิ์" in (fake.callback_answers[q7]["text"] or "")
    assert "ถูกถอนไปก่อนแล้ว" in (fake.callback_answers[q8]["text"] or "")
    assert old_9.edits == [] and old_7.edits == []
    assert commands(fake, 9) == []
    assert "report" in commands(fake, 7) and "invite" not in commands(fake, 7)
    log = await actions(sessions)
    assert log.count(audit.MEMBERSHIP_REVOKED) == 2
    assert log.count(audit.STRANGER_REFUSED) == 1
    assert log.count(audit.ACTION_REFUSED) == 2


async def test_revoke_pages_through_a_long_list(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 8, "admin", name="Admin")
    for n in range(MAX_BUTTONS + 3):
        await enrol(sessions, 2000 + n, "member", "FIN", name=f"Member {n:02d}")
    fake = FakeTelegram()
    async with running_bot(fake, engine, db_url):
        fake.send_text(8, "/revoke")
        listing = await fake.wait_for_message(8, has("ถอนสิทธิ์ผู้ใช้งาน"))
        assert f"1–{MAX_BUTTONS} จากทั้งหมด {MAX_BUTTONS + 3}" in (listing.text or "")
        assert listing.buttons()[-1] == ("หน้าถัดไป »", "rvp:1")
        fake.press(8, listing.message_id, "rvp:1")
        rest = await fake.wait_for_message(8, has(f"{MAX_BUTTONS + 1}–{MAX_BUTTONS + 3}"))
        assert rest.message_id == listing.message_id  # the same message, edited
        assert [d for _, d in rest.buttons()][-1] == "rvp:0"
        assert sum(d.startswith("rv:") for _, d in rest.buttons()) == 3
        # Someone who may not manage people cannot page either (checked on the server).
        fake.send_text(2000, "/whoami")
        mine = await fake.wait_for_message(2000, has("ผู้ได้รับมอบหมาย"))
        q = fake.press(2000, mine.message_id, "rvp:0", strict=False)
        await fake.wait_for_answer(q)
    assert "ไม่มีสิทธิ์" in (fake.callback_answers[q]["text"] or "")


async def test_members_shows_everyone_unreachable_and_unjoined(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 9, "coordinator", name="Coordinator")
    head = await enrol(sessions, 1001, "head", "FIN", name="A<B & Co")
    await enrol(sessions, 1002, "member", "ENG", name="Member")
    async with sessions() as session, session.begin():
        await mark_unreachable(session, head, utcnow())
    fake = FakeTelegram()
    async with running_bot(fake, engine, db_url):
        fake.send_text(9, "/members")
        listing = await fake.wait_for_message(9, has("รายชื่อผู้ใช้งาน"))
        fake.send_text(1002, "/members")
        await fake.wait_for_message(1002, has("ไม่มีสิทธิ์"))
    text = listing.text or ""
    assert listing.parse_mode == "HTML"
    assert "A<B & Co – หัวหน้าหน่วยงาน ⚠️ ติดต่อไม่ได้ตั้งแต่" in text
    unjoined = text.split("หน่วยงานที่ยังไม่มีผู้ลงทะเบียน")[1]
    assert "กองยุทธศาสตร์และงบประมาณ (STRAT)" in unjoined
    assert "สำนักคลัง" not in unjoined and "สำนักการช่าง" not in unjoined
    assert "ผู้ประสานงาน" in text
    async with sessions() as session:
        refused = await audit.recent(session, action=audit.ACTION_REFUSED)
    assert refused[0].detail["action"] == "members"


async def test_writing_again_makes_a_person_reachable(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    head = await enrol(sessions, 1001, "head", "FIN")
    async with sessions() as session, session.begin():
        await mark_unreachable(session, head, utcnow())
    fake = FakeTelegram()
    async with running_bot(fake, engine, db_url):
        fake.send_text(1001, "/start")
        greeting = await fake.wait_for_message(1001, has("บทบาทของท่าน"))
    assert "สำนักคลัง" in (greeting.text or "")
    assert "report" in commands(fake, 1001)  # plain /start re-sets the menu
    async with sessions() as session:
        person = await session.get(Person, head)
        assert person is not None and person.unreachable_since is None


async def test_acting_head_gains_a_second_division_and_coordinator_menu(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    first = await new_invite(sessions, "head", "FIN")
    acting = await new_invite(sessions, "head", "ENG")
    coordinator = await new_invite(sessions, "coordinator", None)
    fake = FakeTelegram()
    async with running_bot(fake, engine, db_url):
        for sent, made in enumerate((first, acting, coordinator), start=1):
            fake.send_text(1001, f"/start {made.token}")
            # The first enrolment also sends the personal data notice: one message more.
            await fake.wait_for_message(1001, lambda m, n=sent: fake.sent_count(1001) == n + 1)
        notices = [m for m in fake.messages(1001) if "ข้อมูลส่วนบุคคล" in (m.text or "")]
        assert len(notices) == 1  # shown once, at the first enrolment only
        fake.send_text(1001, "/whoami")
        me = await fake.wait_for_message(1001, has("ข้อมูลของท่าน"))
    assert "สำนักคลัง" in (me.text or "") and "สำนักการช่าง" in (me.text or "")
    assert commands(fake, 1001) == [
        "start",
        "help",
        "whoami",
        "report",
        "cancel",
        "away",
        "summary",
        "missing",
        "history",
        "export",
        "review",
        "meetings",
        "members",
        "invite",
        "revoke",
        "language",
        "privacy",
        "mydata",
    ]
    assert await count(sessions, Membership) == 3


async def test_invitation_links_work_only_in_a_private_chat(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    made = await new_invite(sessions)
    fake = FakeTelegram()
    user = fake.add_user(1001)
    group = {"id": -100123, "type": "group", "title": "Heads"}
    text = f"/start {made.token}"
    entity = {"type": "bot_command", "offset": 0, "length": 6}
    async with running_bot(fake, engine, db_url):
        fake.send_raw_update(
            {
                "message": {
                    "message_id": 1,
                    "from": user.as_user(),
                    "chat": group,
                    "date": 1_700_000_000,
                    "text": text,
                    "entities": [entity],
                }
            }
        )
        reply: SentMessage = await fake.wait_for_message(-100123)
    assert "แชตส่วนตัว" in (reply.text or "")
    assert await count(sessions, Person) == 0
    assert await count(sessions, AuditEvent) == 2  # the invitation, and the refusal


async def test_commands_in_a_group_are_pointed_to_the_private_chat(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 9, "coordinator", name="ผู้ประสานงาน")
    fake = FakeTelegram()
    user = fake.add_user(9)
    group = {"id": -100777, "type": "supergroup", "title": "Heads"}

    def in_group(text: str, message_id: int) -> None:
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        fake.send_raw_update(
            {
                "message": {
                    "message_id": message_id,
                    "from": user.as_user(),
                    "chat": group,
                    "date": 1_700_000_000,
                    "text": text,
                    **({"entities": entities} if text.startswith("/") else {}),
                }
            }
        )

    async with running_bot(fake, engine, db_url):
        in_group("สวัสดีทุกท่าน", 1)  # ordinary chatter: the bot stays silent
        in_group("/members", 2)
        reply = await fake.wait_for_message(-100777)
    sent = fake.messages(-100777)
    assert len(sent) == 1 and "แชตส่วนตัว" in (reply.text or "")
    assert "ผู้ประสานงาน" not in (reply.text or "")
