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
* The database failing after a send (it went away mid-round) does not make the send ambiguous:
  the outcome is kept in `TickState` and recorded first by the next tick, before anything else
  is sent. Only a crash while it is kept there falls back to the rule above.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

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

__all__ = ["REMINDER_KINDS", "TickConfig", "TickReport", "TickState", "tick"]

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
    # Sends in flight at once: with Telegram ~0.1-0.3 s away, one at a time cannot reach 30/s.
    send_concurrency: int = 8
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


@dataclass(frozen=True)
class _Unrecorded:
    item: store.DueDelivery
    attempts: int
    outcome: Outcome
    at: dt.datetime


@dataclass
class TickState:
    """What one tick leaves to the next in memory: outcomes the database refused to record."""

    unrecorded: list[_Unrecorded] = field(default_factory=list)


async def tick(
    sessions: async_sessionmaker[AsyncSession],
    now: dt.datetime,
    deliver: Deliver,
    config: TickConfig,
    calendar: WorkCalendar,
    state: TickState | None = None,
) -> TickReport:
    """One pass: sync meetings, rounds and intents for `now`; skip the stale; send the due.

    Raises when the database fails; pass the same `state` to every tick so that outcomes it
    could not record are recorded by the next one.
    """
    if now.tzinfo is None:
        raise ValueError("tick needs an aware `now`")
    report = TickReport()
    state = state if state is not None else TickState()
    # Before anything else: until these are recorded, their rows look in flight.
    while state.unrecorded:
        kept = state.unrecorded[0]
        async with sessions() as session, session.begin():
            await _record(session, kept.item, kept.attempts, kept.outcome, kept.at, config, report)
        state.unrecorded.pop(0)
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
    await _send_all(sessions, due, now, deliver, config, report, state)
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
        due_now = [
            n for n in planned.notices if n.due_at <= now and n.stale_at > now - config.catchup
        ]
        for notice in due_now:
            intents = await _intents(session, stored, planned, notice, now, people)
            if notice.kind in REMINDER_KINDS:
                intents = await _drop_superseded(session, stored.id, notice, due_now, now, intents)
            skipped = [i for i in intents if i.state == "skipped"]
            report.recorded_skipped += await store.add_intents(session, skipped)
            report.created += await store.add_intents(
                session, [i for i in intents if i.state != "skipped"]
            )


# A reminder right after the request itself is noise: within this long of it, none is sent.
ASK_QUIET = dt.timedelta(hours=20)
ASK_KINDS = ("prompt", "request")


async def _drop_superseded(
    session: AsyncSession,
    round_id: int,
    notice: PlannedNotice,
    due_now: list[PlannedNotice],
    now: dt.datetime,
    intents: list[store.Intent],
) -> list[store.Intent]:
    """Record as skipped the reminders that would only repeat what the person just got.

    After downtime or a late enrolment several notices of one round fall due at once; the
    person should get the request (or the latest reminder), not the request and every reminder.
    """
    later = any(
        n.kind in REMINDER_KINDS and n.due_at > notice.due_at and n.stale_at > now for n in due_now
    )
    recent = await store.recently_asked(session, round_id, ASK_KINDS, now - ASK_QUIET)
    out = []
    for intent in intents:
        if intent.state == "pending" and (later or intent.person_id in recent):
            reason = "superseded by a later reminder" if later else "the request was just sent"
            intent = replace(intent, state="skipped", last_error=reason)
        out.append(intent)
    return out


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


async def _send_all(
    sessions: async_sessionmaker[AsyncSession],
    due: list[store.DueDelivery],
    now: dt.datetime,
    deliver: Deliver,
    config: TickConfig,
    report: TickReport,
    state: TickState,
) -> None:
    """Send `due` with up to `send_concurrency` workers; re-raise the first failure."""
    queue = iter(due)  # shared: each item goes to exactly one worker
    # Our own writes take turns: SQLite has one writer, and waiting on its busy handler
    # (sleeps of up to 100 ms) would cost more than the few milliseconds each write takes.
    writes = asyncio.Lock()
    failures: list[Exception] = []

    async def worker() -> None:
        for item in queue:
            if failures:
                return  # the database failed: stop starting sends, let those in flight end
            try:
                await _send_one(sessions, item, now, deliver, config, report, state, writes)
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


async def _send_one(
    sessions: async_sessionmaker[AsyncSession],
    item: store.DueDelivery,
    now: dt.datetime,
    deliver: Deliver,
    config: TickConfig,
    report: TickReport,
    state: TickState,
    writes: asyncio.Lock,
) -> None:
    async with writes, sessions() as session, session.begin():
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
        if not await store.begin_send(session, item.id, now, item.attempts):
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
    try:
        async with writes, sessions() as session, session.begin():
            await _record(session, item, outgoing.attempts, outcome, now, config, report)
    except Exception:
        # We know what Telegram answered; the database could not take it. Keep it for the next
        # tick rather than leave the row looking in flight (which would send it again).
        state.unrecorded.append(_Unrecorded(item, outgoing.attempts, outcome, now))
        raise


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
    elif isinstance(outcome, Failed) or (
        # A 429 (Retry with Telegram's `after`) says "not now", not "this cannot go": under
        # sustained flood control it must not use up the attempts and lose the prompt. Its
        # moment passing (stale) still bounds it.
        attempts >= config.max_attempts and outcome.after is None
    ):
        await store.mark_final(session, item.id, "failed", outcome.error)
        report.failed += 1
        log.error("delivery %s failed for good: %s", item.id, outcome.error)
    else:
        delay = outcome.after
        if delay is None:
            delay = min(config.backoff_cap, config.backoff_base * 2 ** (attempts - 1))
        await store.mark_retry(session, item.id, now + dt.timedelta(seconds=delay), outcome.error)
        report.retried += 1
