"""What the fake Bot API speaks: its errors, the objects it keeps, Telegram HTML, parameters."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
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
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
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


def bad_request(description: str) -> ApiError:
    """A 400 answer with Telegram's "Bad Request: " prefix."""
    return ApiError(400, "Bad Request: " + description)


def too_many(retry_after: int) -> ApiError:
    """A 429 answer asking to retry after `retry_after` seconds."""
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


URL_RE = re.compile(r"https?://[^\s<>]+")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
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
            raise bad_request(f'can\'t parse entities: Unsupported start tag "{tag}" {at}')
        if m.group(1):
            if not stack or stack.pop() != tag:
                raise bad_request(f"can't parse entities: Can't find end tag \"{tag}\" {at}")
        elif tag == "span" and "tg-spoiler" not in m.group(3):
            raise bad_request(
                f'can\'t parse entities: Tag "span" must have class "tg-spoiler" {at}'
            )
        else:
            stack.append(tag)
        pos = m.end()
    plain.append(text[pos:])
    if stack:
        raise bad_request(f"can't parse entities: Can't find end tag for start tag \"{stack[-1]}\"")
    return html.unescape("".join(plain))


def normalize(params: Mapping[str, Any]) -> JSON:
    """Decode form/JSON-string values into Python values for known fields."""
    out: JSON = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key in _JSON_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError:
                    raise bad_request(f"can't parse {key} JSON object") from None
            elif key in _INT_FIELDS and re.fullmatch(r"-?\d+", value):
                value = int(value)
            elif key in _BOOL_FIELDS:
                value = value.lower() in ("true", "1")
        out[key] = value
    return out


def check_markup(markup: Any) -> None:
    """Refuse an inline keyboard Telegram would refuse."""
    if markup is not None and not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for row in (markup or {}).get("inline_keyboard") or []:
        for b in row:
            if len(str(b.get("callback_data", "")).encode()) > 64:
                raise bad_request("BUTTON_DATA_INVALID")
            if set(b) <= {"text"}:
                raise bad_request("can't parse inline keyboard button: Text buttons are unallowed")
