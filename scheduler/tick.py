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
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.outcomes import Deliver, Failed, Outcome, Outgoing, Retry, Sent, Unreachable
from scheduler.planner import PlannedNotice, PlannedRound, PlannerConfig
from scheduler.schedule import PlanSchedule, load_schedule
from scheduler.workdays import WorkCalendar
from storage import deliveries as store
from storage.answers import silent_division_ids
from storage.keys import delivery_key
from storage.models import Person, Round
from storage.people import coordinators, division_people, mark_unreachable
from storage.rounds import RoundSpec, all_plans, upsert_rounds

log = logging.getLogger(__name__)

__all__ = ["REMINDER_KINDS", "TickConfig", "TickReport", "tick"]

# Kinds that go only to divisions that are still silent (re-checked just before sending).
REMINDER_KINDS = frozenset({"reminder", "reminder1", "reminder2", "nudge"})


@dataclass(frozen=True)
class TickConfig:
    """How the tick plans, catches up and retries."""

    planner: PlannerConfig = field(default_factory=PlannerConfig)
    tz: dt.tzinfo = dt.UTC
    # Notices that went stale longer ago than this are not even recorded as skipped:
    # a fresh database over an old plan should not fill with years of skipped rows.
    catchup: dt.timedelta = dt.timedelta(days=7)
    # A send in flight for less than this may still be running elsewhere; leave it alone.
    inflight_grace: dt.timedelta = dt.timedelta(minutes=2)
    batch_limit: int = 300
    backoff_base: float = 30.0
    backoff_cap: float = 3600.0
    max_attempts: int = 15


@dataclass
class TickReport:
    """What one tick did (logged, and asserted on by tests)."""

    rounds: int = 0
    created: int = 0
    recorded_skipped: int = 0
    stale_skipped: int = 0
    answered_skipped: int = 0
    sent: int = 0
    retried: int = 0
    unreachable: int = 0
    failed: int = 0
    resumed: int = 0


async def tick(
    sessions: async_sessionmaker[AsyncSession],
    now: dt.datetime,
    deliver: Deliver,
    config: TickConfig,
    calendar: WorkCalendar,
) -> TickReport:
    """One pass: sync meetings, rounds and intents for `now`; skip the stale; send the due."""
    if now.tzinfo is None:
        raise ValueError("tick needs an aware `now`")
    report = TickReport()
    async with sessions() as session, session.begin():
        for plan in await all_plans(session):
            schedule = await load_schedule(
                session, plan, calendar, config.planner, config.tz, materialize=True
            )
            await _sync_plan(session, schedule, now, config, report)
        report.stale_skipped = await store.skip_stale(session, now)
    async with sessions() as session:
        due = await store.due_deliveries(
            session,
            now,
            inflight_before=now - config.inflight_grace,
            limit=config.batch_limit,
        )
    for item in due:
        await _send_one(sessions, item, now, deliver, config, report)
    if any(vars(report).values()):
        log.info("tick %s: %s", now.isoformat(), report)
    return report


async def _sync_plan(
    session: AsyncSession,
    schedule: PlanSchedule,
    now: dt.datetime,
    config: TickConfig,
    report: TickReport,
) -> None:
    # A round exists from its opening on (its items frozen then), so nobody answers early.
    opened = [r for r in schedule.rounds if r.opens_at <= now]
    rounds = await upsert_rounds(
        session,
        schedule.plan.id,
        [
            RoundSpec(
                kind=r.kind,
                key=r.key,
                covers_start=r.covers_start,
                covers_end=r.covers_end,
                opens_at=r.opens_at,
                closes_at=r.closes_at,
                meeting_id=schedule.meeting_id(r.meeting_month),
                items=r.items,
            )
            for r in opened
        ],
    )
    report.rounds += len(opened)
    people: dict[int, list[Person]] = {}
    for planned in opened:
        stored = rounds[planned.key]
        for notice in planned.notices:
            if notice.due_at > now or notice.stale_at <= now - config.catchup:
                continue
            intents = await _intents(session, stored, planned, notice, now, people)
            inserted = await store.add_intents(session, intents)
            if intents and intents[0].state == "skipped":
                report.recorded_skipped += inserted
            else:
                report.created += inserted


