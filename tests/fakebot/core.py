"""In-memory fake of the Telegram Bot API: pure state and logic, no I/O.

Semantics worth knowing:
* Rate limits (off by default) apply to SENDING_METHODS, edits included: 30/s overall,
  1/s per private chat (id > 0), 20/min per group (id < 0), sliding windows on `clock()`.
  Only delivered calls use up the budget; a 429 carries an integer retry_after >= 1.
* Order of checks: token (401), method (404), injected fault, block (403), rate limit (429),
  then the method itself (400s). `stats` counts each error status seen ("5xx" for 500s).
* `fail_next(None, ...)` matches every method except getUpdates. "timeout" records nothing;
  "timeout_after_delivery" performs the call, then the client still sees a timeout.
  Both are logged in `calls` with status 0.
* Messages ids are per chat and shared between the user and the bot, like private chats.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import math
import random
import re
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

JSON = dict[str, Any]
FileTuple = tuple[str, bytes, str]
FaultKind = Literal["5xx", "timeout", "timeout_after_delivery", "403", "429"]
Kind = Literal["text", "document", "photo"]


def _words(names: str) -> frozenset[str]:
    return frozenset(names.split())


#: Methods that create or change a message; these are rate limited.
SENDING_METHODS = _words(
    "sendMessage sendDocument sendPhoto editMessageText editMessageReplyMarkup"
)
#: Methods answered with 403 while the target user has blocked the bot.
BLOCKABLE_METHODS = SENDING_METHODS | {"sendChatAction"}
ALLOWED_HTML_TAGS = _words("b strong i em u ins s strike del a code pre span blockquote tg-emoji")
ALLOWED_HTML_TAGS |= {"tg-spoiler"}
MAX_TEXT, MAX_CAPTION, MAX_DOWNLOAD = 4096, 1024, 20 * 1024 * 1024
_JSON_FIELDS = _words(
    "reply_markup entities caption_entities commands scope menu_button link_preview_options "
    "reply_parameters allowed_updates"
)
_INT_FIELDS = _words("chat_id message_id offset limit timeout user_id cache_time message_thread_id")
_BOOL_FIELDS = _words("show_alert disable_notification drop_pending_updates protect_content")
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)\s*>")
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
BLOCKED = "Forbidden: bot was blocked by the user"
CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class FakeTimeout(Exception):
    """Raised by `FakeTelegram.handle` when the client must observe a timeout."""

    def __init__(self, delivered: bool) -> None:
        super().__init__("delivered" if delivered else "not delivered")
        self.delivered = delivered


class ApiError(Exception):
    """An error answer of the Bot API (status, description, optional retry_after)."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after

    def body(self) -> JSON:
        """Telegram's error envelope."""
        out: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out


def _bad(description: str) -> ApiError:
    return ApiError(400, "Bad Request: " + description)


