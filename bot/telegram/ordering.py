"""Updates of different chats side by side, one chat's strictly in order (PTB's update processor).

PTB's default handles one update at a time: with a 150 ms round trip and the database work of
each, twenty people pressing at once wait for each other. Here each update first takes its
place in its chat's queue (before anything can yield, so in the order PTB hands them over);
the head of each queue then runs once one of `running` slots is free. A chat whose update waits
for its turn holds no slot, so one busy chat cannot hold back the others.

PTB's own bound (`max_concurrent_updates`) only counts updates *waiting* here; it is set high
(`WAITING`) because when it is full PTB's semaphore, not this queue, decides who goes next.
"""

from __future__ import annotations

import asyncio
import inspect
from collections import deque
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.telegram.replicas import UpdateGuard

# Handlers running at once (each holds a database session for part of its run).
RUNNING = 16
WAITING = 4096


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (else its sender); None: no order to keep."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class PerChatProcessor(BaseUpdateProcessor):
    """Runs at most `running` updates at once; a chat's next update starts when its last ended."""

    def __init__(
        self, running: int = RUNNING, waiting: int = WAITING, guard: UpdateGuard | None = None
    ) -> None:
        super().__init__(max_concurrent_updates=waiting)
        self.running, self.guard = running, guard
        self._slots = asyncio.Semaphore(running)
        self._chats: dict[int, deque[asyncio.Future[None]]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's turn and a free slot, then run the update's handlers."""
        key = chat_key(update)
        if key is None:
            await self._run(update, coroutine)
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._chats.setdefault(key, deque())
        queue.append(turn)  # no await before this line: the order is PTB's
        try:
            # Claimed on arrival, not at its turn: while it waits here behind the chat's earlier
            # update, another replica given the chat's next one sees it and waits for it.
            if self.guard is not None and not await self.guard.admit(update):
                return  # taken already (a re-delivery); `finally` closes the coroutine
            if queue[0] is not turn:
                await turn
            await self._run(update, coroutine)
        finally:
            if inspect.iscoroutine(coroutine) and inspect.getcoroutinestate(coroutine) == (
                inspect.CORO_CREATED
            ):
                coroutine.close()  # cancelled while waiting (or refused): it never ran
                if self.guard is not None:
                    self.guard.release(update)  # its claim is no longer kept alive
            head = queue[0] is turn
            queue.remove(turn)
            if not queue:
                del self._chats[key]
            elif head and not queue[0].done():
                queue[0].set_result(None)

    async def _run(self, update: object, coroutine: Awaitable[Any]) -> None:
        async with self._slots:
            if self.guard is None:
                await coroutine
            else:  # once across replicas, and in order across them (bot/telegram/replicas.py)
                await self.guard.around(update, coroutine, admitted=True)

    @property
    def busy_chats(self) -> int:
        """Chats with an update running or waiting (for the metrics)."""
        return len(self._chats)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Stop the guard (PTB waits for the running updates before this)."""
        if self.guard is not None:
            await self.guard.close()
