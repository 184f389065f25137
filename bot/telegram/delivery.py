"""The `deliver` coroutine the scheduler's tick calls: render, pace, send, map Telegram errors."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.telegram.notices import Rendered, Renderer
from bot.telegram.views.away import summary_view
from bot.telegram.views.escalation import escalation_view
from bot.telegram.views.review import notice_view
from bot.usecases import escalation, reviews, rounds, standins
from bot.usecases.core import Core
from scheduler.outcomes import Failed, Outcome, Outgoing, Retry, Sent, Unreachable
from storage.oversight import ESCALATION
from storage.reviews import RETURN_NOTICE
from storage.standins import AWAY_SUMMARY

log = logging.getLogger(__name__)


class WindowLimiter:
    """At most `limit` sends in any `window` seconds (Telegram: 30 per second for one bot).

    A sliding window, as Telegram and the fake Bot API count, rather than a leaky bucket: a
    bucket that lets a full burst through and then drips lets the 31st message into the same
    second and earns a 429 (whose retry costs a whole second). Each caller reserves the next
    free slot before sleeping, so concurrent senders never take the same one. `margin` absorbs
    the jitter between when we send and when Telegram counts the message.
    """

    def __init__(
        self,
        limit: int = 30,
        window: float = 1.0,
        *,
        margin: float = 0.03,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.limit, self.window, self.margin = limit, window + margin, margin
        self._clock, self._sleep = clock, sleep
        self._slots: deque[float] = deque()

    async def wait(self) -> None:
        """Sleep until a send fits in the window, having claimed its slot."""
        now = self._clock()
        # Slots that left the window can no longer limit a send at `now` or later.
        while self._slots and self._slots[0] <= now - self.window:
            self._slots.popleft()
        slot = now
        if len(self._slots) >= self.limit:
            # Reserved in order, so the deque stays sorted and this is the slot to wait out.
            slot = max(now, self._slots[-self.limit] + self.window)
        self._slots.append(slot)
        if slot > now:
            await self._sleep(slot - now)


class ChatPacer:
    """At most one message per `interval` seconds to the same chat (Telegram: 1/s private),
    and, through `overall`, Telegram's limit for the whole bot.

    Kept in memory on purpose: losing it on restart costs at most one early message, which
    Telegram answers with a 429 that the tick retries. Safe for concurrent senders: waits for
    one chat are taken in turn, and a chat's clock starts when its send is let through.
    """

    def __init__(
        self,
        interval: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        overall: WindowLimiter | None = None,
    ) -> None:
        self.interval = interval
        self._clock, self._sleep = clock, sleep
        self.overall = overall or WindowLimiter(clock=clock, sleep=sleep)
        self._last: dict[int, float] = {}
        self._turns: dict[int, asyncio.Lock] = {}

    async def wait(self, chat_id: int) -> None:
        """Sleep until the chat and the bot may both send the next message, then claim it."""
        turn = self._turns.setdefault(chat_id, asyncio.Lock())
        async with turn:
            last = self._last.get(chat_id)
            if last is not None:
                gap = last + self.interval - self._clock()
                if gap > 0:
                    await self._sleep(gap)
            await self.overall.wait()
            self._last[chat_id] = self._clock()
        if len(self._last) > 10_000:  # forget old chats; only the last second matters
            horizon = self._clock() - self.interval
            self._last = {c: at for c, at in self._last.items() if at > horizon}
            self._turns = {c: lock for c, lock in self._turns.items() if lock.locked()}


class TelegramDelivery:
    """Sends one notification; never raises for Telegram's answers, returns an Outcome."""

    def __init__(self, bot: Bot, core: Core, pacer: ChatPacer | None = None) -> None:
        self.bot = bot
        # What a notice says is read through the rounds use case (one transaction).
        self.core = core
        self.renderer = Renderer(core.rules.tz)
        self.pacer = pacer or ChatPacer()

    async def _render(self, out: Outgoing) -> Rendered | None:
        """What the delivery says, read as it is sent (None: what it was about is gone)."""
        lang = out.language if out.language in ("th", "en") else "th"
        tz = self.core.rules.tz
        if out.kind == RETURN_NOTICE:  # a returned answer (bot.usecases.reviews)
            data = await reviews.return_notice(self.core, out)
            return Rendered(*notice_view(data, lang, tz)) if data else None
        if out.kind == AWAY_SUMMARY:  # the head is back (bot.usecases.standins)
            summary = await standins.away_summary(self.core, out)
            return Rendered(*summary_view(summary, lang, tz)) if summary else None
        if out.kind == ESCALATION:  # silent divisions, to a supervisor (bot.usecases.escalation)
            told = await escalation.escalation_notice(self.core, out)
            return Rendered(*escalation_view(told, lang, tz)) if told else None
        notice = await rounds.notice(self.core, out)
        return self.renderer.render(notice, out.language) if notice is not None else None

    async def __call__(self, out: Outgoing) -> Outcome:
        """Render and send `out`; map the result to Sent / Retry / Unreachable / Failed."""
        rendered = await self._render(out)
        if rendered is None:
            return Failed("nothing to send: the round, division or items are gone")
        await self.pacer.wait(out.chat_id)
        try:
            message = await self.bot.send_message(
                out.chat_id,
                rendered.text,
                parse_mode=ParseMode.HTML,
                reply_markup=rendered.markup,
            )
        except RetryAfter as exc:
            with warnings.catch_warnings():
                # PTB 22.2+ warns that retry_after will become a timedelta; both are handled.
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                after = exc.retry_after
            seconds = after.total_seconds() if isinstance(after, dt.timedelta) else float(after)
            return Retry(f"429: {exc.message}", after=seconds)
        except Forbidden as exc:
            return Unreachable(f"403: {exc.message}")
        except BadRequest as exc:  # before NetworkError: BadRequest is one of its subclasses
            log.error("delivery %s refused by Telegram: %s", out.delivery_id, exc.message)
            return Failed(f"400: {exc.message}")
        except NetworkError as exc:  # timeouts and 5xx: the scheduler backs off
            return Retry(f"{type(exc).__name__}: {exc.message}")
        except TelegramError as exc:
            return Retry(f"{type(exc).__name__}: {exc.message}")
        return Sent(message.message_id)
