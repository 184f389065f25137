"""The gate fails closed: whatever fails inside it, the update goes no further (hole 2)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import Update

from bot.telegram import gate as gate_module
from bot.telegram.handlers import COMMANDS
from bot.usecases.people import identify
from tests.bot.harness import running_bot
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram, FakeUser

Sessions = async_sessionmaker[AsyncSession]
GROUP = {"id": -100777, "type": "supergroup", "title": "Heads"}


def in_group(fake: FakeTelegram, user: FakeUser, text: str, message_id: int) -> None:
    """The user types `text` in the group chat."""
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    message = {"message_id": message_id, "from": user.as_user(), "chat": GROUP}
    message |= {"date": 1_700_000_000, "text": text, "entities": entities}
    fake.send_raw_update({"message": message})


async def test_members_in_a_group_posts_nothing_when_the_gates_reply_fails(
    engine: AsyncEngine, db_url: str, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 9, "coordinator", name="ผู้ประสานงาน")
    fake = FakeTelegram()
    user = fake.add_user(9)
    async with running_bot(fake, engine, db_url):
        fake.fail_next("sendMessage", kind="5xx", chat_id=-100777)
        in_group(fake, user, "/members", 1)
        fake.send_text(9, "/help")  # updates run in order: when this is answered, /members ran
        await fake.wait_for_message(9)
    assert [m.text for m in fake.messages(-100777)] == []


async def test_members_in_a_group_posts_nothing_when_the_database_fails(
    engine: AsyncEngine, db_url: str, sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 9, "coordinator", name="ผู้ประสานงาน")
    fake = FakeTelegram()
    user = fake.add_user(9)

    async def locked(*_args: Any, **_kw: Any) -> None:
        raise RuntimeError("database is locked")

    async with running_bot(fake, engine, db_url):
        monkeypatch.setattr(gate_module, "record_refusal", locked)
        in_group(fake, user, "/members", 1)
        fake.send_text(9, "/help")
        await fake.wait_for_message(9)
    assert [m.text for m in fake.messages(-100777)] == []


async def test_a_private_command_stops_when_identifying_the_sender_fails(
    engine: AsyncEngine, db_url: str, sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 9, "coordinator", name="ผู้ประสานงาน")
    fake = FakeTelegram()
    fake.add_user(9)
    real, calls = identify, []

    async def broken_once(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database is locked")
        return await real(*args, **kw)

    monkeypatch.setattr(gate_module, "identify", broken_once)
    async with running_bot(fake, engine, db_url):
        fake.send_text(9, "/members")
        fake.send_text(9, "/whoami")
        await fake.wait_for_message(9, lambda m: "ข้อมูลของท่าน" in (m.text or ""))
    texts = [m.text or "" for m in fake.messages(9)]
    # An apology, then the /whoami answer: the failed update reached no handler.
    assert len(texts) == 2 and "ขออภัย" in texts[0] and "ข้อมูลของท่าน" in texts[1]


async def test_no_command_handler_accepts_a_group_message(engine: AsyncEngine, db_url: str) -> None:
    fake = FakeTelegram()
    user = fake.add_user(9).as_user()
    async with running_bot(fake, engine, db_url) as app:
        for command in COMMANDS:
            text = f"/{command}"
            message = {"message_id": 1, "from": user, "chat": GROUP, "text": text}
            message |= {"date": 1_700_000_000}
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
            update = Update.de_json({"update_id": 1, "message": message}, app.bot)
            accepting = [h for h in app.handlers[0] if h.check_update(update)]
            assert accepting == [], command
