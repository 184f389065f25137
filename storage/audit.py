"""The audit log: who did what, when (enrolments, revocations, refusals)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEvent
from storage.text import clean_json, clean_text
from storage.types import utcnow

# Action names, one place so the bot, the CLI and the tests agree on them.
ENROL = "enrol"
ENROL_REFUSED = "enrol.refused"
INVITE_CREATED = "invite.created"
INVITE_REVOKED = "invite.revoked"
MEMBERSHIP_REVOKED = "membership.revoked"
STRANGER_REFUSED = "stranger.refused"
ACTION_REFUSED = "action.refused"
# A coordinator's decision on an answer (detail: the answer and its item; note: the comment).
REVIEW_ACCEPTED = "review.accepted"
REVIEW_RETURNED = "review.returned"
# A head's stand-in for a range of days, named or cancelled (detail: the range, who, via).
STANDIN_SET = "standin.set"
STANDIN_CANCELLED = "standin.cancelled"


async def record(
    session: AsyncSession,
    action: str,
    *,
    actor_person_id: int | None = None,
    actor_telegram_id: int | None = None,
    detail: dict[str, Any] | None = None,
    note: str = "",
    at: datetime | None = None,
) -> AuditEvent:
    """Add one audit event to the session (the caller commits with its own change)."""
    event = AuditEvent(
        at=at or utcnow(),
        action=action,
        actor_person_id=actor_person_id,
        actor_telegram_id=actor_telegram_id,
        detail=clean_json(dict(detail or {})),
        note=clean_text(note),
    )
    session.add(event)
    await session.flush()
    return event


async def recent(
    session: AsyncSession, limit: int = 50, action: str | None = None
) -> list[AuditEvent]:
    """The newest events first, at most `limit`, optionally of one action."""
    q = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if action is not None:
        q = q.where(AuditEvent.action == action)
    return list(await session.scalars(q))


async def note_stranger(
    session: AsyncSession,
    telegram_id: int,
    detail: dict[str, Any],
    *,
    since: datetime,
    at: datetime,
) -> bool:
    """Count a stranger's attempt in one row per stranger per day; True when it is the first.

    A flood of messages from one stranger is one row (its `count` and last attempt grow),
    not one row a message.
    """
    row = await session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.action == STRANGER_REFUSED,
            AuditEvent.actor_telegram_id == telegram_id,
            AuditEvent.at >= since,
        )
        .order_by(AuditEvent.id)
        .limit(1)
    )
    if row is None:
        await record(
            session,
            STRANGER_REFUSED,
            actor_telegram_id=telegram_id,
            detail={**detail, "count": 1},
            at=at,
        )
        return True
    count = int(row.detail.get("count", 1)) + 1
    # A new dict: JSON columns track reassignment, not in-place change.
    merged = clean_json({**row.detail, "count": count, "last": detail, "last_at": at.isoformat()})
    await session.execute(update(AuditEvent).where(AuditEvent.id == row.id).values(detail=merged))
    return False
