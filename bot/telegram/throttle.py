"""A per-person token bucket in front of every handler: one person cannot slow everyone.

A flood from one sender would fill the handlers' slots (bot/telegram/ordering.py) and the
replies' budget, delaying everybody's replies.
Each sender gets a bucket of `capacity` updates refilled at `per_second`; past it, updates are
dropped before the gate reads the database. The first dropped update of a burst gets one
polite "please slow down" (never to a known stranger: they get one reply a day in all, from
the gate); the burst is over when the bucket is full again.

The state is in memory, per process: rate limiting needs no durability (a restart forgives
everyone), and a database write per update would be the very load it guards against.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.telegram.context import BotContext
from bot.texts import t

log = logging.getLogger(__name__)

# An album of ten photos arrives as ten updates at once: the burst must take it whole.
CAPACITY = 20
PER_SECOND = 1.0
# Past this many tracked senders, idle (full) buckets are forgotten.
MAX_TRACKED = 10_000
KEY = "throttle"


class Verdict(Enum):
    """What to do with one update."""

    PASS = "pass"
    WARN = "warn"  # drop it, and say "please slow down" (once a burst)
    DROP = "drop"  # drop it silently


@dataclass
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


class Throttle:
    """Token buckets by sender id, and the strangers who must not get a second reply."""

    def __init__(
        self,
        capacity: int = CAPACITY,
        per_second: float = PER_SECOND,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity, self.per_second, self.clock = capacity, per_second, clock
        self._buckets: dict[int, _Bucket] = {}
        self._quiet: set[int] = set()

    def admit(self, sender: int) -> Verdict:
        """Take one token for `sender`: PASS, or WARN once per burst, then DROP."""
        now = self.clock()
        bucket = self._buckets.get(sender)
        if bucket is None:
            self._forget_idle()
            bucket = self._buckets[sender] = _Bucket(float(self.capacity), now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.per_second)
        bucket.at = now
        if bucket.tokens >= self.capacity:
            bucket.warned = False  # a full bucket: the last burst is over
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Verdict.PASS
        if bucket.warned or sender in self._quiet:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN

    def quiet(self, sender: int, *, stranger: bool) -> None:
        """Mark a sender as a stranger (never warned) or as enrolled again."""
        if stranger:
            if len(self._quiet) >= MAX_TRACKED:
                self._quiet.clear()
            self._quiet.add(sender)
        else:
            self._quiet.discard(sender)

    def _forget_idle(self) -> None:
        if len(self._buckets) < MAX_TRACKED:
            return
        now = self.clock()
        for sender, b in list(self._buckets.items()):
            if b.tokens + (now - b.at) * self.per_second >= self.capacity:
                del self._buckets[sender]


def throttle_of(context: BotContext) -> Throttle:
    """The application's throttle (made on first use)."""
    found = context.bot_data.get(KEY)
    if not isinstance(found, Throttle):
        found = context.bot_data[KEY] = Throttle()
    return found


async def throttle(update: object, context: BotContext) -> None:
    """Group -75: stop a sender's update past their budget, warning once per burst."""
    if not isinstance(update, Update) or update.effective_user is None:
        return
    verdict = throttle_of(context).admit(update.effective_user.id)
    if verdict is Verdict.PASS:
        return
    if verdict is Verdict.WARN:
        log.info("user %s is over the update budget", update.effective_user.id)
        await _slow_down(update, context)
    raise ApplicationHandlerStop


async def _slow_down(update: Update, context: BotContext) -> None:
    """Say "please slow down" in a private chat (best effort: a failure changes nothing)."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return
    text = t("throttle.slow_down", context.lang)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text)
        else:
            await context.bot.send_message(chat.id, text)
    except Exception:  # the flood may have hit Telegram's limits too; never fail here
        log.debug("could not send the slow-down notice", exc_info=True)
