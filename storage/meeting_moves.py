"""What a moved meeting changes in stored rounds: late marks, and who was already prompted.

A monthly round closes when its meeting starts, and an answer confirmed at or after the close
is late. When the close moves, the marks follow it (in the transaction that moves it), so an
answer given between the old and the new meeting is on time, and the reverse when the meeting
comes earlier. The "meeting moved" notice goes to the divisions whose prompt went out.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery, Report
from storage.nudges import NUDGE
from storage.reviews import RETURN_NOTICE

# The delivery kind of a "meeting moved" notice; its key's slot is the move (its audit id).
MOVED = "moved"


async def remark_late(session: AsyncSession, round_id: int, closes_at: datetime) -> int:
    """Mark the round's answers late or on time by `closes_at`; how many marks changed."""
    changed = 0
    marks = ((True, Report.created_at >= closes_at), (False, Report.created_at < closes_at))
    for late, when in marks:
        result = await session.execute(
            update(Report)
            .where(Report.round_id == round_id, Report.late.is_not(late), when)
            .values(late=late)
        )
        changed += int(getattr(result, "rowcount", 0) or 0)
    return changed


async def follow_close(
    session: AsyncSession, round_id: int, old_close: datetime, new_close: datetime
) -> int:
    """The round's close moved: its pending notices and late marks follow; marks changed.

    A notice stale at the old close (prompt, reminder, digest, moved) is stale at the new one;
    a pending nudge (stale at midnight) stops at the new close if that is sooner; a return
    notice (stale when late answers stop, some days after the close) keeps that distance.
    """
    pending = (Delivery.round_id == round_id, Delivery.state == "pending")
    await session.execute(
        update(Delivery).where(*pending, Delivery.stale_at == old_close).values(stale_at=new_close)
    )
    await session.execute(
        update(Delivery)
        .where(*pending, Delivery.kind == NUDGE, Delivery.stale_at > new_close)
        .values(stale_at=new_close)
    )
    returns = await session.scalars(
        select(Delivery).where(*pending, Delivery.kind == RETURN_NOTICE)
    )
    for row in returns:
        if row.stale_at is not None:
            row.stale_at += new_close - old_close
    return await remark_late(session, round_id, new_close)


async def prompted_division_ids(session: AsyncSession, round_id: int) -> set[int]:
    """The divisions of the round whose prompt (or quarterly request) went out to someone."""
    q = select(Delivery.division_id).where(
        Delivery.round_id == round_id,
        Delivery.kind.in_(("prompt", "request")),
        Delivery.state == "sent",
        Delivery.division_id.is_not(None),
    )
    return {d for d in (await session.scalars(q)).all() if d is not None}
