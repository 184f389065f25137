"""Personal data queries: everything kept about a person, forgetting them, the retention purge.

No rules here about who may ask (bot/usecases/privacy.py decides); only what is read,
replaced or deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AuditEvent,
    Delivery,
    Draft,
    Membership,
    PendingReview,
    Person,
    Report,
    Review,
)
from storage.oversight import forget_oversight, oversight_rows
from storage.standins import forget_ranges, ranges

# The pseudonym that replaces a forgotten person's name: stable (the same person row always
# gets the same one) and meaningless outside this database.
PSEUDONYM = "removed-{id}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def find_person(
    session: AsyncSession, *, person_id: int | None = None, telegram_id: int | None = None
) -> Person | None:
    """A person by database id or by Telegram user id."""
    if person_id is not None:
        return await session.get(Person, person_id)
    return await session.scalar(select(Person).where(Person.telegram_user_id == telegram_id))


async def has_active_role(session: AsyncSession, person_id: int) -> bool:
    """Whether the person still holds any role."""
    q = select(Membership.id).where(
        Membership.person_id == person_id, Membership.revoked_at.is_(None)
    )
    return (await session.scalar(q.limit(1))) is not None


def _person(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "telegram_user_id": person.telegram_user_id,
        "chat_id": person.chat_id,
        "name": person.name,
        "username": person.username,
        "language": person.language,
        "unreachable_since": _iso(person.unreachable_since),
        "created_at": _iso(person.created_at),
    }


async def everything_about(session: AsyncSession, person: Person) -> dict[str, Any]:
    """Every stored record about a person, as plain JSON-able data (for /mydata)."""
    roles = await session.scalars(select(Membership).where(Membership.person_id == person.id))
    reports = await session.scalars(select(Report).where(Report.person_id == person.id))
    drafts = await session.scalars(select(Draft).where(Draft.person_id == person.id))
    events = await session.scalars(
        select(AuditEvent).where(
            (AuditEvent.actor_person_id == person.id)
            | (AuditEvent.actor_telegram_id == person.telegram_user_id)
        )
    )
    notices = await session.scalars(select(Delivery).where(Delivery.person_id == person.id))
    reviews = await session.scalars(select(Review).where(Review.reviewer_id == person.id))
    return {
        "person": _person(person),
        "roles": [
            {
                "role": m.role,
                "division_id": m.division_id,
                "since": _iso(m.created_at),
                "revoked_at": _iso(m.revoked_at),
            }
            for m in roles
        ],
        "answers": [
            {
                "id": r.id,
                "round_id": r.round_id,
                "measure_id": r.measure_id,
                "division_id": r.division_id,
                "status": r.status,
                "text": r.text,
                "late": r.late,
                "created_at": _iso(r.created_at),
            }
            for r in reports
        ],
        "drafts": [
            {"status": d.status, "text": d.text, "evidence": d.evidence, "at": _iso(d.updated_at)}
            for d in drafts
        ],
        "reviews": [
            {
                "report_id": r.report_id,
                "decision": r.decision,
                "comment": r.comment,
                "at": _iso(r.at),
            }
            for r in reviews
        ],
        **await _cover(session, person.id),
        "audit": [{"at": _iso(e.at), "action": e.action, "detail": e.detail} for e in events],
        "notices": [
            {"kind": n.kind, "state": n.state, "due_at": _iso(n.due_at), "sent_at": _iso(n.sent_at)}
            for n in notices
        ],
    }


async def _cover(session: AsyncSession, person_id: int) -> dict[str, Any]:
    """What the person oversees, and the ranges they were away in or stood in for."""
    oversight = await oversight_rows(session, person_id)
    away = await ranges(session, person_id=person_id)
    return {
        "oversight": [
            {"membership_id": m, "division_id": d if d is not None else "all"} for m, d in oversight
        ],
        "stand_in_ranges": [
            {
                "as": "head" if r.head_id == person_id else "stand_in",
                "head_id": r.head_id,
                "stand_in_id": r.stand_in_id,
                "division_id": r.division_id,
                "first_day": r.first_day.isoformat(),
                "last_day": r.last_day.isoformat(),
                "cancelled_at": _iso(r.cancelled_at),
            }
            for r in away
        ],
    }


async def forget(session: AsyncSession, person: Person) -> str:
    """Replace a person's contact data by a pseudonym on every row that must stay.

    Names, username and Telegram ids go; answers and audit rows keep pointing at the same
    person row, now named by the pseudonym. The pseudonymous Telegram id is the negated row
    id: real user ids are positive, so it can never match anyone who writes.
    """
    old_telegram_id, pseudonym = person.telegram_user_id, PSEUDONYM.format(id=person.id)
    person.name, person.username = pseudonym, None
    person.telegram_user_id = person.chat_id = -person.id
    await session.execute(
        update(AuditEvent)
        .where(AuditEvent.actor_telegram_id == old_telegram_id)
        .values(actor_telegram_id=-person.id)
    )
    await session.execute(
        update(Delivery).where(Delivery.person_id == person.id).values(chat_id=-person.id)
    )
    await session.execute(delete(Draft).where(Draft.person_id == person.id))
    await session.execute(delete(PendingReview).where(PendingReview.person_id == person.id))
    # What they oversaw and the days they were away or stood in: gone with the person.
    await forget_oversight(session, person.id)
    await forget_ranges(session, person.id)
    await session.flush()
    return pseudonym


async def purge(session: AsyncSession, before: datetime) -> tuple[int, int]:
    """Delete strangers' audit rows older than `before`, and removed people's drafts.

    Returns (audit rows, drafts) deleted. A stranger's row is one with a Telegram id and no
    person; a removed person is one without any active role.
    """
    strangers = await session.execute(
        delete(AuditEvent).where(
            AuditEvent.actor_person_id.is_(None),
            AuditEvent.actor_telegram_id.is_not(None),
            AuditEvent.at < before,
        )
    )
    active = exists().where(
        Membership.person_id == Draft.person_id, Membership.revoked_at.is_(None)
    )
    drafts = await session.execute(delete(Draft).where(~active))
    return int(getattr(strangers, "rowcount", 0) or 0), int(getattr(drafts, "rowcount", 0) or 0)
