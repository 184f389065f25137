"""The one outgoing limiter: every request the bot makes passes here (PTB's rate-limiter hook).

Messages (sends and edits to a chat) wait for their slot in `bot.telegram.pacing`; everything
else (answers to button presses, getFile, getMe) goes straight through. A request says its lane
with `rate_limit_args=Lane.NOTICE` (the tick's deliveries); without it, it is a reply.

A 429 that still comes (another process on the same token, Telegram counting differently) is
counted (`http_429`, for the metrics) and pauses only what it must for its `retry_after`: the
chat it was for; and every message when a second chat is refused within one window (the
bot-wide limit, not one chat's). A reply is then tried again, up to `max_retries` times; a
notice's 429 goes back to the tick, which records when to try again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.telegram import metrics
from bot.telegram.pacing import Chat, Lane, Pacing, Ticket

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]
# The Bot API methods Telegram counts against the message limits (sendChatAction is not).
_PACED_PREFIXES = ("send", "edit", "copy", "forward", "stop")
_UNPACED = frozenset({"sendChatAction"})


def paced(endpoint: str, data: JSONDict) -> bool:
    """Whether a call is a message to a chat, which Telegram's limits count."""
    return (
        data.get("chat_id") is not None
        and endpoint.startswith(_PACED_PREFIXES)
        and endpoint not in _UNPACED
    )


def _chat(value: object) -> Chat:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return str(value)


def retry_seconds(exc: RetryAfter) -> float:
    """`retry_after` in seconds (PTB 22 warns it will become a timedelta; both are read)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        after = exc.retry_after
    return after.total_seconds() if isinstance(after, dt.timedelta) else float(after)


class OutgoingLimiter(BaseRateLimiter[Lane]):
    """Two lanes over Telegram's limits, paced against arrival; 429s counted and contained."""

    def __init__(
        self,
        pacing: Pacing | None = None,
        *,
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.pacing = pacing or Pacing()
        self.max_retries = max_retries
        self._clock, self._sleep = clock, sleep
        self.http_429 = 0  # 429s Telegram answered, whatever came of them (read by the metrics)
        self._last_429: tuple[float, Chat] | None = None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Lane | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for the request's slot (if it is a message), send it, retry after a 429."""
        if not paced(endpoint, data):
            return await callback(*args, **kwargs)
        ticket = Ticket(rate_limit_args or Lane.REPLY, _chat(data["chat_id"]))
        # A notice's 429 goes back to the tick, which records when to try again (durable, and
        # no send slot is held while waiting); a reply is tried again here, the person waits.
        retries = self.max_retries if ticket.lane is Lane.REPLY else 0
        for attempt in range(retries + 1):
            await self.acquire(ticket)
            started = self._clock()
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.on_429(ticket.chat, retry_seconds(exc))
                if attempt == retries:
                    raise
                ticket = Ticket(ticket.lane, ticket.chat, ticket.seq)  # keeps its place
                continue
            self.pacing.jitter.observe(self._clock() - started)
            return result
        raise AssertionError("unreachable")  # the loop returns or raises

    async def acquire(self, ticket: Ticket) -> None:
        """Sleep until `ticket` may leave; its departure is then recorded."""
        self.pacing.join(ticket)
        try:
            while (at := self.pacing.take(ticket, self._clock())) is not None:
                await self._sleep(max(0.0, at - self._clock()))
        except BaseException:
            self.pacing.leave(ticket)
            raise

    def on_429(self, chat: Chat, retry_after: float) -> None:
        """Count a 429 and pause the chat, or everything if another chat was refused lately."""
        now = self._clock()
        self.http_429 += 1
        metrics.HTTP_429.inc()
        until = now + retry_after
        last, self._last_429 = self._last_429, (now, chat)
        window = self.pacing.limits.window + self.pacing.jitter.margin
        if last is not None and last[1] != chat and now - last[0] <= window:
            self.pacing.pause(until)
            log.warning("Telegram's flood control: every message waits %.0f s", retry_after)
        else:
            self.pacing.pause(until, chat)
            log.info("Telegram's flood control for one chat: it waits %.0f s", retry_after)
