"""Escalation: divisions still silent near the meeting are named to their supervisors.

A round is escalated ESCALATION_WORKING_DAYS_BEFORE working days before it closes (a monthly
round closes when its meeting starts, a quarterly one on its close day), at the notice time:
by default together with the coordinators' digest. Each supervisor who oversees one of the
round's silent divisions gets one notice for the round, keyed (escalation, round, -, person):
recorded once however often the tick runs, sent once, restarts included. What it lists is read
when it is sent (bot.usecases.escalation); a supervisor whose divisions have all answered by
then is sent nothing. Planned here, apart from the planner, and called from the one tick.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.planner import PlannedRound, PlannerConfig
from scheduler.schedule import PlanSchedule
from scheduler.tickconfig import TickConfig, TickReport
from scheduler.workdays import WorkCalendar
from storage import deliveries as store
from storage.answers import silent_division_ids
from storage.deliveries import DueDelivery
from storage.keys import delivery_key
from storage.oversight import ESCALATION, scope_of, supervisors
from storage.rounds import rounds_of

__all__ = ["ESCALATION", "EscalationTime", "escalation_time", "still_silent", "sync_escalations"]


@dataclass(frozen=True)
class EscalationTime:
    """When a round's silent divisions are escalated, and when that is moot (UTC-aware)."""

    due_at: dt.datetime
    stale_at: dt.datetime


def escalation_time(
    planned: PlannedRound, calendar: WorkCalendar, config: PlannerConfig, tz: dt.tzinfo
) -> EscalationTime | None:
    """The round's escalation: N working days before its close; None when that is too late."""
    close_day = planned.closes_at.astimezone(tz).date()
    day = calendar.working_days_before(close_day, config.escalation_working_days_before)
    due = dt.datetime.combine(day, config.notice_time, tzinfo=tz).astimezone(dt.UTC)
    return EscalationTime(due, planned.closes_at) if due < planned.closes_at else None


async def sync_escalations(
    session: AsyncSession,
    schedule: PlanSchedule,
    now: dt.datetime,
    config: TickConfig,
    calendar: WorkCalendar,
    report: TickReport,
) -> None:
    """Record each supervisor's escalation of every round due by `now` (once per round)."""
    due: list[tuple[PlannedRound, EscalationTime]] = []
    for planned in schedule.rounds:
        when = escalation_time(planned, calendar, config.planner, config.tz)
        if when is None or planned.opens_at > now or when.due_at > now:
            continue
        if when.stale_at > now - config.catchup:  # older ones are not even recorded
            due.append((planned, when))
    if not due:
        return
    people = await supervisors(session)
    if not people:
        return
    stored = await rounds_of(session, schedule.plan.id, {p.key for p, _ in due})
    for planned, when in due:
        round_ = stored.get(planned.key)
        if round_ is None:
            continue
        keys = {pid: delivery_key(ESCALATION, round_.id, None, pid) for pid in people}
        known = await store.existing_keys(session, list(keys.values()))
        todo = [pid for pid in people if keys[pid] not in known]
        if not todo:
            continue  # every supervisor has theirs: no need to count the silent again
        silent = await silent_division_ids(session, round_.id)
        stale = when.stale_at <= now
        intents = [
            store.Intent(
                key=keys[pid],
                kind=ESCALATION,
                round_id=round_.id,
                division_id=None,
                person_id=pid,
                chat_id=people[pid][0].chat_id,
                due_at=when.due_at,
                stale_at=when.stale_at,
                state="skipped" if stale else "pending",
                last_error="stale: due while the bot was not running" if stale else "",
            )
            for pid in todo
            if any(people[pid][1].covers(d) for d in planned.division_ids if d in silent)
        ]
        added = await store.add_intents(session, intents)
        if stale:
            report.recorded_skipped += added
        else:
            report.created += added


async def still_silent(session: AsyncSession, item: DueDelivery) -> bool:
    """Whether a division the escalation's supervisor oversees still owes the round answers."""
    if item.round_id is None:
        return False
    scope = await scope_of(session, item.person_id)
    return any(scope.covers(d) for d in await silent_division_ids(session, item.round_id))
