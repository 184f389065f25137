"""Replicas behave as one bot: each update handled once, one chat's updates in order.

`UpdateGuard.admit` claims an update as it arrives and `UpdateGuard.around` wraps its handling;
bot/telegram/ordering.py calls them around this process's per-chat order (a chat's earlier
update here has ended before `around` starts), so:
1. the update id is claimed in the database on arrival: a re-delivery (Telegram's, or one
   another replica took) is refused and not handled; updates arriving together are claimed in
   one transaction;
2. on PostgreSQL, while an earlier update of the chat is alive on another replica and not yet
   ended, wait for it. A replica refreshes its claims not yet ended (a heartbeat, every quarter
   of `ORDER_WAIT`), whether they queue, wait or run, so a claim goes stale only when its
   replica has died (killed mid-update) and is then passed over after `ORDER_WAIT`. On SQLite
   one process is the only one (bot/telegram/serving.py): no other replica to wait for;
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
from storage.updates import claim_updates, earlier_in_hand, keep_claims, mark_handled

log = logging.getLogger(__name__)

# An earlier claim with no sign of life for this long is one a killed replica left behind
# (a live replica refreshes its claims every quarter of it). Kept short because a dead claim
# holds the chat's next tap this long.
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
        # This replica's claims not yet ended, kept fresh by the heartbeat (PostgreSQL only).
        self._in_hand: set[int] = set()
        self._heartbeat: asyncio.Task[None] | None = None

    async def admit(self, update: object) -> bool:
        """Claim `update` as it arrives (before it waits for its chat's turn here); False when it
        was taken already, and then it is counted and not handled."""
        if not isinstance(update, Update) or update.effective_chat is None:
            return True
        if await self._claim(update.update_id, update.effective_chat.id):
            self._hold(update.update_id)
            return True
        metrics.UPDATES.labels(outcome="refused").inc()
        log.info("update %s was taken already (re-delivered); ignored", update.update_id)
        return False

    async def around(
        self, update: object, coroutine: Awaitable[Any], *, admitted: bool = False
    ) -> None:
        """Handle `update` by awaiting `coroutine`, unless it was taken already (`admitted`:
        the caller has claimed it with `admit`)."""
        if not isinstance(update, Update) or update.effective_chat is None:
            await coroutine  # updates without a chat (and custom ones) need no order
            return
        chat_id, started = update.effective_chat.id, time.perf_counter()
        if not admitted and not await self.admit(update):
            if asyncio.iscoroutine(coroutine):
                coroutine.close()  # never awaited on purpose
            return
        try:
            await self._handle(update, chat_id, coroutine)
        finally:
            self._in_hand.discard(update.update_id)
        metrics.UPDATES.labels(outcome="handled").inc()
        metrics.LATENCY.labels(kind=_kind(update)).observe(time.perf_counter() - started)

    async def _handle(self, update: Update, chat_id: int, coroutine: Awaitable[Any]) -> None:
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

    def release(self, update: object) -> None:
        """An admitted update that will not run (cancelled while it queued): stop keeping its
        claim alive, so that the chat's later updates on other replicas pass it over."""
        if isinstance(update, Update):
            self._in_hand.discard(update.update_id)

    def _hold(self, update_id: int) -> None:
        """Keep the claim fresh until it ends: a claim that stops being refreshed is one a
        killed replica left behind (PostgreSQL only; on SQLite nobody else reads it)."""
        if not self.chat_locks.across:
            return
        self._in_hand.add(update_id)
        if self._heartbeat is None or self._heartbeat.done():
            self._heartbeat = asyncio.create_task(self._beat())

    async def _beat(self) -> None:
        """While claims are in hand: refresh them every quarter of the order wait."""
        while self._in_hand:
            await self._sleep(self.order_wait.total_seconds() / 4)
            held = sorted(self._in_hand)
            if not held:
                break
            try:
                async with self.core.sessions.begin() as session:
                    await keep_claims(session, held, self.core.now())
            except (SQLAlchemyError, OSError) as exc:
                log.warning("claims not refreshed (%s)", type(exc).__name__)

    async def close(self) -> None:
        """Stop the heartbeat and close the chat locks (at shutdown)."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            await asyncio.gather(self._heartbeat, return_exceptions=True)
        await self.chat_locks.close()

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
        """Wait while an earlier update of the chat is alive (its replica keeps its claim fresh)
        and not yet ended."""
        wait = self.order_wait.total_seconds()
        cap, delay = time.monotonic() + WAIT_CAP * wait, 0.02
        while time.monotonic() < cap:
            try:
                async with self.core.sessions() as session:
                    since = self.core.now() - self.order_wait
                    if not await earlier_in_hand(session, chat_id, update_id, since):
                        return
            except (SQLAlchemyError, OSError):
                return
            await self._sleep(delay)
            delay = min(delay * 2, wait / 4)

    async def _handled(self, update_id: int) -> None:
        try:
            async with self.core.sessions.begin() as session:
                await mark_handled(session, update_id, self.core.now())
        except (SQLAlchemyError, OSError) as exc:
            log.warning("update %s handled, not marked (%s)", update_id, type(exc).__name__)
