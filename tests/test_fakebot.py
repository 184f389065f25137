"""Tests of the fake Telegram Bot API, driving real PTB objects against it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.fakebot import (
    FakeBotApiServer,
    FakeTelegram,
    ManualClock,
    buttons,
    fake_bot,
    fake_request_pair,
)

USER = 42


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    kb = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "hello <b>x</b>", parse_mode=ParseMode.HTML, reply_markup=kb
    )


async def _pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("done")
    await query.edit_message_text(f"pressed {query.data}")


def _app(builder: Any) -> Application[Any, Any, Any, Any, Any, Any]:
    app = builder.build()
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CallbackQueryHandler(_pressed))
    return app  # type: ignore[no-any-return]


async def _drive(app: Application[Any, Any, Any, Any, Any, Any], fake: FakeTelegram) -> None:
    """Run a /start → button → edit conversation and stop the app cleanly."""
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        fake.send_text(USER, "/start")
        msg = await fake.wait_for_message(USER)
        assert msg.text == "hello x" and msg.raw == "hello <b>x</b>" and msg.parse_mode == "HTML"
        assert buttons(msg) == [("Go", "go")]
        qid = fake.press(USER, msg.message_id, "go")
        edited = await fake.wait_for_message(USER, lambda m: m.edits)
        assert edited.text == "pressed go" and edited.edits == ["hello x"]
        assert edited.reply_markup is None
        assert fake.callback_answers[qid]["text"] == "done"
        assert fake.sent_count(USER) == 1
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def test_flow_in_process() -> None:
    fake = FakeTelegram()
    fake.add_user(USER, "Somchai", username="somchai")
    req, upd = fake_request_pair(fake)
    await _drive(
        _app(ApplicationBuilder().token(fake.token).request(req).get_updates_request(upd)), fake
    )
    assert not fake.pending_updates
    assert {c.method for c in fake.calls} >= {"getMe", "deleteWebhook", "getUpdates"}


async def test_flow_over_http() -> None:
    fake = FakeTelegram()
    fake.add_user(USER)
    async with FakeBotApiServer(fake) as server:
        builder = (
            ApplicationBuilder()
            .token(fake.token)
            .base_url(server.base_url)
            .base_file_url(server.base_file_url)
        )
        await _drive(_app(builder), fake)


def _send(fake: FakeTelegram, chat_id: int, text: str = "hi") -> Any:
    return fake.handle(fake.token, "sendMessage", {"chat_id": str(chat_id), "text": text})


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
async def test_private_chat_rate_limit_429() -> None:
    clock = ManualClock()
    fake = FakeTelegram(clock=clock, rate_limits=True)
    fake.add_user(1)
    assert (await _send(fake, 1))[0] == 200
    clock.advance(0.4)
    status, body = await _send(fake, 1)
    assert status == 429 and body["parameters"]["retry_after"] == 1
    assert body["description"] == "Too Many Requests: retry after 1"
    clock.advance(0.6)
    assert (await _send(fake, 1, " "))[0] == 400  # rejected calls use no budget
    assert (await _send(fake, 1))[0] == 200
    assert fake.stats["429"] == 1 and fake.sent_count(1) == 2
    async with fake_bot(fake) as bot:
        with pytest.raises(RetryAfter):
            await bot.send_message(1, "again")


async def test_global_and_group_rate_limits() -> None:
    clock = ManualClock()
    fake = FakeTelegram(clock=clock)
    fake.set_rate_limits(True)
    for uid in range(1, 32):
        fake.add_user(uid)
    assert [(await _send(fake, uid))[0] for uid in range(1, 31)] == [200] * 30
    assert (await _send(fake, 31))[0] == 429
    clock.advance(1.0)
    assert (await _send(fake, 31))[0] == 200
    for i in range(20):
        clock.advance(1.0)
        assert (await _send(fake, -100, f"g{i}"))[0] == 200
    clock.advance(1.0)
    status, body = await _send(fake, -100)
    assert status == 429 and body["parameters"]["retry_after"] == 40


async def test_block_fail_next_and_bad_requests() -> None:
    fake = FakeTelegram()
    fake.add_user(1)
    async with fake_bot(fake) as bot:
        fake.block(1)
        with pytest.raises(Forbidden, match="blocked by the user"):
            await bot.send_message(1, "x")
        fake.unblock(1)
        fake.fail_next("sendMessage", kind="5xx", count=2)
        for _ in range(2):
            with pytest.raises(NetworkError):
                await bot.send_message(1, "x")
        await bot.send_message(1, "x")
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(1, "ก" * 4097)
        await bot.send_message(1, "<b>" + "ก" * 4096 + "</b>", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(1, "score < 5", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(1, "<b>x</i>", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(999, "x")
        msg = await bot.send_message(
            1,
            "k",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]]),
        )
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_reply_markup(1, msg.message_id, reply_markup=msg.reply_markup)
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_callback_query("123")
        await bot.set_my_commands([BotCommand("start", "เริ่ม")], scope=BotCommandScopeChat(1))
        assert fake.commands_for("chat", 1) == [{"command": "start", "description": "เริ่ม"}]
    assert fake.stats == {"sent": 3, "429": 0, "5xx": 2, "timeouts": 0, "403": 1, "400": 6}
    assert [c.status for c in fake.calls if c.method == "sendMessage"][:4] == [403, 500, 500, 200]
    assert (await fake.handle("1:BAD", "getMe", {}))[0] == 401
    assert (await fake.handle(fake.token, "noSuchMethod", {}))[0] == 404


async def test_get_updates_offset_and_long_poll() -> None:
    fake = FakeTelegram()
    for text in ("a", "b", "c"):
        fake.send_text(7, text)

    async def ids(**params: Any) -> list[int]:
        status, body = await fake.handle(fake.token, "getUpdates", params)
        assert status == 200
        return [u["update_id"] for u in body["result"]]

    assert await ids() == [1, 2, 3]
    assert await ids(offset="2", limit="1") == [2]
    assert await ids() == [2, 3]  # update 1 was confirmed and dropped
    assert await ids(offset=-1) == [3]
    assert await ids(offset=4, timeout=0) == []
    first = asyncio.create_task(fake.handle(fake.token, "getUpdates", {"timeout": 5}))
    await asyncio.sleep(0)  # let the poll start waiting
    poll = asyncio.create_task(ids(timeout=5))
    status, body = await asyncio.wait_for(first, 2)
    assert status == 409 and body["description"].startswith("Conflict: terminated by other")
    update = fake.send_text(7, "/start now")
    assert await asyncio.wait_for(poll, 2) == [4]
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


async def test_timeouts_via_fake_request() -> None:
    fake = FakeTelegram()
    fake.add_user(1)
    async with fake_bot(fake) as bot:
        fake.fail_next(kind="timeout_after_delivery", chat_id=1)
        with pytest.raises(TimedOut):
            await bot.send_message(1, "maybe")
        assert fake.last_message(1).text == "maybe"
        fake.fail_next("sendMessage", kind="timeout")
        with pytest.raises(TimedOut):
            await bot.send_message(1, "lost")
        assert [m.text for m in fake.messages(1)] == ["maybe"]
    assert fake.stats["timeouts"] == 2


async def test_document_roundtrip_over_http() -> None:
    fake = FakeTelegram()
    fake.add_user(1)
    update = fake.send_document(1, "แผน.pdf", "application/pdf", b"%PDF-1.4 fake")
    fake.send_photo(1, caption="evidence")
    async with FakeBotApiServer(fake) as server:
        bot = Bot(fake.token, base_url=server.base_url, base_file_url=server.base_file_url)
        async with bot:
            tg_file = await bot.get_file(update["message"]["document"]["file_id"])
            assert bytes(await tg_file.download_as_bytearray()) == b"%PDF-1.4 fake"
            msg = await bot.send_document(
                1, b"report", filename="r.txt", caption="<i>ok</i>", parse_mode=ParseMode.HTML
            )
            assert msg.document is not None and msg.document.file_size == 6
            photo = fake.pending_updates[1]["message"]["photo"]
            assert [p["file_size"] for p in photo] == sorted(p["file_size"] for p in photo)
            back = await bot.get_file(photo[-1]["file_id"])
            assert len(await back.download_as_bytearray()) == photo[-1]["file_size"]
    sent = fake.last_message(1)
    assert (sent.kind, sent.file_name, sent.file_bytes, sent.caption) == (
        "document",
        "r.txt",
        b"report",
        "ok",
    )


async def test_user_updates_parse_as_ptb_objects() -> None:
    fake = FakeTelegram()
    fake.add_user(5, "Malee", username="malee")
    fake.send_text(5, "/start@ita_test_bot now")
    fake.send_sticker(5)
    fake.send_voice(5)
    fake.send_location(5)
    fake.send_photo(5, caption="หลักฐาน")
    big = fake.send_document(5, "plan.xlsx", "application/vnd.ms-excel", file_size=30_000_000)
    async with fake_bot(fake) as bot:
        kb = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
        sent = await bot.send_message(5, "pick", reply_markup=kb)
        fake.press(5, sent.message_id, "a")
        with pytest.raises(ValueError, match="not a button"):
            fake.press(5, sent.message_id, "zzz")
        fake.send_raw_update({"update_id": 50, "unknown_kind": {}})
        updates = await bot.get_updates()
        with pytest.raises(BadRequest, match=r"(?i)file is too big"):
            await bot.get_file(big["message"]["document"]["file_id"])
        fake.fault_rates(p5xx=1.0, seed=1)
        with pytest.raises(NetworkError):
            await bot.send_chat_action(5, "typing")
        fake.fault_rates()
    assert [u.update_id for u in updates] == [1, 2, 3, 4, 5, 6, 7, 50]
    msgs = [u.message for u in updates[:6]]
    assert all(m is not None and m.chat.type == "private" for m in msgs)
    assert msgs[0] is not None and msgs[0].parse_entities() and msgs[0].chat.username == "malee"
    assert msgs[0].entities[0].length == len("/start@ita_test_bot")
    assert msgs[1] is not None and msgs[1].sticker is not None
    assert msgs[2] is not None and msgs[2].voice is not None
    assert msgs[3] is not None and msgs[3].location is not None
    assert msgs[4] is not None and len(msgs[4].photo) == 3 and msgs[4].caption == "หลักฐาน"
    assert msgs[5] is not None and msgs[5].document is not None
    assert msgs[5].document.file_size == 30_000_000
    query = updates[6].callback_query
    assert query is not None and query.data == "a" and query.message is not None
    assert query.message.message_id == sent.message_id == 7  # ids shared per chat
