"""Replicas behave as one bot: each update handled once, one chat's updates in order.

`UpdateGuard.around` wraps the handling of one update. bot/telegram/ordering.py calls it inside
this process's per-chat order (a chat's earlier update here has ended before it starts), so:
1. the update id is claimed in the database: a re-delivery (Telegram's, or one another replica
   took) is refused and not handled; updates arriving together are claimed in one transaction;
2. on PostgreSQL, while an earlier update of the chat is alive on another replica and not yet
   holding the chat's lock, wait for it. An update keeps its claim fresh while it waits, so a
   chain of waiting updates keeps its order; a claim left by a replica killed mid-update stops
   being refreshed and is passed over after `ORDER_WAIT`. On SQLite one process is the only
   one (bot/telegram/serving.py), so there is no other replica to wait for;
3. the chat's PostgreSQL transaction lock across replicas, around the handling itself and
   the mark that it has ended.
Without a database answer the update is handled anyway: the handlers answer politely then.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update

from bot.telegram import metrics
from bot.usecases.core import Core
from storage.locks import ChatLocks
from storage.updates import claim_updates, earlier_in_hand, keep_claim, mark_handled

log = logging.getLogger(__name__)

# An earlier claim with no sign of life for this long is one a killed replica left behind.
# A live update refreshes its claim while it waits and holds the chat's lock once it stops
# waiting (the lock is then the queue), so only a dead claim ages out. Kept short because a
# dead claim holds the chat's next tap this long.
ORDER_WAIT = timedelta(seconds=3)
# Never wait longer than this many ORDER_WAITs in all (a guard against replicas' clocks apart).
WAIT_CAP = 10


def _kind(update: Update) -> str:
    return "callback" if update.callback_query is not None else "message"


class UpdateGuard:
    """Dedup, order and count the handling of updates (see the module's docstring)."""

    def __init__(
        self,
        core: Core,
        chat_locks: ChatLocks,
        *,
        order_wait: timedelta = ORDER_WAIT,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.core, self.chat_locks = core, chat_locks
        self.order_wait, self._sleep = order_wait, sleep
        # Claims waiting for the next write turn (see _claim).
        self._waiting: list[tuple[int, int, asyncio.Future[bool]]] = []
        self._claiming = asyncio.Lock()

    async def around(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Handle `update` by awaiting `coroutine`, unless it was taken already."""
        if not isinstance(update, Update) or update.effective_chat is None:
            await coroutine  # updates without a chat (and custom ones) need no order
            return
        chat_id, started = update.effective_chat.id, time.perf_counter()
        if not await self._claim(update.update_id, chat_id):
            metrics.UPDATES.labels(outcome="refused").inc()
            log.info("update %s was taken already (re-delivered); ignored", update.update_id)
            if asyncio.iscoroutine(coroutine):
                coroutine.close()  # never awaited on purpose
            return
        if self.chat_locks.across:
            await self._after_earlier(update.update_id, chat_id)
        async with self.chat_locks.across_replicas(chat_id):
            try:
                await coroutine
            finally:
                # Marked while the chat's lock is held: the chat's next update, waiting for the
                # lock on another replica, starts only after this one is recorded as ended.
                # Alone (SQLite), nobody reads the mark: one write less per update.
                if self.chat_locks.across:
                    await self._handled(update.update_id)
        metrics.UPDATES.labels(outcome="handled").inc()
        metrics.LATENCY.labels(kind=_kind(update)).observe(time.perf_counter() - started)

    async def _claim(self, update_id: int, chat_id: int) -> bool:
        """Claim the update; updates arriving together are claimed in one transaction (a group
        commit: twenty people pressing at once cost one write, not twenty writes that queue
        for SQLite's single writer and its busy handler's sleeps)."""
        turn: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((update_id, chat_id, turn))
        async with self._claiming:
            if not turn.done():
                batch = list(self._waiting)
                taken = await self._claim_batch([(u, c) for u, c, _ in batch])
                for u, _, future in batch:
                    future.set_result(u in taken)
                    taken.discard(u)  # the same update twice in one batch: the first has it
                # Only now: had the claim been cancelled, the next turn takes these up again.
                self._waiting = [w for w in self._waiting if not w[2].done()]
        return turn.result()

    async def _claim_batch(self, batch: list[tuple[int, int]]) -> set[int]:
        try:
            async with self.core.sessions.begin() as session:
                return await claim_updates(session, list(dict(batch).items()), self.core.now())
        except (SQLAlchemyError, OSError) as exc:
            ids = sorted({u for u, _ in batch})
            log.warning("updates %s not recorded (%s); handled anyway", ids, type(exc).__name__)
            return {u for u, _ in batch}

    async def _after_earlier(self, update_id: int, chat_id: int) -> None:
        """Wait while an earlier update of the chat is alive and not yet holding its lock."""
        wait = self.order_wait.total_seconds()
        cap, delay, fresh = time.monotonic() + WAIT_CAP * wait, 0.02, True
        while time.monotonic() < cap:
            try:
                async with self.core.sessions.begin() as session:
                    now = self.core.now()
                    if not fresh:  # a sign of life, so that later updates wait for this one
                        await keep_claim(session, update_id, now)
                    if not await earlier_in_hand(
                        session, chat_id, update_id, now - self.order_wait
                    ):
                        return
            except (SQLAlchemyError, OSError):
                return
            await self._sleep(delay)
            delay, fresh = min(delay * 2, wait / 4), False

    async def _handled(self, update_id: int) -> None:
        try:
            async with self.core.sessions.begin() as session:
                await mark_handled(session, update_id, self.core.now())
        except (SQLAlchemyError, OSError) as exc:
            log.warning("update %s handled, not marked (%s)", update_id, type(exc).__name__)
