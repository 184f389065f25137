"""The fake's state: the bot, its users and chats, stored files, injected faults, rate limits."""

from __future__ import annotations

import asyncio
import itertools
import math
import random
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from .objects import (
    BLOCKED,
    JSON,
    ApiCall,
    ApiError,
    FakeUser,
    FaultKind,
    SentMessage,
    StoredFile,
    bad_request,
    too_many,
)


class FakeState:
    """What the fake Bot API server holds, and the controls a test turns (faults, limits)."""

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        clock: Callable[[], float] = time.time,
        rate_limits: bool = False,
        bot_username: str = "ita_test_bot",
    ) -> None:
        self.token, self.clock, self.rate_limits = token, clock, rate_limits
        bot_id = int(token.split(":")[0])
        self.bot_user: JSON = {"id": bot_id, "is_bot": True, "first_name": "ITA Test Bot"}
        self.bot_user |= {"username": bot_username, "can_join_groups": True}
        self.users: dict[int, FakeUser] = {}
        self.blocked: set[int] = set()
        self.calls: list[ApiCall] = []
        self.callback_answers: dict[str, JSON] = {}
        self.commands: dict[tuple[str, int | None, str], list[JSON]] = {}
        self.menu_buttons: dict[int | None, JSON] = {}
        self.stats: dict[str, int] = {"sent": 0, "429": 0, "5xx": 0, "timeouts": 0, "403": 0}
        self._updates: list[JSON] = []
        # setWebhook's url and secret_token; empty: no webhook (getUpdates works).
        self.webhook: JSON = {}
        # Tests post to a plain-http webhook on 127.0.0.1 (Telegram insists on https).
        self.webhook_plain_http = False
        self._next_update_id = 1
        self._poll_generation = 0
        self._ids = itertools.count(1)
        self._msg_ids: dict[int, itertools.count[int]] = {}
        self._sent: dict[int, list[SentMessage]] = {}
        self._pending_queries: set[str] = set()
        self._files: dict[str, StoredFile] = {}
        self._download_faults = 0
        self._faults: list[tuple[str | None, FaultKind, list[int], int | None, int]] = []
        self._rates: tuple[float, float, random.Random] | None = None
        self._windows: dict[int | str, deque[float]] = {}
        self._update_event = asyncio.Event()
        self._msg_cond = asyncio.Condition()
        # Every Bot API method is an `_m_<name>` of one of the areas the fake joins.
        self._methods: dict[str, tuple[str, Callable[..., Any]]] = {
            n[3:].lower(): (n[3:], getattr(self, n)) for n in dir(self) if n.startswith("_m_")
        }

    # ------------------------------------------------------------------ controls
    def set_rate_limits(self, enabled: bool) -> None:
        """Switch Telegram-like rate limiting on or off."""
        self.rate_limits = enabled

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to the chat answer 403."""
        self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot."""
        self.blocked.discard(user_id)

    def fail_next(
        self,
        method: str | None = None,
        *,
        kind: FaultKind,
        count: int = 1,
        chat_id: int | None = None,
        retry_after: int = 3,
    ) -> None:
        """Make the next `count` matching calls fail; method None matches all but getUpdates."""
        self._faults.append((method, kind, [count], chat_id, retry_after))

    def fault_rates(self, p5xx: float = 0.0, ptimeout: float = 0.0, seed: int = 0) -> None:
        """Random 5xx / undelivered-timeout faults on every call except getUpdates."""
        self._rates = (p5xx, ptimeout, random.Random(seed)) if p5xx or ptimeout else None

    # ------------------------------------------------------------------ users and files
    def add_user(
        self,
        user_id: int,
        first_name: str = "Somchai",
        language_code: str = "th",
        username: str | None = None,
    ) -> FakeUser:
        """Register a user (private chat id == user id)."""
        self.users[user_id] = FakeUser(user_id, first_name, language_code, username)
        return self.users[user_id]

    def _user(self, user_id: int) -> FakeUser:
        return self.users.get(user_id) or self.add_user(user_id)

    def _next_msg_id(self, chat_id: int) -> int:
        return next(self._msg_ids.setdefault(chat_id, itertools.count(1)))

    def _store_file(self, content: bytes, path: str, size: int | None = None) -> StoredFile:
        n = next(self._ids)
        size = len(content) if size is None else size
        stored = StoredFile(f"FAKE{n:06d}", f"U{n:06d}", content, size, path.format(n=n))
        self._files[stored.file_id] = stored
        return stored

    def fail_downloads(self, count: int) -> None:
        """The next `count` file downloads fail with 502 (getFile itself still answers)."""
        self._download_faults = count

    def take_download_fault(self) -> bool:
        """Whether this download fails (counts one injected fault down)."""
        if self._download_faults <= 0:
            return False
        self._download_faults -= 1
        self.stats["5xx"] += 1
        return True

    def file_bytes(self, file_id: str) -> bytes:
        """What the fake serves for a file id (to compare with what the bot archived)."""
        return self._files[file_id].content

    def file_content(self, token: str, file_path: str) -> bytes | None:
        """Bytes for a download URL path, or None if unknown / wrong token."""
        files = self._files.values() if token == self.token else []
        return next((f.content for f in files if f.file_path == file_path), None)

    # ------------------------------------------------------------------ faults and limits
    def _timeout(self, name: str, params: JSON) -> None:
        self.stats["timeouts"] += 1
        self.calls.append(ApiCall(name, params, 0))

    def _take_fault(self, name: str, p: JSON) -> str | ApiError | None:
        kind: str | None = None
        retry_after = 3
        for method, fkind, left, chat_id, retry in self._faults:
            if method != name and (method is not None or name == "getUpdates"):
                continue
            if left[0] > 0 and chat_id in (None, p.get("chat_id")):
                left[0] -= 1
                kind, retry_after = fkind, retry
                break
        self._faults = [r for r in self._faults if r[2][0] > 0]
        if kind is None and self._rates and name != "getUpdates":
            p5xx, ptimeout, rng = self._rates
            roll = rng.random()
            kind = "5xx" if roll < p5xx else "timeout" if roll < p5xx + ptimeout else None
        errors = {"5xx": ApiError(500, "Internal Server Error"), "403": ApiError(403, BLOCKED)}
        return too_many(retry_after) if kind == "429" else errors.get(kind or "", kind)

    def _check_rate(self, chat: Any) -> list[deque[float]]:
        """30/s overall, 1/s per private chat, 20/min per group; edits count too."""
        now = self.clock()
        limits: list[tuple[int | str, float, int]] = [("all", 1.0, 30)]
        if isinstance(chat, int):
            limits.append((chat, 1.0, 1) if chat > 0 else (chat, 60.0, 20))
        for key, window, cap in limits:
            dq = self._windows.setdefault(key, deque())
            while dq and dq[0] <= now - window:
                dq.popleft()
            if len(dq) >= cap:
                raise too_many(max(1, math.ceil(dq[0] + window - now)))
        return [self._windows[key] for key, _, _ in limits]

    # ------------------------------------------------------------------ helpers
    def _chat(self, chat_id: Any) -> JSON:
        if isinstance(chat_id, int) and chat_id < 0:
            return {"id": chat_id, "type": "group", "title": f"Group {chat_id}"}
        if isinstance(chat_id, int) and chat_id in self.users:
            return self.users[chat_id].as_chat()
        raise bad_request("chat not found")

    def _find(self, chat_id: Any, message_id: Any) -> SentMessage | None:
        for m in self._sent.get(chat_id, []):
            if m.message_id == message_id and not m.deleted:
                return m
        return None

    def _message_json(self, msg: SentMessage) -> JSON:
        out: JSON = {"message_id": msg.message_id, "from": self.bot_user, "date": msg.date}
        out["chat"] = self._chat(msg.chat_id)
        if msg.kind == "text":
            out["text"] = msg.text
        elif msg.caption is not None:
            out["caption"] = msg.caption
        f = self._files.get(msg.file_id or "")
        if f and msg.kind == "document":
            out["document"] = f.as_json() | {"file_name": msg.file_name}
        elif f:
            out["photo"] = [f.as_json() | {"width": 800, "height": 600}]
        if msg.reply_markup is not None:
            out["reply_markup"] = msg.reply_markup
        if msg.edit_date is not None:
            out["edit_date"] = msg.edit_date
        return out
