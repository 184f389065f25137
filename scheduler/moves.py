"""A meeting moved by hand: its round follows at once, and those already prompted are told.

The tick would move the round's close at its next run; a move does it in its own transaction
instead, so that an answer confirmed right after the move is judged by the new close, and the
marks of answers given so far are recomputed with it. Each division already prompted gets one
"meeting moved" notice per move: a keyed delivery (kind `moved`, the move in its slot), sent by
the tick like every other notice, so it goes exactly once however often the tick runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.planner import PlannerConfig, month_key
from scheduler.schedule import load_calendar, load_schedule
from scheduler.sync import round_spec
from storage import deliveries as store
from storage.keys import delivery_key
from storage.meeting_moves import MOVED, prompted_division_ids
from storage.models import Plan
from storage.people import division_people
from storage.rounds import rounds_of, sync_rounds

__all__ = ["MOVED", "MoveFollowed", "follow_moved_meeting"]


@dataclass(frozen=True)
class MoveFollowed:
    """What a move changed beyond the meeting: notices recorded, answers' late marks changed."""

    notices: int = 0
    remarked: int = 0


async def follow_moved_meeting(
    session: AsyncSession,
    plan: Plan,
    month: dt.date,
    config: PlannerConfig,
    tz: dt.tzinfo,
    *,
    now: dt.datetime,
    slot: str,
) -> MoveFollowed:
    """Re-plan the month's round from the stored meeting; tell its prompted divisions.

    Does nothing before the round exists (the tick makes it at its opening, from the stored
    meeting) or when the round has no meeting this month. `slot` names the move (one notice
    per division and person per move).
    """
    key = month_key(month)
    stored = (await rounds_of(session, plan.id, {key})).get(key)
    if stored is None:
        return MoveFollowed()
    calendar = await load_calendar(session)
    schedule = await load_schedule(session, plan, calendar, config, tz, materialize=False)
    planned = next((r for r in schedule.rounds if r.key == key), None)
    if planned is None:
        return MoveFollowed()
    synced = await sync_rounds(session, plan.id, [round_spec(schedule, planned)])
    intents = []
    for division_id in sorted(await prompted_division_ids(session, stored.id)):
        for person in await division_people(session, division_id):
            intents.append(
                store.Intent(
                    key=delivery_key(MOVED, stored.id, division_id, person.id, slot=slot),
                    kind=MOVED,
                    round_id=stored.id,
                    division_id=division_id,
                    person_id=person.id,
                    chat_id=person.chat_id,
                    due_at=now,
                    # Moot once the meeting starts, like every notice of the round.
                    stale_at=planned.closes_at,
                )
            )
    recorded = await store.add_intents(session, intents)
    return MoveFollowed(recorded, synced.remarked)
