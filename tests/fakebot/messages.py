"""The bot's messages: send, edit, delete, answer button presses, files; and reading them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from .objects import (
    JSON,
    MAX_CAPTION,
    MAX_DOWNLOAD,
    MAX_TEXT,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    FileTuple,
    Kind,
    SentMessage,
    StoredFile,
    bad_request,
    check_markup,
    parse_html,
    utf16_len,
)
from .state import FakeState


class Messages(FakeState):
    """What the bot sends and changes in chats, as Telegram would check and keep it."""

    # ------------------------------------------------------------------ reading
    def messages(self, chat_id: int) -> list[SentMessage]:
        """All messages the bot sent to a chat (deleted ones flagged), oldest first."""
        return list(self._sent.get(chat_id, []))

    def last_message(self, chat_id: int) -> SentMessage:
        """The newest non-deleted bot message in the chat (LookupError if none)."""
        for msg in reversed(self._sent.get(chat_id, [])):
            if not msg.deleted:
                return msg
        raise LookupError(f"bot sent nothing to chat {chat_id}")

    def sent_count(self, chat_id: int) -> int:
        """How many messages the bot sent to the chat (edits not counted)."""
        return len(self._sent.get(chat_id, []))

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Callable[[SentMessage], Any] | None = None,
        timeout: float = 20,  # noqa: ASYNC109
        *,
        after: int = 0,
    ) -> SentMessage:
        """Wait until a non-deleted bot message in the chat matches; return the newest match.

        `after` skips the chat's first messages (pass `sent_count(chat)` taken before acting,
        so that an older message cannot satisfy the wait).
        """

        def found() -> list[SentMessage]:
            msgs = self._sent.get(chat_id, [])[after:]
            return [m for m in msgs if not m.deleted and (predicate is None or predicate(m))]

        async with asyncio.timeout(timeout), self._msg_cond:
            await self._msg_cond.wait_for(found)
        return found()[-1]

    async def wait_for_answer(self, query_id: str, timeout: float = 20) -> JSON:  # noqa: ASYNC109
        """Wait until the bot answered a callback query; return what it answered."""
        async with asyncio.timeout(timeout), self._msg_cond:
            await self._msg_cond.wait_for(lambda: query_id in self.callback_answers)
        return self.callback_answers[query_id]

    # ------------------------------------------------------------------ helpers
    def _parse_text(self, p: JSON, key: str, limit: int) -> str:
        text = p.get(key)
        if not isinstance(text, str) or (key == "text" and not text.strip()):
            raise bad_request(f"message {key} is empty")
        plain = parse_html(text) if str(p.get("parse_mode")).upper() == "HTML" else text
        if utf16_len(plain) > limit:
            raise bad_request(
                "message is too long" if key == "text" else "message caption is too long"
            )
        return plain

    def _record(self, p: JSON, kind: Kind, **kw: Any) -> JSON:
        self._chat(p.get("chat_id"))
        check_markup(p.get("reply_markup"))
        chat_id: int = p["chat_id"]
        date = int(self.clock())
        msg = SentMessage(self._next_msg_id(chat_id), chat_id, kind, date, **kw)
        msg.parse_mode, msg.reply_markup = p.get("parse_mode"), p.get("reply_markup")
        self._sent.setdefault(chat_id, []).append(msg)
        self.stats["sent"] += 1
        return self._message_json(msg)

    def _upload(self, p: JSON, files: dict[str, FileTuple], key: str) -> tuple[StoredFile, str]:
        value = p.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            value = files.get(value.removeprefix("attach://"))
        elif value is None:
            value = files.get(key)
        if isinstance(value, tuple):
            name, content, _mime = value
            ext = "." + name.rsplit(".", 1)[-1] if "." in name else ""
            return self._store_file(content, key + "s/file_{n}" + ext), name
        if isinstance(value, str) and value in self._files:
            return self._files[value], value
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return self._store_file(b"", key + "s/file_{n}"), value.rsplit("/", 1)[-1]
        raise bad_request("wrong file identifier/HTTP URL specified")

    # ------------------------------------------------------------------ methods
    async def _m_sendMessage(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        plain = self._parse_text(p, "text", MAX_TEXT)
        return self._record(p, "text", text=plain, raw=p["text"])

    async def _m_sendDocument(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        return self._send_file(p, files, "document")

    async def _m_sendPhoto(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        return self._send_file(p, files, "photo")

    def _send_file(self, p: JSON, files: dict[str, FileTuple], kind: Kind) -> JSON:
        caption = None if p.get("caption") is None else self._parse_text(p, "caption", MAX_CAPTION)
        self._chat(p.get("chat_id"))
        stored, name = self._upload(p, files, kind)
        kw = {"file_id": stored.file_id, "file_name": name, "file_bytes": stored.content}
        return self._record(p, kind, caption=caption, raw=p.get("caption"), **kw)

    def _editable(self, p: JSON) -> SentMessage:
        if "inline_message_id" in p:
            raise bad_request("inline messages are not supported by the fake")
        self._chat(p.get("chat_id"))
        msg = self._find(p.get("chat_id"), p.get("message_id"))
        if msg is None:
            raise bad_request("message to edit not found")
        check_markup(p.get("reply_markup"))
        return msg

    async def _m_editMessageText(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        msg = self._editable(p)
        if msg.kind != "text":
            raise bad_request("there is no text in the message to edit")
        plain = self._parse_text(p, "text", MAX_TEXT)
        new = (p["text"], p.get("parse_mode"), p.get("reply_markup"))
        if new == (msg.raw, msg.parse_mode, msg.reply_markup):
            raise bad_request(NOT_MODIFIED)
        msg.edits.append(msg.text or "")
        msg.text, (msg.raw, msg.parse_mode, msg.reply_markup) = plain, new
        msg.edit_date = int(self.clock())
        return self._message_json(msg)

    async def _m_editMessageReplyMarkup(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        msg = self._editable(p)
        if p.get("reply_markup") == msg.reply_markup:
            raise bad_request(NOT_MODIFIED)
        msg.reply_markup, msg.edit_date = p.get("reply_markup"), int(self.clock())
        return self._message_json(msg)

    async def _m_answerCallbackQuery(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        qid = str(p.get("callback_query_id"))
        if qid not in self._pending_queries:
            raise bad_request(QUERY_TOO_OLD)
        self._pending_queries.discard(qid)
        self.callback_answers[qid] = {k: p.get(k) for k in ("text", "show_alert", "url")}
        async with self._msg_cond:
            self._msg_cond.notify_all()
        return True

    async def _m_getFile(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        stored = self._files.get(str(p.get("file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.file_size > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return stored.as_json() | {"file_path": stored.file_path}

    async def _m_deleteMessage(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        msg = self._find(p.get("chat_id"), p.get("message_id"))
        if msg is None:
            raise bad_request("message to delete not found")
        msg.deleted = True
        return True

    async def _m_sendChatAction(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        self._chat(p.get("chat_id"))
        return True
