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
* The fake is split by Bot API area: `state` (users, chats, files, faults, rate limits),
  `updates` (getUpdates and what users do), `messages` (send, edit, answer, files) and
  `commands` (getMe, command lists, menu button); this module joins them and dispatches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .commands import Commands
from .messages import Messages
from .objects import (
    BLOCKABLE_METHODS,
    BLOCKED,
    JSON,
    SENDING_METHODS,
    ApiCall,
    ApiError,
    FakeTimeout,
    FakeUser,
    FileTuple,
    ManualClock,
    SentMessage,
    buttons,
    normalize,
    parse_html,
)
from .updates import Updates

__all__ = [
    "JSON",
    "ApiCall",
    "ApiError",
    "FakeTelegram",
    "FakeTimeout",
    "FakeUser",
    "FileTuple",
    "ManualClock",
    "SentMessage",
    "buttons",
    "parse_html",
]


class FakeTelegram(Updates, Messages, Commands):
    """Fake Bot API server state: users, updates, bot messages, faults and rate limits."""

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
            p = normalize(params)
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
