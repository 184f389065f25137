"""The head's "while you were away" summary: recorded once by the tick when a range ends.

Keyed (away_summary, -, division, head, away-<range>): recorded once however often the tick
runs, sent once, restarts included. A range cancelled before it began sends nothing. What the
summary says is read when it is sent (bot.usecases.standins). Called from the one tick.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.tickconfig import TickConfig, TickReport
from storage import deliveries as store
from storage.keys import delivery_key
from storage.models import Person
from storage.standins import AWAY_SUMMARY, ended_between, summary_slot

__all__ = ["sync_away_summaries"]


async def sync_away_summaries(
    session: AsyncSession, now: dt.datetime, config: TickConfig, report: TickReport
) -> None:
    """Record the summary of every range that ended within the catch-up window, once each."""
    intents = []
    for row in await ended_between(session, now - config.catchup, now):
        head = await session.get(Person, row.head_id)
        if head is None:
            continue
        ended = row.cancelled_at if row.cancelled_at is not None else row.ends_at
        intents.append(
            store.Intent(
                key=delivery_key(
                    AWAY_SUMMARY, None, row.division_id, head.id, slot=summary_slot(row.id)
                ),
                kind=AWAY_SUMMARY,
                round_id=None,
                division_id=row.division_id,
                person_id=head.id,
                chat_id=head.chat_id,
                due_at=min(ended, row.ends_at),
                stale_at=None,
            )
        )
    report.created += await store.add_intents(session, intents)
