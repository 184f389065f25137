"""Supervisors and what they oversee: their divisions, who of them to tell, who was reminded.

Queries only: when a division is escalated, and to whom, is the scheduler's (scheduler/escalation)
and who may do what is the use cases'. A supervisor's role is a membership with no division;
its `oversight` rows name the divisions (a row with no division: every division).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SUPERVISOR, Delivery, Division, Membership, Oversight, Person

# The delivery kind of a supervisor's notice of their silent divisions.
ESCALATION = "escalation"


@dataclass(frozen=True)
class Scope:
    """The divisions one person oversees: every division, or these."""

    every: bool
    division_ids: frozenset[int]

    def covers(self, division_id: int) -> bool:
        """Whether the scope includes the division."""
        return self.every or division_id in self.division_ids


NOTHING = Scope(False, frozenset())


async def add_oversight(
    session: AsyncSession, membership_id: int, division_ids: Sequence[int] | None
) -> None:
    """Name the divisions a supervisor's membership oversees (None: every division)."""
    wanted: Sequence[int | None] = [None] if division_ids is None else sorted(set(division_ids))
    session.add_all(Oversight(membership_id=membership_id, division_id=d) for d in wanted)
    await session.flush()


async def scope_of(session: AsyncSession, person_id: int) -> Scope:
    """What the person oversees through their active supervisor roles."""
    rows = await session.scalars(
        select(Oversight.division_id)
        .join(Membership, Membership.id == Oversight.membership_id)
        .where(
            Membership.person_id == person_id,
            Membership.role == SUPERVISOR,
            Membership.revoked_at.is_(None),
        )
    )
    ids = list(rows)
    if not ids:
        return NOTHING
    return Scope(any(d is None for d in ids), frozenset(d for d in ids if d is not None))


async def supervisors(session: AsyncSession) -> dict[int, tuple[Person, Scope]]:
    """Every reachable person with an active supervisor role, with what they oversee."""
    rows = await session.execute(
        select(Person, Oversight.division_id)
        .join(Membership, Membership.person_id == Person.id)
        .join(Oversight, Oversight.membership_id == Membership.id)
        .where(
            Membership.role == SUPERVISOR,
            Membership.revoked_at.is_(None),
            Person.unreachable_since.is_(None),
        )
        .order_by(Person.id)
    )
    found: dict[int, tuple[Person, set[int | None]]] = {}
    for person, division_id in rows.all():
        found.setdefault(person.id, (person, set()))[1].add(division_id)
    return {
        pid: (p, Scope(None in ids, frozenset(d for d in ids if d is not None)))
        for pid, (p, ids) in found.items()
    }


async def oversight_rows(session: AsyncSession, person_id: int) -> list[tuple[int, int | None]]:
    """(membership id, division id or None) of every oversight the person ever held."""
    rows = await session.execute(
        select(Oversight.membership_id, Oversight.division_id)
        .join(Membership, Membership.id == Oversight.membership_id)
        .where(Membership.person_id == person_id)
        .order_by(Oversight.id)
    )
    return [(m, d) for m, d in rows.all()]


async def forget_oversight(session: AsyncSession, person_id: int) -> int:
    """Remove every oversight row of the person's memberships (forgetting); how many."""
    ids = select(Membership.id).where(Membership.person_id == person_id)
    result = await session.execute(delete(Oversight).where(Oversight.membership_id.in_(ids)))
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class Reminded:
    """One person of a division asked in a round, and when the newest notice reached them."""

    division_id: int
    name: str
    kind: str
    sent_at: datetime


# What counts as "reminded" in an escalation: the request itself, reminders and nudges.
ASKED_KINDS = ("prompt", "request", "reminder", "reminder1", "reminder2", "nudge")


async def reminded(
    session: AsyncSession, round_id: int, division_ids: Collection[int]
) -> list[Reminded]:
    """Who of each division was sent the round's request or a reminder, newest notice each."""
    rows = await session.execute(
        select(Delivery.division_id, Person.id, Person.name, Delivery.kind, Delivery.sent_at)
        .join(Person, Person.id == Delivery.person_id)
        .where(
            Delivery.round_id == round_id,
            Delivery.division_id.in_(list(division_ids)),
            Delivery.kind.in_(ASKED_KINDS),
            Delivery.state == "sent",
        )
        .order_by(Delivery.sent_at, Delivery.id)
    )
    newest: dict[tuple[int, int], Reminded] = {}
    for division_id, person_id, name, kind, sent_at in rows.all():
        if division_id is not None and sent_at is not None:
            newest[(division_id, person_id)] = Reminded(division_id, name, kind, sent_at)
    return sorted(newest.values(), key=lambda r: (r.division_id, r.sent_at, r.name))


async def overseen_codes(session: AsyncSession) -> dict[int, tuple[str, ...]]:
    """Each active supervisor membership's overseen division codes ("all": every division)."""
    rows = await session.execute(
        select(Oversight.membership_id, Division.code)
        .join(Membership, Membership.id == Oversight.membership_id)
        .outerjoin(Division, Division.id == Oversight.division_id)
        .where(Membership.revoked_at.is_(None))
        .order_by(Oversight.membership_id, Division.position, Division.code)
    )
    found: dict[int, list[str]] = {}
    for membership_id, code in rows.all():
        found.setdefault(membership_id, []).append(code or "all")
    return {m: tuple(codes) for m, codes in found.items()}
