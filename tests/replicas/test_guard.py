"""The update guard on two replicas: a chat's updates one after another, in order, whatever
waits on whom; a claim a killed replica left behind holds the chat only a moment."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.telegram import replicas
from bot.telegram.replicas import UpdateGuard
from bot.usecases.core import Core
from storage.db import session_factory
from storage.locks import ChatLocks
from storage.models import ProcessedUpdate
from storage.updates import claim_updates, mark_handled
from tests.bot.harness import core_of
from tests.bot.test_ordering import _update

CHAT = 7301


def _recorder() -> tuple[list[int], Callable[[int], Coroutine[Any, Any, None]]]:
    """A handler that notes which update ran, and the list it notes them in."""
    ran: list[int] = []

    async def handle(n: int) -> None:
        ran.append(n)

    return ran, handle


@asynccontextmanager
async def _replicas(
    core: Core, db_url: str, wait: timedelta, a_locks: ChatLocks | None = None
) -> AsyncIterator[tuple[UpdateGuard, UpdateGuard]]:
    """Replicas A and B: each its own guard and its own pool of chat locks; both stopped after."""
    a = UpdateGuard(core, a_locks or ChatLocks(db_url), order_wait=wait)
    b = UpdateGuard(core, ChatLocks(db_url), order_wait=wait)
    try:
        yield a, b
    finally:
        await a.close()
        await b.close()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_the_next_update_starts_after_the_last_is_marked_handled(
    engine: AsyncEngine, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = session_factory(engine)
    core = core_of(sessions)

    # Two replicas: each its own guard and its own pool of chat locks. The order wait is short,
    # so the second update stops waiting while the first is still being handled and queues on
    # the chat's lock: what it finds when it gets the lock is the rule under test.
    async def slow_mark(session: AsyncSession, update_id: int, now: datetime) -> None:
        if update_id == 1:
            await asyncio.sleep(0.3)  # the database is slow to record the first one's end
        await mark_handled(session, update_id, now)

    monkeypatch.setattr(replicas, "mark_handled", slow_mark)
    first_started = asyncio.Event()
    seen: list[datetime | None] = []

    async def first() -> None:
        first_started.set()
        await asyncio.sleep(0.2)  # longer than the order wait

    async def second() -> None:
        async with sessions() as session:
            seen.append(
                await session.scalar(
                    select(ProcessedUpdate.handled_at).where(ProcessedUpdate.update_id == 1)
                )
            )

    async with _replicas(core, db_url, timedelta(seconds=0.05)) as (a, b):
        one = asyncio.create_task(a.around(_update(1, CHAT), first()))
        await first_started.wait()
        await b.around(_update(2, CHAT), second())
        await one
    assert seen and seen[0] is not None, "the second update ran before the first was marked"


class SlowToLock(ChatLocks):
    """A replica whose chat lock comes late (its pool busy, say): the moment a later update
    on another replica could slip ahead."""

    @asynccontextmanager
    async def across_replicas(self, chat_id: int) -> AsyncIterator[None]:
        await asyncio.sleep(0.4)
        async with super().across_replicas(chat_id):
            yield


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_a_chain_of_waiting_updates_keeps_its_order_past_a_dead_claim(
    engine: AsyncEngine, db_url: str
) -> None:
    sessions = session_factory(engine)
    core = core_of(sessions)
    async with sessions.begin() as session:  # update 1: taken by a replica since killed
        assert await claim_updates(session, [(1, CHAT)], core.now()) == {1}
    ran, handle = _recorder()

    async with _replicas(core, db_url, timedelta(seconds=1), SlowToLock(db_url)) as (a, b):
        # Update 2 waits for the dead claim to age out (1 s), then is slow to get the chat's
        # lock; update 3 comes in that moment, when update 2's claim is more than the wait
        # old, and must not slip ahead of it.
        two = asyncio.create_task(a.around(_update(2, CHAT), handle(2)))
        await asyncio.sleep(1.1)
        await asyncio.wait_for(b.around(_update(3, CHAT), handle(3)), timeout=10)
        await asyncio.wait_for(two, timeout=10)
    assert ran == [2, 3]


async def test_updates_arriving_together_are_claimed_in_one_write(
    engine: AsyncEngine, db_url: str
) -> None:
    sessions = session_factory(engine)
    locks = ChatLocks(db_url)
    guard = UpdateGuard(core_of(sessions), locks)
    inserts: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO processed_update"):
            inserts.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    handled, handle = _recorder()

    try:
        # Twenty people at once, and Telegram re-delivering update 5 among them.
        ids = [*range(1, 21), 5]
        await asyncio.gather(*(guard.around(_update(n, CHAT + n), handle(n)) for n in ids))
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
        await guard.close()  # its heartbeat, and its chat locks
    assert sorted(handled) == list(range(1, 21))  # update 5 once
    assert len(inserts) <= 2, inserts  # the first alone, then the rest together
    async with sessions() as session:
        marked = await session.scalars(select(ProcessedUpdate.handled_at))
        # The end of an update is recorded only where another replica may read it.
        assert all((at is not None) == locks.across for at in marked)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_an_update_queued_on_one_replica_holds_the_chats_next_on_another(
    engine: AsyncEngine, db_url: str
) -> None:
    sessions = session_factory(engine)
    core = core_of(sessions)
    ran, handle = _recorder()

    async def later_on(a: UpdateGuard) -> None:
        # Update 1 arrived on replica A and queues there behind the chat's earlier update for
        # longer than the order wait; A's heartbeat keeps its claim alive meanwhile.
        await asyncio.sleep(1.0)
        await a.around(_update(1, CHAT), handle(1), admitted=True)

    async with _replicas(core, db_url, timedelta(seconds=0.4)) as (a, b):
        assert await a.admit(_update(1, CHAT))
        one = asyncio.create_task(later_on(a))
        await asyncio.wait_for(b.around(_update(2, CHAT), handle(2)), timeout=10)
        await one
    assert ran == [1, 2]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_an_admitted_update_that_never_runs_stops_holding_its_chat(
    engine: AsyncEngine, db_url: str
) -> None:
    sessions = session_factory(engine)
    core = core_of(sessions)
    ran, handle = _recorder()

    async with _replicas(core, db_url, timedelta(seconds=0.3)) as (a, b):
        assert await a.admit(_update(1, CHAT))
        a.release(_update(1, CHAT))  # cancelled while it queued on replica A
        # Its claim goes stale after the order wait; kept alive it would hold update 2 for
        # WAIT_CAP (ten order waits, 3 s) before the guard gave up.
        await asyncio.wait_for(b.around(_update(2, CHAT), handle(2)), timeout=2)
    assert ran == [2]
