"""The one periodic tick: sync rounds and delivery intents for `now`, then send what is due.

Guarantees (see README, "Delivery guarantees"):
* Each notification has a natural key (kind, round, division, person, slot) that the database
  keeps unique, so it is recorded once, however often the tick runs or how many run.
* The intent is committed before the send and Telegram's message id after it. A delivery
  that is `sent` is never sent again.
* The one ambiguous case: the process stops after `sending_since` was committed and before the
  outcome was. We cannot know whether Telegram got the message, and we choose to send it again
  (at-least-once for sends in flight at a crash): a duplicate prompt is a nuisance, a lost one
  is a real failure. Such resends are logged and counted (`TickReport.resumed`, and the row's
  `attempts`).
* After downtime, what is still relevant is sent; what went stale (its round closed, e.g. a
  prompt whose meeting has started) is recorded `skipped`, never sent.
* Up to `send_concurrency` sends are in flight at once (a sequential loop is bound by the
  round trip to Telegram, not by its limits); so at most that many are ambiguous at a crash.
* The tick's work follows the open work, not the history: it plans only the plans that can
  still have a round closing within the catch-up window (`live_plans`; rounds, deliveries and
  answers of past years are never read). A plan whose every round closed before that window
  is left as it is: the tick no longer makes its missing rounds nor follows its meetings.
* The database failing after a send (it went away mid-round) does not make the send ambiguous:
  the outcome is kept in `TickState` and recorded first by the next tick, before anything else
  is sent. Only a crash while it is kept there falls back to the rule above.

This module is the one tick; its jobs live beside it: `scheduler.sync` (the plan's rounds and
intents), `scheduler.sending` (claim, send, record) and `scheduler.tickconfig` (its numbers).
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.escalation import sync_escalations
from scheduler.outcomes import Deliver
from scheduler.planner import earliest_live_end
from scheduler.schedule import load_calendar, load_schedule
from scheduler.sending import TickState, record_kept, send_all
from scheduler.standins import sync_away_summaries
from scheduler.sync import REMINDER_KINDS, sync_plan
from scheduler.tickconfig import TickConfig, TickReport
from scheduler.workdays import WorkCalendar
from storage import deliveries as store
from storage.models import Plan
from storage.rounds import live_plans

log = logging.getLogger(__name__)

__all__ = ["REMINDER_KINDS", "TickConfig", "TickReport", "TickState", "tick"]


async def tick(
    sessions: async_sessionmaker[AsyncSession],
    now: dt.datetime,
    deliver: Deliver,
    config: TickConfig,
    calendar: WorkCalendar,
    state: TickState | None = None,
) -> TickReport:
    """One pass: sync meetings, rounds and intents for `now`; skip the stale; send the due.

    `calendar` gives the official holidays; the special ones are read from the database.

    Raises when the database fails; pass the same `state` to every tick so that outcomes it
    could not record are recorded by the next one.
    """
    if now.tzinfo is None:
        raise ValueError("tick needs an aware `now`")
    report = TickReport()
    state = state if state is not None else TickState()
    # Before anything else: until these are recorded, their rows look in flight.
    await record_kept(sessions, state, config, report)
    async with sessions() as session, session.begin():
        # Read every tick: a special holiday added at the command line counts from the next one.
        calendar = await load_calendar(session, calendar)
        for plan in await _live_plans(session, now, config, calendar):
            schedule = await load_schedule(
                session, plan, calendar, config.planner, config.tz, materialize=True
            )
            await sync_plan(session, schedule, now, config, report)
            await sync_escalations(session, schedule, now, config, calendar, report)
        await sync_away_summaries(session, now, config, report)
        report.stale_skipped = await store.skip_stale(session, now)
    async with sessions() as session:
        due = await store.due_deliveries(
            session,
            now,
            inflight_before=now - config.inflight_grace,
            limit=config.batch_limit,
        )
    await send_all(sessions, due, now, deliver, config, report, state)
    done = report.line()
    if done:  # a quiet tick says nothing: it runs every SCHEDULER_TICK_SECONDS
        log.info("tick at %s: %s", now.astimezone(config.tz).isoformat(timespec="minutes"), done)
    return report


async def _live_plans(
    session: AsyncSession, now: dt.datetime, config: TickConfig, calendar: WorkCalendar
) -> list[Plan]:
    """The plans with a round that may close after the catch-up window began."""
    since = now - config.catchup  # older notices are not even recorded (TickConfig.catchup)
    ending_from = earliest_live_end(since, calendar, config.planner, config.tz)
    return await live_plans(session, ending_from, since)
