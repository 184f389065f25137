"""The tick's first job: the plan's opened rounds and their due notices as delivery intents.

Each intent is keyed by (kind, round, division, person), so recording it again is a no-op.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.planner import PlannedNotice, PlannedRound
from scheduler.schedule import PlanSchedule
from scheduler.tickconfig import TickConfig, TickReport
from storage import deliveries as store
from storage.answers import silent_division_ids
from storage.keys import delivery_key
from storage.models import Person, Round
from storage.people import coordinators, division_people
from storage.rounds import RoundSpec, sync_rounds

__all__ = ["ASK_KINDS", "ASK_QUIET", "REMINDER_KINDS", "sync_plan"]

# Kinds that go only to divisions that are still silent (re-checked just before sending).
REMINDER_KINDS = frozenset({"reminder", "reminder1", "reminder2", "nudge"})
# A reminder right after the request itself is noise: within this long of it, none is sent.
ASK_QUIET = dt.timedelta(hours=20)
ASK_KINDS = ("prompt", "request")


def round_spec(schedule: PlanSchedule, r: PlannedRound) -> RoundSpec:
    """A planned round as storage makes it (the meeting's stored id included)."""
    return RoundSpec(
        kind=r.kind,
        key=r.key,
        covers_start=r.covers_start,
        covers_end=r.covers_end,
        opens_at=r.opens_at,
        closes_at=r.closes_at,
        meeting_id=schedule.meeting_id(r.meeting_month),
        items=r.items,
    )


async def sync_plan(
    session: AsyncSession,
    schedule: PlanSchedule,
    now: dt.datetime,
    config: TickConfig,
    report: TickReport,
) -> None:
    """Store the rounds opened by `now` and record an intent for each notice due by then."""
    # A round exists from its opening on (its items frozen then), so nobody answers early.
    opened = [r for r in schedule.rounds if r.opens_at <= now]
    synced = await sync_rounds(session, schedule.plan.id, [round_spec(schedule, r) for r in opened])
    rounds = synced.by_key
    report.rounds += synced.made
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
