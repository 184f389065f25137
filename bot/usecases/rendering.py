"""Where report files are rendered: in a worker thread, or in a worker process the bot starts
on the first export and stops when it has been idle a while.

The renderers (matplotlib, numpy, python-docx, openpyxl) are some 70 MiB once loaded, and a
process keeps what it has loaded. In the bot's own process one /export a month would leave the
bot that much heavier for good; in a worker process they leave with it (issue 16). The command
line renders in a thread: it exits when done anyway. The worker is started with `spawn`, not
`fork`: the bot has threads (aiosqlite's), and a forked child would inherit their locks.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any, Protocol, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

# How long the worker process waits for the next export before it stops: a coordinator
# exporting twice in a row pays its start (about 1.5 s) once.
IDLE_SECONDS = 120.0


class Renderer(Protocol):
    """Runs a rendering function (module-level, its arguments picklable) off the event loop."""

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)`, awaited without blocking the event loop."""
        ...

    async def close(self) -> None:
        """Stop whatever the renderer started."""
        ...


class InThread:
    """Render in a worker thread of this process (the command line, tests)."""

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` in a thread."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def close(self) -> None:
        """Nothing to stop."""


class InProcess:
    """Render in one worker process, started on demand and stopped after `idle_seconds`."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self._pool: ProcessPoolExecutor | None = None
        self._busy = 0
        self._timer: asyncio.TimerHandle | None = None

    @property
    def running(self) -> bool:
        """Whether the worker process is up (between a first export and its idle stop)."""
        return self._pool is not None

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` in the worker process; its exception is raised here."""
        loop = asyncio.get_running_loop()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        pool = self._pool
        self._busy += 1
        try:
            return await loop.run_in_executor(pool, partial(fn, *args, **kwargs))
        finally:
            self._busy -= 1
            if self._busy == 0:
                self._timer = loop.call_later(self.idle_seconds, self._stop_idle)

    def _stop_idle(self) -> None:
        self._timer = None
        if self._busy == 0 and self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=False)  # nothing runs in it: it exits, its memory with it
            log.info("report worker stopped after %.0f s idle", self.idle_seconds)

    async def close(self) -> None:
        """Stop the worker (at shutdown), after the export in hand."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, True)
