"""Wires the scheduler's tick into PTB's JobQueue: one repeating job, state in the database."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram.ext import Application, ContextTypes, Job

from bot.settings import Settings
from bot.telegram import metrics
from bot.telegram.delivery import TelegramDelivery
from bot.usecases import privacy
from bot.usecases.core import Core
from scheduler.tick import TickConfig, TickState, tick
from scheduler.workdays import WorkCalendar
from storage.locks import Leadership
from storage.updates import forget_updates

log = logging.getLogger(__name__)


# Sends in flight at once: at 30 messages/s and a round trip of up to 0.3 s (plus the claim
# and the record of each, a few ms), 30 x 0.3 = 9 are on the wire; the rest wait in the limiter,
# ready the moment their slot comes. The limiter, not this number, keeps the rate; a crash can
# leave this many sends ambiguous (sent again at the restart, see scheduler.tick).
IN_FLIGHT = 32


def tick_config(settings: Settings) -> TickConfig:
    """The tick's configuration from the settings."""
    return TickConfig(
        planner=settings.planner_config(),
        tz=settings.tz,
        inflight_grace=dt.timedelta(seconds=settings.scheduler_inflight_grace_seconds),
        send_concurrency=IN_FLIGHT,
    )


PURGE_EVERY = dt.timedelta(days=1)


def install_purge(
    application: Application[Any, Any, Any, Any, Any, Any],
    core: Core,
    settings: Settings,
    leadership: Leadership | None = None,
) -> Job[Any] | None:
    """Once a day, purge what the retention setting says is kept no longer (PDPA)."""
    if not settings.scheduler_enabled or application.job_queue is None:
        return None
    days = settings.privacy_retention_days

    async def run_purge(_: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            if leadership is not None and not await leadership.lead():
                return  # the tick's leader purges
            async with core.sessions.begin() as session:
                await forget_updates(session, core.now())
            done = await privacy.purge(core, days)
        except (SQLAlchemyError, OSError) as exc:  # the database is away: tomorrow again
            log.warning("privacy purge skipped (%s)", type(exc).__name__)
            return
        if done.stranger_audit_rows or done.drafts:
            log.info(
                "privacy purge: %s strangers' audit rows, %s drafts of removed people",
                done.stranger_audit_rows,
                done.drafts,
            )

    return application.job_queue.run_repeating(
        run_purge, interval=PURGE_EVERY, first=60.0, name="privacy-purge"
    )


def install_tick(
    application: Application[Any, Any, Any, Any, Any, Any],
    core: Core,
    settings: Settings,
    leadership: Leadership | None = None,
) -> Job[Any] | None:
    """Schedule the tick every SCHEDULER_TICK_SECONDS; the core's clock gives its `now`."""
    if not settings.scheduler_enabled or application.job_queue is None:
        log.info("scheduler tick disabled")
        return None
    config = tick_config(settings)
    calendar = WorkCalendar()
    sessions = core.sessions
    deliver = TelegramDelivery(application.bot, core)
    state = TickState()
    lag = TickLag(settings.scheduler_tick_seconds)

    async def run_tick(_: ContextTypes.DEFAULT_TYPE) -> None:
        # Replicas: only the one holding the leader lock ticks (storage/locks.py).
        leads = leadership is None or await leadership.lead()
        metrics.TICK_LEADER.set(1 if leads else 0)
        if not leads:
            return
        lag.started()
        try:
            await tick(sessions, core.now(), deliver, config, calendar, state)
        except (SQLAlchemyError, OSError) as exc:
            # The database is away (locked, restarting, unreachable). Nothing was sent without
            # its intent committed; the next tick tries again and catches up. One line, no trace,
            # since it repeats every tick until the database is back.
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            log.warning("tick skipped, database unavailable (%s); trying again next tick", reason)

    return every_tick(application, run_tick, settings, "scheduler-tick", first=1.0)


def every_tick(
    application: Application[Any, Any, Any, Any, Any, Any],
    callback: Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]],
    settings: Settings,
    name: str,
    *,
    first: float,
) -> Job[Any]:
    """Run `callback` every SCHEDULER_TICK_SECONDS, first after `first` seconds (at most one)."""
    assert application.job_queue is not None
    # Jobs are derived from data on every run, never pickled; coalesce and no grace time so
    # that a busy loop or a suspended laptop runs the job late rather than skipping it.
    return application.job_queue.run_repeating(
        callback,
        interval=settings.scheduler_tick_seconds,
        first=min(first, settings.scheduler_tick_seconds),
        name=name,
        job_kwargs={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
    )


class TickLag:
    """Measures how late each tick starts after the one before plus the interval (a metric)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._last: float | None = None

    def started(self) -> None:
        """A tick starts now: record its lag behind schedule."""
        now = time.monotonic()
        if self._last is not None:
            metrics.TICK_LAG.set(max(0.0, now - self._last - self.interval))
        self._last = now
