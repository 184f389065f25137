"""The `deliver` coroutine the scheduler's tick calls: render, send, map Telegram errors.

Pacing is the application's limiter's (bot/telegram/limiter.py), shared with the replies.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.telegram.limiter import retry_seconds
from bot.telegram.notices import Rendered, Renderer
from bot.telegram.pacing import Lane
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


class TelegramDelivery:
    """Sends one notification; never raises for Telegram's answers, returns an Outcome."""

    def __init__(self, bot: Bot, core: Core) -> None:
        self.bot = bot
        # What a notice says is read through the rounds use case (one transaction).
        self.core = core
        self.renderer = Renderer(core.rules.tz)
        # Through the application's limiter, notices take the slots replies leave free
        # (bot/telegram/limiter.py); a plain Bot (some tests) has no limiter to tell.
        self._lane: dict[str, Any] = (
            {"rate_limit_args": Lane.NOTICE} if isinstance(bot, ExtBot) else {}
        )

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
        try:
            message = await self.bot.send_message(
                out.chat_id,
                rendered.text,
                parse_mode=ParseMode.HTML,
                reply_markup=rendered.markup,
                **self._lane,
            )
        except RetryAfter as exc:
            return Retry(f"429: {exc.message}", after=retry_seconds(exc))
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
