"""PostgreSQL advisory locks: the one poller, the tick's leader, one chat's turn.

Two kinds, chosen so that no pooled connection ever keeps a lock it should not:
* session locks (the poller, the leader) live on a connection of their own, from an engine
  without a pool: releasing closes that connection, and when the process dies PostgreSQL
  drops the connection and the lock with it, which is how another replica takes over;
* a chat's turn is a transaction lock (`pg_advisory_xact_lock`): PostgreSQL releases it when
  the transaction ends, commit, rollback or a broken connection alike.
On SQLite there is one process (bot.telegram.serving refuses a second), so it always leads and
a chat's turn is kept in memory only.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import NullPool

from storage.db import create_engine

log = logging.getLogger(__name__)

# Keys are 64-bit hashes of a name, so that they never meet another application's numbers.
_KEY = "hashtextextended(:name, 0)"
POLLER = "ita-followup:poller"
LEADER = "ita-followup:tick-leader"


def is_postgresql(url: str) -> bool:
    """Whether the database URL names PostgreSQL (the only backend with replicas)."""
    return make_url(url).get_backend_name() == "postgresql"


class SessionLock:
    """A named advisory lock held on a dedicated connection until released or the process ends."""

    def __init__(self, url: str, name: str) -> None:
        self.name = name
        self._engine = create_engine(url, poolclass=NullPool)
        self._conn: AsyncConnection | None = None
        self._spare: AsyncConnection | None = None  # holds no lock

    @property
    def held(self) -> bool:
        """Whether this process believes it holds the lock (see `alive`)."""
        return self._conn is not None

    async def try_acquire(self) -> bool:
        """Take the lock if free; False if another process holds it."""
        if self._conn is not None:
            return True
        # A replica that stands by asks every tick: on the same connection, not a new one.
        conn, self._spare = self._spare or await self._engine.connect(), None
        try:
            query = text(f"SELECT pg_try_advisory_lock({_KEY})")
            got = await conn.scalar(query, {"name": self.name})
            await conn.commit()  # the session lock stays; no transaction is left open
        except BaseException:
            with contextlib.suppress(SQLAlchemyError, OSError):
                await conn.invalidate()
            raise
        if got:
            self._conn = conn
        else:
            self._spare = conn
        return bool(got)

    async def alive(self) -> bool:
        """Whether the lock's connection still answers; if not, the lock is gone with it."""
        if self._conn is None:
            return False
        try:
            await self._conn.scalar(text("SELECT 1"))
            await self._conn.commit()
            return True
        except (SQLAlchemyError, OSError):
            await self._drop()
            return False

    async def release(self) -> None:
        """Let the lock go: closing the unpooled connection ends its session and its locks."""
        await self._drop()
        spare, self._spare = self._spare, None
        if spare is not None:
            with contextlib.suppress(SQLAlchemyError, OSError):
                await spare.close()
        await self._engine.dispose()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(SQLAlchemyError, OSError):
                await conn.invalidate()  # never back to a pool, whatever the engine's pool is


class Leadership:
    """Which replica runs the tick: the one holding the leader lock (on SQLite, the only one)."""

    def __init__(self, url: str) -> None:
        self._lock = SessionLock(url, LEADER) if is_postgresql(url) else None

    async def lead(self) -> bool:
        """Called before each tick: keep or take the lead; False when another replica has it."""
        if self._lock is None:
            return True
        was = self._lock.held
        if was and await self._lock.alive():
            return True
        if was:
            log.warning("tick leadership lost (database connection gone); trying to take it again")
        try:
            got = await self._lock.try_acquire()
        except (SQLAlchemyError, OSError):
            return False
        if got:
            log.info("this replica now runs the scheduler tick (leader)")
        return got

    async def close(self) -> None:
        """Give the lead up (at shutdown, so another replica takes it at its next tick)."""
        if self._lock is not None:
            await self._lock.release()


class ChatLocks:
    """One chat's updates one at a time across replicas on PostgreSQL (in one process, the
    update processor keeps a chat's order: bot/telegram/ordering.py)."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self._engine: AsyncEngine | None = None
        if is_postgresql(url):
            # Its own small pool: a handler's own sessions never wait behind held chat locks.
            self._engine = create_engine(url, pool_size=pool_size, max_overflow=2 * pool_size)

    @property
    def across(self) -> bool:
        """Whether other replicas can exist (PostgreSQL); on SQLite one process is alone."""
        return self._engine is not None

    @asynccontextmanager
    async def across_replicas(self, chat_id: int) -> AsyncIterator[None]:
        """Hold the chat's transaction lock on PostgreSQL while the body runs (no-op on SQLite)."""
        if self._engine is None:
            yield
            return
        async with self._engine.connect() as conn:
            await conn.execute(
                text(f"SELECT pg_advisory_xact_lock({_KEY})"),
                {"name": f"ita-followup:chat:{chat_id}"},
            )
            try:
                yield
            finally:
                await conn.rollback()  # ends the transaction, and so the lock

    async def close(self) -> None:
        """Close the pool of chat-lock connections."""
        if self._engine is not None:
            await self._engine.dispose()
