"""Who is who: people, their active roles, reachability, and revoking roles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from storage import audit
from storage.models import ORG_WIDE_ROLES, ROLES, SUPERVISOR, Division, Membership, Person
from storage.oversight import NOTHING, Scope, overseen_codes, scope_of
from storage.types import utcnow


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
    """An enrolled person as handlers see them: identity, language, active roles, the divisions
    they oversee as a supervisor (none for others), and whether Telegram refused them (403)."""

    person_id: int
    telegram_user_id: int
    chat_id: int
    name: str
    language: str
    roles: tuple[Role, ...]
    oversight: Scope = NOTHING
    unreachable: bool = False

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

    @property
    def is_supervisor(self) -> bool:
        """Whether the person oversees divisions (and is told when they stay silent)."""
        return any(r.role == SUPERVISOR for r in self.roles)

    def oversees(self, division_id: int) -> bool:
        """Whether the person supervises that division (coordinators oversee none)."""
        return self.is_supervisor and self.oversight.covers(division_id)

    def may_see_division(self, division_id: int) -> bool:
        """Coordinators see every division; supervisors theirs; others only their own."""
        return self.is_coordinator or division_id in self.division_ids or self.oversees(division_id)


def role_of(membership: Membership) -> Role:
    """A membership's role with its division's names (the division must be loaded)."""
    d = membership.division
    return Role(
        role=membership.role,
        division_id=membership.division_id,
        division_code=d.code if d else None,
        division_name_th=d.name_th if d else None,
        division_name_en=d.name_en if d else None,
    )


async def load_actor(session: AsyncSession, telegram_user_id: int) -> Actor | None:
    """The enrolled person behind a Telegram user id with active roles, or None."""
    # One joined statement (it runs for every update); afresh even just after a role was added.
    q = (
        select(Person)
        .where(Person.telegram_user_id == telegram_user_id)
        .options(joinedload(Person.memberships).joinedload(Membership.division))
        .execution_options(populate_existing=True)
    )
    person = (await session.scalars(q)).unique().first()
    if person is None:
        return None
    roles = tuple(
        role_of(m)
        for m in person.memberships
        if m.revoked_at is None and (m.division is None or m.division.active)
    )
    if not roles:
        return None
    supervises = any(r.role == SUPERVISOR for r in roles)
    return Actor(
        person_id=person.id,
        telegram_user_id=person.telegram_user_id,
        chat_id=person.chat_id,
        name=person.name,
        language=person.language,
        roles=roles,
        oversight=await scope_of(session, person.id) if supervises else NOTHING,
        unreachable=person.unreachable_since is not None,
    )


@dataclass(frozen=True)
class DivisionName:
    """An active division as lists and buttons name it."""

    id: int
    code: str
    name_th: str
    name_en: str


def _named(d: Division) -> DivisionName:
    return DivisionName(d.id, d.code, d.name_th, d.name_en)


async def division_names(session: AsyncSession) -> tuple[DivisionName, ...]:
    """Every active division's code and names, in plan-file order."""
    return tuple(_named(d) for d in await active_divisions(session))


async def active_division(session: AsyncSession, division_id: int) -> DivisionName | None:
    """One active division by id, or None when it is unknown or left the plan."""
    division = await session.get(Division, division_id)
    return _named(division) if division is not None and division.active else None


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


@dataclass(frozen=True)
class MemberLine:
    """One active role of one person, as coordinators see it."""

    membership_id: int
    person_id: int
    telegram_user_id: int
    name: str
    username: str | None
    role: str
    division_id: int | None
    since: datetime
    unreachable_since: datetime | None


@dataclass(frozen=True)
class DivisionMembers:
    """An active division and the people who hold roles in it (maybe nobody yet)."""

    division_id: int
    code: str
    name_th: str
    name_en: str
    members: tuple[MemberLine, ...]


@dataclass(frozen=True)
class MembersOverview:
    """Organization-wide roles, then every active division with its people; each supervisor
    role's overseen division codes by membership id ("all": every division)."""

    org_wide: tuple[MemberLine, ...]
    divisions: tuple[DivisionMembers, ...]
    oversees: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def unjoined(self) -> tuple[DivisionMembers, ...]:
        """Divisions nobody has joined yet."""
        return tuple(d for d in self.divisions if not d.members)

    def lines(self) -> tuple[MemberLine, ...]:
        """Every active role, organization-wide ones first."""
        return self.org_wide + tuple(m for d in self.divisions for m in d.members)


