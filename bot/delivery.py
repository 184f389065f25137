"""The `deliver` coroutine the scheduler's tick calls: render, pace, send, map Telegram errors."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import warnings
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.notices import Renderer
from scheduler.outcomes import Failed, Outcome, Outgoing, Retry, Sent, Unreachable

log = logging.getLogger(__name__)


class ChatPacer:
    """At most one message per `interval` seconds to the same chat (Telegram: 1/s private).

    Kept in memory on purpose: losing it on restart costs at most one early message, which
    Telegram answers with a 429 that the tick retries.
    """

    def __init__(
        self,
        interval: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self._clock, self._sleep = clock, sleep
        self._last: dict[int, float] = {}

    async def wait(self, chat_id: int) -> None:
        """Sleep until the chat may receive the next message, then claim the slot."""
        last = self._last.get(chat_id)
        if last is not None:
            gap = last + self.interval - self._clock()
            if gap > 0:
                await self._sleep(gap)
        self._last[chat_id] = self._clock()
        if len(self._last) > 10_000:  # forget old chats; only the last second matters
            horizon = self._clock() - self.interval
            self._last = {c: at for c, at in self._last.items() if at > horizon}


class TelegramDelivery:
    """Sends one notification; never raises for Telegram's answers, returns an Outcome."""

    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        tz: dt.tzinfo,
        pacer: ChatPacer | None = None,
    ) -> None:
        self.bot, self.sessions = bot, sessions
        self.renderer = Renderer(tz)
        self.pacer = pacer or ChatPacer()

    async def __call__(self, out: Outgoing) -> Outcome:
        """Render and send `out`; map the result to Sent / Retry / Unreachable / Failed."""
        async with self.sessions() as session:
            rendered = await self.renderer.render(session, out)
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