async def _recipients(
    session: AsyncSession,
    division_ids: Iterable[int],
    people: dict[int, list[Person]],
) -> list[tuple[int, Person]]:
    out: list[tuple[int, Person]] = []
    for division_id in division_ids:
        if division_id not in people:
            people[division_id] = await division_people(session, division_id)
        out.extend((division_id, p) for p in people[division_id])
    return out


async def _intents(
    session: AsyncSession,
    stored: Round,
    planned: PlannedRound,
    notice: PlannedNotice,
    now: dt.datetime,
    people: dict[int, list[Person]],
) -> list[store.Intent]:
    """Who gets this notice now: reachable people only (unreachable ones get no row yet)."""
    if notice.audience == "coordinators":
        targets: list[tuple[int | None, Person]] = [(None, p) for p in await coordinators(session)]
    else:
        divisions: Iterable[int] = planned.division_ids
        if notice.audience == "silent":
            silent = await silent_division_ids(session, stored.id)
            divisions = [d for d in planned.division_ids if d in silent]
        targets = list(await _recipients(session, divisions, people))
    stale = notice.stale_at <= now
    return [
        store.Intent(
            key=delivery_key(notice.kind, stored.id, division_id, person.id),
            kind=notice.kind,
            round_id=stored.id,
            division_id=division_id,
            person_id=person.id,
            chat_id=person.chat_id,
            due_at=notice.due_at,
            stale_at=notice.stale_at,
            # Due while the bot was down and stale since: kept as a record, never sent.
            state="skipped" if stale else "pending",
            last_error="stale: due while the bot was not running" if stale else "",
        )
        for division_id, person in targets
    ]


async def _send_one(
    sessions: async_sessionmaker[AsyncSession],
    item: store.DueDelivery,
    now: dt.datetime,
    deliver: Deliver,
    config: TickConfig,
    report: TickReport,
) -> None:
    async with sessions() as session, session.begin():
        if (
            item.kind in REMINDER_KINDS
            and item.round_id is not None
            and item.division_id is not None
            and item.division_id not in await silent_division_ids(session, item.round_id)
        ):
            # The division answered everything since the reminder was recorded: say nothing.
            await store.mark_final(session, item.id, "skipped", "answered before it was sent")
            report.answered_skipped += 1
            return
        # Committed before the request leaves: this is the intent the crash rule is about.
        if not await store.begin_send(session, item.id, now):
            return
    if item.interrupted:
        # Decision: at-least-once for a send interrupted by a crash (see the module docstring).
        log.warning("delivery %s (%s) was in flight at a stop; sending again", item.id, item.key)
        report.resumed += 1
    outgoing = Outgoing(
        delivery_id=item.id,
        kind=item.kind,
        round_id=item.round_id,
        division_id=item.division_id,
        person_id=item.person_id,
        chat_id=item.chat_id,
        language=item.language,
        attempts=item.attempts + 1,
    )
    try:
        outcome: Outcome = await deliver(outgoing)
    except Exception as exc:  # a rendering bug must not stop the other deliveries
        log.exception("delivery %s raised", item.id)
        outcome = Retry(f"{type(exc).__name__}: {exc}")
    async with sessions() as session, session.begin():
        await _record(session, item, outgoing.attempts, outcome, now, config, report)


async def _record(
    session: AsyncSession,
    item: store.DueDelivery,
    attempts: int,
    outcome: Outcome,
    now: dt.datetime,
    config: TickConfig,
    report: TickReport,
) -> None:
    if isinstance(outcome, Sent):
        await store.mark_sent(session, item.id, outcome.message_id, now)
        report.sent += 1
    elif isinstance(outcome, Unreachable):
        # Same transaction as the delivery: the person is skipped until they write again,
        # and this delivery waits (pending) for that, unless it goes stale first.
        await mark_unreachable(session, item.person_id, now)
        await store.mark_retry(session, item.id, None, f"unreachable: {outcome.error}")
        report.unreachable += 1
    elif isinstance(outcome, Failed) or attempts >= config.max_attempts:
        await store.mark_final(session, item.id, "failed", outcome.error)
        report.failed += 1
        log.error("delivery %s failed for good: %s", item.id, outcome.error)
    else:
        delay = outcome.after
        if delay is None:
            delay = min(config.backoff_cap, config.backoff_base * 2 ** (attempts - 1))
        await store.mark_retry(session, item.id, now + dt.timedelta(seconds=delay), outcome.error)
        report.retried += 1