def _member_line(m: Membership, p: Person) -> MemberLine:
    return MemberLine(
        membership_id=m.id,
        person_id=p.id,
        telegram_user_id=p.telegram_user_id,
        name=p.name,
        username=p.username,
        role=m.role,
        division_id=m.division_id,
        since=m.created_at,
        unreachable_since=p.unreachable_since,
    )


async def members_overview(session: AsyncSession) -> MembersOverview:
    """Who holds which active role, per active division, including divisions nobody joined."""
    divisions = await active_divisions(session)
    rows = (
        await session.execute(
            select(Membership, Person)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.revoked_at.is_(None))
            .order_by(Membership.id)
        )
    ).all()
    by_division: dict[int | None, list[MemberLine]] = {}
    for membership, person in rows:
        by_division.setdefault(membership.division_id, []).append(_member_line(membership, person))
    # Heads before members, then by when they joined.
    rank = {role: i for i, role in enumerate(ROLES)}
    for lines in by_division.values():
        lines.sort(key=lambda line: (rank.get(line.role, 99), line.membership_id))
    return MembersOverview(
        org_wide=tuple(by_division.get(None, [])),
        divisions=tuple(
            DivisionMembers(d.id, d.code, d.name_th, d.name_en, tuple(by_division.get(d.id, [])))
            for d in divisions
        ),
        oversees=await overseen_codes(session),
    )


@dataclass(frozen=True)
class RevokedRole:
    """A membership that was just revoked, and whom it belonged to."""

    membership_id: int
    person_id: int
    telegram_user_id: int
    chat_id: int
    language: str
    role: str
    division_id: int | None


async def active_membership(
    session: AsyncSession, membership_id: int
) -> tuple[Membership, Person] | None:
    """An unrevoked membership with its person (and division loaded), or None."""
    row = (
        await session.execute(
            select(Membership, Person)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.id == membership_id, Membership.revoked_at.is_(None))
            .options(selectinload(Membership.division))
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def revoke_membership(
    session: AsyncSession,
    membership_id: int,
    *,
    by_person_id: int | None,
    now: datetime | None = None,
    via: str = "bot",
) -> RevokedRole | None:
    """Revoke one role (audited); None when it does not exist or was already revoked."""
    now = now or utcnow()
    found = await active_membership(session, membership_id)
    if found is None:
        return None
    membership, person = found
    done = cast(
        CursorResult[Any],
        await session.execute(
            update(Membership)
            .where(Membership.id == membership_id, Membership.revoked_at.is_(None))
            .values(revoked_at=now, revoked_by_id=by_person_id)
            .execution_options(synchronize_session=False)
        ),
    )
    if done.rowcount != 1:
        return None  # revoked by someone else a moment ago
    await audit.record(
        session,
        audit.MEMBERSHIP_REVOKED,
        actor_person_id=by_person_id,
        detail={
            "membership_id": membership_id,
            "person_id": person.id,
            "role": membership.role,
            "division_id": membership.division_id,
            "via": via,
        },
        at=now,
    )
    return RevokedRole(
        membership_id=membership_id,
        person_id=person.id,
        telegram_user_id=person.telegram_user_id,
        chat_id=person.chat_id,
        language=person.language,
        role=membership.role,
        division_id=membership.division_id,
    )


async def active_roles(session: AsyncSession, person_id: int) -> list[str]:
    """The role names a person still holds (in active divisions)."""
    q = (
        select(Membership.role)
        .outerjoin(Division, Division.id == Membership.division_id)
        .where(
            Membership.person_id == person_id,
            Membership.revoked_at.is_(None),
            (Membership.division_id.is_(None)) | (Division.active.is_(True)),
        )
    )
    return list(await session.scalars(q))


async def active_divisions(session: AsyncSession) -> list[Division]:
    """Every active division, in plan-file order."""
    q = select(Division).where(Division.active.is_(True)).order_by(Division.id)
    return list(await session.scalars(q))


async def person_names(session: AsyncSession, person_ids: Iterable[int]) -> dict[int, str]:
    """Names of the given people by id (for logs and listings)."""
    ids = set(person_ids)
    if not ids:
        return {}
    rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
    return {person_id: name for person_id, name in rows}


async def set_language(session: AsyncSession, person_id: int, language: str) -> None:
    """Remember which language the person chose for the bot's messages."""
    person = await session.get(Person, person_id)
    if person is not None:
        person.language = language
