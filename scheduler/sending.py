"""The tick's second job: claim each due delivery, send it, record what Telegram answered.

The claim is a compare-and-set committed before the send leaves; the outcome is committed
after it (or kept in `TickState` for the next tick when the database refuses it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.escalation import ESCALATION, still_silent
from scheduler.outcomes import Deliver, Failed, Outcome, Retry, Sent, Unreachable
from scheduler.sync import REMINDER_KINDS
from scheduler.tickconfig import TickConfig, TickReport
from storage import deliveries as store
from storage.answers import silent_division_ids
from storage.people import mark_unreachable

# The tick's logger: operators filter on it, whichever module of the tick writes the line.
log = logging.getLogger("scheduler.tick")

__all__ = ["TickState", "record_kept", "send_all"]


@dataclass(frozen=True)
class _Unrecorded:
    # The claimed delivery (its `attempts` is the attempt that got this outcome).
    sent: store.DueDelivery
    outcome: Outcome
    at: dt.datetime


@dataclass
class TickState:
    """What one tick leaves to the next in memory: outcomes the database refused to record."""

    unrecorded: list[_Unrecorded] = field(default_factory=list)


@dataclass
class _Sends:
    """One tick's sends: what each of them needs, shared by the workers."""

    sessions: async_sessionmaker[AsyncSession]
    now: dt.datetime
    deliver: Deliver
    config: TickConfig
    report: TickReport
    state: TickState
    # Our own writes take turns: SQLite has one writer, and waiting on its busy handler
    # (sleeps of up to 100 ms) would cost more than the few milliseconds each write takes.
    writes: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Outcomes waiting for the next write turn: whoever gets the turn records them all in one
    # transaction (a group commit; one commit per send would bound the rate under load).
    outcomes: list[tuple[store.DueDelivery, Outcome]] = field(default_factory=list)


async def record_kept(
    sessions: async_sessionmaker[AsyncSession],
    state: TickState,
    config: TickConfig,
    report: TickReport,
) -> None:
    """Record the outcomes an earlier tick could not; until they are, their rows look in flight."""
    while state.unrecorded:
        kept = state.unrecorded[0]
        async with sessions() as session, session.begin():
            await _record(session, kept.sent, kept.outcome, kept.at, config, report)
        state.unrecorded.pop(0)


async def send_all(
    sessions: async_sessionmaker[AsyncSession],
    due: list[store.DueDelivery],
    now: dt.datetime,
    deliver: Deliver,
    config: TickConfig,
    report: TickReport,
    state: TickState,
) -> None:
    """Send `due` with up to `send_concurrency` workers; re-raise the first failure."""
    sends = _Sends(sessions, now, deliver, config, report, state)
    queue = iter(due)  # shared: each item goes to exactly one worker
    failures: list[Exception] = []

    async def worker() -> None:
        for item in queue:
            if failures:
                return  # the database failed: stop starting sends, let those in flight end
            try:
                await _send_one(sends, item)
            except Exception as exc:
                failures.append(exc)
                return

    workers = max(1, min(config.send_concurrency, len(due)))
    tasks = [asyncio.ensure_future(worker()) for _ in range(workers)]
    try:
        await asyncio.gather(*tasks)
    finally:
        # Only reached with work left when we are cancelled or dying: the other sends stop too,
        # as they would in a crash, and stay in flight for the next start to resolve.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if failures:
        raise failures[0]


async def _claim(sends: _Sends, item: store.DueDelivery) -> bool:
    """Skip a reminder the division no longer needs, else claim the send (committed)."""
    async with sends.writes, sends.sessions() as session, session.begin():
        if (
            item.kind in REMINDER_KINDS
            and item.round_id is not None
            and item.division_id is not None
            and item.division_id not in await silent_division_ids(session, item.round_id)
        ):
            # The division answered everything since the reminder was recorded: say nothing.
            await store.mark_final(session, item.id, "skipped", "answered before it was sent")
            sends.report.answered_skipped += 1
            return False
        if item.kind == ESCALATION and not await still_silent(session, item):
            # Every division the supervisor oversees answered since it was recorded.
            await store.mark_final(session, item.id, "skipped", "answered before it was sent")
            sends.report.answered_skipped += 1
            return False
        # Committed before the request leaves: this is the intent the crash rule is about.
        return await store.begin_send(session, item.id, sends.now, item.attempts)


async def _send_one(sends: _Sends, item: store.DueDelivery) -> None:
    if not await _claim(sends, item):
        return
    if item.interrupted:
        # Decision: at-least-once for a send interrupted by a crash (see scheduler.tick).
        log.warning("delivery %s (%s) was in flight at a stop; sending again", item.id, item.key)
        sends.report.resumed += 1
    claimed = item.claimed()
    try:
        outcome: Outcome = await sends.deliver(claimed)
    except Exception as exc:  # a rendering bug must not stop the other deliveries
        log.exception("delivery %s raised", item.id)
        outcome = Retry(f"{type(exc).__name__}: {exc}")
    sends.outcomes.append((claimed, outcome))
    async with sends.writes:
        batch, sends.outcomes = sends.outcomes, []
        if not batch:
            return  # another worker's turn recorded this outcome with its own
        try:
            async with sends.sessions() as session, session.begin():
                for sent, got in batch:
                    await _record(session, sent, got, sends.now, sends.config, sends.report)
        except Exception:
            # We know what Telegram answered; the database could not take it. Keep it for the
            # next tick rather than leave the rows looking in flight (they would be sent again).
            sends.state.unrecorded.extend(_Unrecorded(c, o, sends.now) for c, o in batch)
            raise


async def _record(
    session: AsyncSession,
    sent: store.DueDelivery,
    outcome: Outcome,
    now: dt.datetime,
    config: TickConfig,
    report: TickReport,
) -> None:
    """Record the outcome of the claimed send `sent` (its `attempts` counts this one)."""
    if isinstance(outcome, Sent):
        await store.mark_sent(session, sent.id, outcome.message_id, now)
        report.sent += 1
    elif isinstance(outcome, Unreachable):
        # Same transaction as the delivery: the person is skipped until they write again,
        # and this delivery waits (pending) for that, unless it goes stale first.
        await mark_unreachable(session, sent.person_id, now)
        await store.mark_retry(session, sent.id, None, f"unreachable: {outcome.error}")
        report.unreachable += 1
    elif isinstance(outcome, Failed) or (
        # A 429 (Retry with Telegram's `after`) says "not now", not "this cannot go": under
        # sustained flood control it must not use up the attempts and lose the prompt. Its
        # moment passing (stale) still bounds it.
        sent.attempts >= config.max_attempts and outcome.after is None
    ):
        await store.mark_final(session, sent.id, "failed", outcome.error)
        report.failed += 1
        log.error("delivery %s failed for good: %s", sent.id, outcome.error)
    else:
        delay = outcome.after
        if delay is None:
            delay = min(config.backoff_cap, config.backoff_base * 2 ** (sent.attempts - 1))
        await store.mark_retry(session, sent.id, now + dt.timedelta(seconds=delay), outcome.error)
        report.retried += 1
