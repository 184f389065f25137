"""Who is who: lookups of people and their active roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import ORG_WIDE_ROLES, Division, Membership, Person


@dataclass(frozen=True)
class Role:
    """One active role: the role name and, for heads and members, the division."""

    role: str
    division_id: int | None
    division_code: str | None
    division_name_th: str | None
    division_name_en: str | None


@dataclass(frozen=True)
class Actor:
    """An enrolled person as handlers see them: identity, language and active roles."""

    person_id: int
    telegram_user_id: int
    chat_id: int
    name: str
    language: str
    roles: tuple[Role, ...]

    @property
    def is_admin(self) -> bool:
        """Whether the person administers the bot."""
        return any(r.role == "admin" for r in self.roles)

    @property
    def is_coordinator(self) -> bool:
        """Whether the person sees every division (coordinators and admins)."""
        return any(r.role in ORG_WIDE_ROLES for r in self.roles)

    @property
    def division_ids(self) -> frozenset[int]:
        """The divisions this person may answer for."""
        return frozenset(r.division_id for r in self.roles if r.division_id is not None)

    def may_answer_for(self, division_id: int) -> bool:
        """Whether the person is a head or member of that division."""
        return division_id in self.division_ids

    def may_see_division(self, division_id: int) -> bool:
        """Coordinators see every division; others only their own."""
        return self.is_coordinator or division_id in self.division_ids


async def load_actor(session: AsyncSession, telegram_user_id: int) -> Actor | None:
    """The enrolled person behind a Telegram user id with active roles, or None."""
    person = await session.scalar(
        select(Person)
        .where(Person.telegram_user_id == telegram_user_id)
        .options(selectinload(Person.memberships).selectinload(Membership.division))
    )
    if person is None:
        return None
    roles = tuple(
        Role(
            role=m.role,
            division_id=m.division_id,
            division_code=m.division.code if m.division else None,
            division_name_th=m.division.name_th if m.division else None,
            division_name_en=m.division.name_en if m.division else None,
        )
        for m in person.memberships
        if m.revoked_at is None and (m.division is None or m.division.active)
    )
    if not roles:
        return None
    return Actor(
        person_id=person.id,
        telegram_user_id=person.telegram_user_id,
        chat_id=person.chat_id,
        name=person.name,
        language=person.language,
        roles=roles,
    )


async def division_by_code(session: AsyncSession, code: str) -> Division | None:
    """An active division by its plan-file code."""
    return await session.scalar(
        select(Division).where(Division.code == code.upper(), Division.active.is_(True))
    )


async def mark_unreachable(session: AsyncSession, person_id: int, at: datetime) -> None:
    """Telegram refused delivery (403): stop messaging the person until they write again."""
    person = await session.get(Person, person_id)
    if person is not None and person.unreachable_since is None:
        person.unreachable_since = at


async def mark_reachable(session: AsyncSession, telegram_user_id: int) -> bool:
    """The person wrote to the bot: they can be messaged again. True when this changed."""
    person = await session.scalar(select(Person).where(Person.telegram_user_id == telegram_user_id))
    if person is None or person.unreachable_since is None:
        return False
    person.unreachable_since = None
    return True


async def division_people(session: AsyncSession, division_id: int) -> list[Person]:
    """Reachable people with an active head or member role in a division."""
    q = (
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.division_id == division_id,
            Membership.revoked_at.is_(None),
            Membership.role.in_(("head", "member")),
            Person.unreachable_since.is_(None),
        )
        .distinct()
        .order_by(Person.id)
    )
    return list(await session.scalars(q))


async def coordinators(session: AsyncSession) -> list[Person]:
    """Reachable people with an active coordinator or admin role."""
    q = (
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.revoked_at.is_(None),
            Membership.role.in_(ORG_WIDE_ROLES),
            Person.unreachable_since.is_(None),
        )
        .distinct()
        .order_by(Person.id)
    )
    return list(await session.scalars(q))