def _too_many(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


class ApiCall(NamedTuple):
    """One logged API call; status 0 means the client saw a timeout."""

    method: str
    params: JSON
    status: int


class ManualClock:
    """A mutable clock for deterministic rate-limit tests: `clock()` returns `now`."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += seconds


@dataclass
class FakeUser:
    """A Telegram user who talks to the bot in a private chat (chat id == user id)."""

    user_id: int
    first_name: str = "Somchai"
    language_code: str = "th"
    username: str | None = None

    def as_chat(self) -> JSON:
        """The private `Chat` object."""
        out: JSON = {"id": self.user_id, "type": "private", "first_name": self.first_name}
        return out | ({"username": self.username} if self.username else {})

    def as_user(self) -> JSON:
        """The `User` object."""
        out = {k: v for k, v in self.as_chat().items() if k != "type"}
        return out | {"is_bot": False, "language_code": self.language_code}


@dataclass
class StoredFile:
    """A file known to the fake (sent by a user or uploaded by the bot)."""

    file_id: str
    file_unique_id: str
    content: bytes
    file_size: int
    file_path: str

    def as_json(self) -> JSON:
        """The common file_id / file_unique_id / file_size fields."""
        return dict(
            file_id=self.file_id, file_unique_id=self.file_unique_id, file_size=self.file_size
        )


@dataclass
class SentMessage:
    """A message the bot sent, with its current state (`text` is entity-parsed, `raw` as sent)."""

    message_id: int
    chat_id: int
    kind: Kind
    date: int
    text: str | None = None
    caption: str | None = None
    raw: str | None = None
    parse_mode: str | None = None
    reply_markup: JSON | None = None
    file_id: str | None = None
    file_name: str | None = None
    file_bytes: bytes | None = None
    edits: list[str] = field(default_factory=list)
    edit_date: int | None = None
    deleted: bool = False

    def buttons(self) -> list[tuple[str, str]]:
        """Flattened inline keyboard as (text, callback_data or url)."""
        return buttons(self)


def buttons(message: SentMessage | JSON | None) -> list[tuple[str, str]]:
    """Flatten an inline keyboard (of a message or a markup dict) to (text, data|url)."""
    markup = message.reply_markup if isinstance(message, SentMessage) else message
    rows = (markup or {}).get("inline_keyboard") or []
    keys = ("callback_data", "url", "switch_inline_query", "copy_text")
    return [(b["text"], str(next((b[k] for k in keys if k in b), ""))) for r in rows for b in r]


_URL_RE = re.compile(r"https?://[^\s<>]+")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """Validate Telegram HTML like the server does and return the plain text."""
    stack: list[str] = []
    plain: list[str] = []
    pos = 0
    while (lt := text.find("<", pos)) != -1:
        plain.append(text[pos:lt])
        m = _TAG_RE.match(text, lt)
        at = f"at byte offset {len(text[:lt].encode())}"
        tag = m.group(2).lower() if m else ""
        if not m or tag not in ALLOWED_HTML_TAGS:
            raise _bad(f'can\'t parse entities: Unsupported start tag "{tag}" {at}')
        if m.group(1):
            if not stack or stack.pop() != tag:
                raise _bad(f"can't parse entities: Can't find end tag \"{tag}\" {at}")
        elif tag == "span" and "tg-spoiler" not in m.group(3):
            raise _bad(f'can\'t parse entities: Tag "span" must have class "tg-spoiler" {at}')
        else:
            stack.append(tag)
        pos = m.end()
    plain.append(text[pos:])
    if stack:
        raise _bad(f"can't parse entities: Can't find end tag for start tag \"{stack[-1]}\"")
    return html.unescape("".join(plain))


def _normalize(params: Mapping[str, Any]) -> JSON:
    """Decode form/JSON-string values into Python values for known fields."""
    out: JSON = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key in _JSON_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError:
                    raise _bad(f"can't parse {key} JSON object") from None
            elif key in _INT_FIELDS and re.fullmatch(r"-?\d+", value):
                value = int(value)
            elif key in _BOOL_FIELDS:
                value = value.lower() in ("true", "1")
        out[key] = value
    return out


def _check_markup(markup: Any) -> None:
    if markup is not None and not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    for row in (markup or {}).get("inline_keyboard") or []:
        for b in row:
            if len(str(b.get("callback_data", "")).encode()) > 64:
                raise _bad("BUTTON_DATA_INVALID")
            if set(b) <= {"text"}:
                raise _bad("can't parse inline keyboard button: Text buttons are unallowed")


class FakeTelegram:
    """Fake Bot API server state: users, updates, bot messages, faults and rate limits."""

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
        self._next_update_id = 1
        self._poll_generation = 0
        self._ids = itertools.count(1)
        self._msg_ids: dict[int, itertools.count[int]] = {}
        self._sent: dict[int, list[SentMessage]] = {}
        self._pending_queries: set[str] = set()
        self._files: dict[str, StoredFile] = {}
        self._faults: list[tuple[str | None, FaultKind, list[int], int | None, int]] = []
        self._rates: tuple[float, float, random.Random] | None = None
        self._windows: dict[int | str, deque[float]] = {}
        self._update_event = asyncio.Event()
        self._msg_cond = asyncio.Condition()
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

    # ------------------------------------------------------------------ users act
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

    def send_raw_update(self, update: JSON) -> JSON:
        """Enqueue a hand-made update (update_id assigned if missing)."""
        update = {"update_id": self._next_update_id} | update
        self._next_update_id = max(self._next_update_id, update["update_id"]) + 1
        self._updates.append(update)
        self._wake_pollers()
        return update

    def _wake_pollers(self) -> None:
        self._update_event.set()
        self._update_event = asyncio.Event()

    def _user_message(self, user_id: int, **content: Any) -> JSON:
        user = self._user(user_id)
        msg = {"message_id": self._next_msg_id(user_id), "from": user.as_user()}
        msg |= {"chat": user.as_chat(), "date": int(self.clock())}
        return self.send_raw_update({"message": msg | content})

    def send_text(self, user_id: int, text: str) -> JSON:
        """The user sends text; like Telegram, mark a leading /command and any http(s) URLs."""
        entities: list[JSON] = []
        if text.startswith("/"):
            cmd = text.split(maxsplit=1)[0]
            entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(cmd)})
        for match in _URL_RE.finditer(text):
            entities.append(
                {
                    "type": "url",
                    "offset": _utf16_len(text[: match.start()]),
                    "length": _utf16_len(match.group()),
                }
            )
        if not entities:
            return self._user_message(user_id, text=text)
        return self._user_message(user_id, text=text, entities=entities)

    def _store_file(self, content: bytes, path: str, size: int | None = None) -> StoredFile:
        n = next(self._ids)
        size = len(content) if size is None else size
        stored = StoredFile(f"FAKE{n:06d}", f"U{n:06d}", content, size, path.format(n=n))
        self._files[stored.file_id] = stored
        return stored

    def send_photo(self, user_id: int, caption: str | None = None, file_size: int = 60_000) -> JSON:
        """The user sends a photo (three PhotoSizes, downloadable via getFile)."""
        sizes = []
        for div, side in ((16, 90), (4, 320), (1, 1280)):
            content = b"\xff\xd8\xff" + bytes(max(file_size // div, 4) - 3)
            info = self._store_file(content, "photos/file_{n}.jpg").as_json()
            sizes.append(info | {"width": side, "height": side * 3 // 4})
        extra = {"caption": caption} if caption is not None else {}
        return self._user_message(user_id, photo=sizes, **extra)

    def send_document(
        self,
        user_id: int,
        file_name: str,
        mime_type: str,
        content: bytes | None = None,
        file_size: int | None = None,
        caption: str | None = None,
    ) -> JSON:
        """The user sends a document; file_size may claim more than the stored content."""
        data = content if content is not None else bytes(min(file_size or 1024, 1 << 20))
        ext = "." + file_name.rsplit(".", 1)[-1] if "." in file_name else ""
        doc = self._store_file(data, "documents/file_{n}" + ext, file_size).as_json()
        doc |= {"file_name": file_name, "mime_type": mime_type}
        extra = {"caption": caption} if caption is not None else {}
        return self._user_message(user_id, document=doc, **extra)

    def send_sticker(self, user_id: int, emoji: str = "👍") -> JSON:
        """The user sends a sticker."""
        st = self._store_file(b"RIFF" + bytes(100), "stickers/file_{n}.webp").as_json()
        st |= {"type": "regular", "width": 512, "height": 512, "emoji": emoji}
        return self._user_message(user_id, sticker=st | {"is_animated": False, "is_video": False})

    def send_voice(self, user_id: int, duration: int = 3) -> JSON:
        """The user sends a voice note."""
        voice = self._store_file(b"OggS" + bytes(500), "voice/file_{n}.oga").as_json()
        return self._user_message(user_id, voice=voice | {"duration": duration})

    def send_location(
        self, user_id: int, latitude: float = 13.75, longitude: float = 100.5
    ) -> JSON:
        """The user shares a location."""
        return self._user_message(user_id, location={"latitude": latitude, "longitude": longitude})

    def press(
        self, user_id: int, message_id: int, callback_data: str, *, strict: bool = True
    ) -> str:
        """The user presses an inline button of a bot message; returns the callback query id."""
        data = callback_data
        msg = self._find(user_id, message_id)
        if msg is None:
            raise LookupError(f"no bot message {message_id} in chat {user_id}")
        if strict and data not in [d for _, d in buttons(msg)]:
            raise ValueError(f"{data!r} is not a button of {buttons(msg)}")
        qid = str(4_000_000_000_000 + next(self._ids))
        self._pending_queries.add(qid)
        query = {"id": qid, "from": self._user(user_id).as_user(), "data": data}
        query |= {"message": self._message_json(msg), "chat_instance": str(user_id * 7919)}
        self.send_raw_update({"callback_query": query})
        return qid

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

    def commands_for(
        self, scope_type: str, chat_id: int | None = None, lang: str = ""
    ) -> list[JSON]:
        """Commands set via setMyCommands for a scope type ("default", "chat", ...)."""
        return self.commands.get((scope_type, chat_id, lang), [])

    def file_content(self, token: str, file_path: str) -> bytes | None:
        """Bytes for a download URL path, or None if unknown / wrong token."""
        files = self._files.values() if token == self.token else []
        return next((f.content for f in files if f.file_path == file_path), None)

    def take_updates(self) -> list[JSON]:
        """Remove and return queued updates (for tests that feed them to the bot directly)."""
        taken, self._updates = self._updates, []
        return taken

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._updates)

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

    # ------------------------------------------------------------------ dispatch
    async def handle(
        self,
        token: str,
        method: str,
        params: Mapping[str, Any],
        files: Mapping[str, FileTuple] | None = None,
    ) -> tuple[int, JSON]:
        """Answer one Bot API call: (HTTP status, JSON envelope); may raise FakeTimeout."""
        entry = self._methods.get(method.lower())
        name, p, fault = entry[0] if entry else method, dict(params), None
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            if entry is None:
                raise ApiError(404, "Not Found")
            p = _normalize(params)
            fault = self._take_fault(name, p)
            if fault == "timeout":
                self._timeout(name, p)
                raise FakeTimeout(delivered=False)
            if isinstance(fault, ApiError):
                raise fault
            if name in BLOCKABLE_METHODS and p.get("chat_id") in self.blocked:
                raise ApiError(403, BLOCKED)
            limited = self.rate_limits and name in SENDING_METHODS
            windows = self._check_rate(p.get("chat_id")) if limited else []
            result = await entry[1](p, dict(files or {}))
            for window in windows:  # only delivered calls use up the budget
                window.append(self.clock())
        except ApiError as err:
            key = "5xx" if err.status >= 500 else str(err.status)
            self.stats[key] = self.stats.get(key, 0) + 1
            self.calls.append(ApiCall(name, p, err.status))
            return err.status, err.body()
        if name in SENDING_METHODS or name == "deleteMessage":
            async with self._msg_cond:
                self._msg_cond.notify_all()
        if fault == "timeout_after_delivery":
            self._timeout(name, p)
            raise FakeTimeout(delivered=True)
        self.calls.append(ApiCall(name, p, 200))
        return 200, {"ok": True, "result": result}

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
        return _too_many(retry_after) if kind == "429" else errors.get(kind or "", kind)

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
                raise _too_many(max(1, math.ceil(dq[0] + window - now)))
        return [self._windows[key] for key, _, _ in limits]

    # ------------------------------------------------------------------ helpers
    def _chat(self, chat_id: Any) -> JSON:
        if isinstance(chat_id, int) and chat_id < 0:
            return {"id": chat_id, "type": "group", "title": f"Group {chat_id}"}
        if isinstance(chat_id, int) and chat_id in self.users:
            return self.users[chat_id].as_chat()
        raise _bad("chat not found")

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

    def _parse_text(self, p: JSON, key: str, limit: int) -> str:
        text = p.get(key)
        if not isinstance(text, str) or (key == "text" and not text.strip()):
            raise _bad(f"message {key} is empty")
        plain = parse_html(text) if str(p.get("parse_mode")).upper() == "HTML" else text
        if _utf16_len(plain) > limit:
            raise _bad("message is too long" if key == "text" else "message caption is too long")
        return plain

    def _record(self, p: JSON, kind: Kind, **kw: Any) -> JSON:
        self._chat(p.get("chat_id"))
        _check_markup(p.get("reply_markup"))
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
        raise _bad("wrong file identifier/HTTP URL specified")

    # ------------------------------------------------------------------ methods
    async def _m_getMe(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        return self.bot_user

    async def _m_getUpdates(self, p: JSON, files: dict[str, FileTuple]) -> list[JSON]:
        offset = int(p.get("offset") or 0)
        if offset < 0:
            self._updates = self._updates[offset:]
        elif offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()  # like Telegram, a newer getUpdates terminates an older one
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(p.get("timeout") or 0)
        while not self._updates and (remaining := deadline - loop.time()) > 0:
            try:
                await asyncio.wait_for(self._update_event.wait(), remaining)
            except TimeoutError:
                break
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT)
        return self._updates[: int(p.get("limit") or 100)]

    async def _m_deleteWebhook(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_getWebhookInfo(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    def _commands_key(self, p: JSON) -> tuple[str, int | None, str]:
        scope = p.get("scope") or {"type": "default"}
        chat = scope.get("chat_id")
        chat = int(chat) if isinstance(chat, str) and chat.lstrip("-").isdigit() else chat
        return scope["type"], chat, p.get("language_code") or ""

    async def _m_setMyCommands(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        cmds = p.get("commands")
        valid = r"[a-z0-9_]{1,32}"
        if not isinstance(cmds, list) or any(not re.fullmatch(valid, c["command"]) for c in cmds):
            raise _bad("BOT_COMMAND_INVALID")
        self.commands[self._commands_key(p)] = cmds
        return True

    async def _m_getMyCommands(self, p: JSON, files: dict[str, FileTuple]) -> list[JSON]:
        return self.commands.get(self._commands_key(p), [])

    async def _m_deleteMyCommands(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

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
            raise _bad("inline messages are not supported by the fake")
        self._chat(p.get("chat_id"))
        msg = self._find(p.get("chat_id"), p.get("message_id"))
        if msg is None:
            raise _bad("message to edit not found")
        _check_markup(p.get("reply_markup"))
        return msg

    async def _m_editMessageText(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        msg = self._editable(p)
        if msg.kind != "text":
            raise _bad("there is no text in the message to edit")
        plain = self._parse_text(p, "text", MAX_TEXT)
        new = (p["text"], p.get("parse_mode"), p.get("reply_markup"))
        if new == (msg.raw, msg.parse_mode, msg.reply_markup):
            raise _bad(NOT_MODIFIED)
        msg.edits.append(msg.text or "")
        msg.text, (msg.raw, msg.parse_mode, msg.reply_markup) = plain, new
        msg.edit_date = int(self.clock())
        return self._message_json(msg)

    async def _m_editMessageReplyMarkup(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        msg = self._editable(p)
        if p.get("reply_markup") == msg.reply_markup:
            raise _bad(NOT_MODIFIED)
        msg.reply_markup, msg.edit_date = p.get("reply_markup"), int(self.clock())
        return self._message_json(msg)

    async def _m_answerCallbackQuery(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        qid = str(p.get("callback_query_id"))
        if qid not in self._pending_queries:
            raise _bad(QUERY_TOO_OLD)
        self._pending_queries.discard(qid)
        self.callback_answers[qid] = {k: p.get(k) for k in ("text", "show_alert", "url")}
        async with self._msg_cond:
            self._msg_cond.notify_all()
        return True

    async def _m_getFile(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        stored = self._files.get(str(p.get("file_id")))
        if stored is None:
            raise _bad("invalid file_id")
        if stored.file_size > MAX_DOWNLOAD:
            raise _bad("file is too big")
        return stored.as_json() | {"file_path": stored.file_path}

    async def _m_deleteMessage(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        msg = self._find(p.get("chat_id"), p.get("message_id"))
        if msg is None:
            raise _bad("message to delete not found")
        msg.deleted = True
        return True

    async def _m_sendChatAction(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        self._chat(p.get("chat_id"))
        return True

    async def _m_setChatMenuButton(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        self.menu_buttons[p.get("chat_id")] = p.get("menu_button") or {"type": "default"}
        return True

    async def _m_getChatMenuButton(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        chat = p.get("chat_id")
        return self.menu_buttons.get(chat) or self.menu_buttons.get(None) or {"type": "default"}
