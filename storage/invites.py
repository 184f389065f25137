"""One-time invitations: create, redeem (exactly once), revoke and list.

Only the SHA-256 hash of a token is stored; the token itself is shown once, to whoever made it.
Every outcome, refusals included, is written to the audit log in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import audit
from storage.models import ORG_WIDE_ROLES, ROLES, SUPERVISOR, Division, Invite, Membership, Person
from storage.oversight import add_oversight
from storage.text import clean_text
from storage.types import utcnow

DEFAULT_TTL = timedelta(days=7)
# 24 random bytes = 192 bits, 32 URL-safe characters: fits Telegram's 64-character start
# parameter, whose alphabet is exactly A-Z a-z 0-9 _ -.
TOKEN_BYTES = 24
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
DIVISION_ROLES = ("head", "member")

# Outcomes of a redemption; everything but ENROLLED changes nothing.
ENROLLED = "enrolled"
MALFORMED = "malformed"
UNKNOWN = "unknown"
USED = "used"
EXPIRED = "expired"
REVOKED = "revoked"
ALREADY = "already"  # the person holds this very role already; the invite stays open


class InviteError(ValueError):
    """An invitation cannot be made as asked; the message says why."""


def hash_token(token: str) -> str:
    """The stored form of a token: its SHA-256 in hex."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def well_formed(token: str) -> bool:
    """Whether the text could be a token at all (checked before any lookup)."""
    return TOKEN_RE.fullmatch(token) is not None


def check_role(role: str, division_id: int | None) -> None:
    """Heads and members belong to a division; admins and coordinators to none."""
    if role not in ROLES:
        raise InviteError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if role in DIVISION_ROLES and division_id is None:
        raise InviteError(f"a {role} invitation needs a division")
    if role in ORG_WIDE_ROLES and division_id is not None:
        raise InviteError(f"a {role} invitation is organization-wide: give no division")
    if role == SUPERVISOR and division_id is not None:
        raise InviteError("a supervisor invitation names the divisions it oversees instead")


@dataclass(frozen=True)
class NewInvite:
    """A freshly made invitation, with the only copy of its token."""

    id: int
    token: str
    role: str
    division_id: int | None
    expires_at: datetime


def new_token() -> str:
    """A random URL-safe token (192 bits) that does not start with '-'.

    A leading '-' would read as an option on the command line (`invite revoke TOKEN`).
    """
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if not token.startswith("-"):
            return token


async def create_invite(
    session: AsyncSession,
    *,
    role: str,
    division_id: int | None,
    created_by_id: int | None,
    now: datetime | None = None,
    ttl: timedelta = DEFAULT_TTL,
    via: str = "bot",
    oversees: list[int] | None = None,
) -> NewInvite:
    """Make a one-time invitation for a role (in a division); audited.

    A supervisor's invitation names the divisions it oversees in `oversees` (None: all).
    """
    check_role(role, division_id)
    if oversees is not None:
        for d in oversees:
            found = await session.get(Division, d)
            if role != SUPERVISOR or found is None or not found.active:
                raise InviteError(f"division {d} cannot be overseen by a {role} invitation")
    if ttl <= timedelta(0):
        raise InviteError("the expiry must be in the future")
    if division_id is not None:
        division = await session.get(Division, division_id)
        if division is None or not division.active:
            raise InviteError(f"division {division_id} does not exist or is inactive")
    now = now or utcnow()
    token = new_token()
    invite = Invite(
        token_hash=hash_token(token),
        role=role,
        division_id=division_id,
        created_by_id=created_by_id,
        created_at=now,
        expires_at=now + ttl,
        oversees=sorted(set(oversees)) if oversees is not None else None,
    )
    session.add(invite)
    await session.flush()
    await audit.record(
        session,
        audit.INVITE_CREATED,
        actor_person_id=created_by_id,
        detail={
            "invite_id": invite.id,
            "role": role,
            "division_id": division_id,
            "via": via,
            **({"oversees": invite.oversees or "all"} if role == SUPERVISOR else {}),
        },
        at=now,
    )
    return NewInvite(invite.id, token, role, division_id, invite.expires_at)


@dataclass(frozen=True)
class Enrollee:
    """The Telegram user who opened an invitation link."""

    telegram_user_id: int
    chat_id: int
    name: str
    username: str | None
    language: str


@dataclass(frozen=True)
class Redemption:
    """What came of `/start <token>`: the outcome and, when enrolled, the new role."""

    outcome: str
    invite_id: int | None = None
    person_id: int | None = None
    role: str | None = None
    division_id: int | None = None

    @property
    def enrolled(self) -> bool:
        """Whether the person now holds the invited role."""
        return self.outcome == ENROLLED


def invite_state(invite: Invite, now: datetime) -> str:
    """An invitation's state now: open, used, expired or revoked."""
    if invite.revoked_at is not None:
        return REVOKED
    if invite.used_at is not None:
        return USED
    if invite.expires_at <= now:
        return EXPIRED
    if invite.division is not None and not invite.division.active:
        return REVOKED  # the division left the plan: the invitation no longer leads anywhere
    return "open"


async def _refuse(
    session: AsyncSession, outcome: str, who: Enrollee, now: datetime, invite_id: int | None
) -> Redemption:
    await audit.record(
        session,
        audit.ENROL_REFUSED,
        actor_telegram_id=who.telegram_user_id,
        detail={"reason": outcome, "invite_id": invite_id},
        at=now,
    )
    return Redemption(outcome, invite_id=invite_id)


async def _claim(session: AsyncSession, invite: Invite, now: datetime) -> bool:
    """Mark the invitation used if it is still open; False when another claim got there first."""
    # A conditional UPDATE: the database, not what either racer read, lets only one claim it.
    claimed = cast(
        CursorResult[Any],
        await session.execute(
            update(Invite)
            .where(
                Invite.id == invite.id,
                Invite.used_at.is_(None),
                Invite.revoked_at.is_(None),
                Invite.expires_at > now,
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    return claimed.rowcount == 1


async def _save_person(
    session: AsyncSession, person: Person | None, who: Enrollee, now: datetime
) -> Person:
    """The enrolling person, new or with their Telegram details brought up to date."""
    if person is None:
        person = Person(
            telegram_user_id=who.telegram_user_id,
            chat_id=who.chat_id,
            name=clean_text(who.name),
            username=who.username,
            language=who.language,
            created_at=now,
        )
        session.add(person)
    else:
        person.chat_id, person.name = who.chat_id, who.name
        person.username, person.language = who.username, who.language
        person.unreachable_since = None  # they just wrote to us
    await session.flush()
    return person


async def _join(
    session: AsyncSession, person: Person, invite: Invite, who: Enrollee, now: datetime
) -> None:
    """Give the person the invited role, mark who used the invitation, and audit it."""
    membership = Membership(
        person_id=person.id,
        division_id=invite.division_id,
        role=invite.role,
        invite_id=invite.id,
        invited_by_id=invite.created_by_id,
        created_at=now,
    )
    session.add(membership)
    await session.flush()
    if invite.role == SUPERVISOR:
        await add_oversight(session, membership.id, invite.oversees)
    await session.execute(
        update(Invite)
        .where(Invite.id == invite.id)
        .values(used_by_id=person.id)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    await audit.record(
        session,
        audit.ENROL,
        actor_person_id=person.id,
        actor_telegram_id=who.telegram_user_id,
        detail={
            "invite_id": invite.id,
            "membership_id": membership.id,
            "role": invite.role,
            "division_id": invite.division_id,
            "invited_by_id": invite.created_by_id,
        },
        at=now,
    )


async def redeem_invite(
    session: AsyncSession, token: str, who: Enrollee, now: datetime | None = None
) -> Redemption:
    """Enrol `who` with a token, exactly once; run it inside one transaction and commit it.

    The invitation is claimed with a conditional UPDATE (`_claim`): of two people racing for one
    token only one wins. Person and membership go in the same transaction: a failure claims
    nothing.
    """
    now = now or utcnow()
    if not well_formed(token):
        return await _refuse(session, MALFORMED, who, now, None)
    invite = await session.scalar(
        select(Invite)
        .where(Invite.token_hash == hash_token(token))
        .options(selectinload(Invite.division))
    )
    if invite is None:
        return await _refuse(session, UNKNOWN, who, now, None)
    state = invite_state(invite, now)
    if state != "open":
        return await _refuse(session, state, who, now, invite.id)
    person = await session.scalar(
        select(Person)
        .where(Person.telegram_user_id == who.telegram_user_id)
        .options(selectinload(Person.memberships))
    )
    # A second supervisor invitation adds its divisions as a role of its own.
    if (
        invite.role != SUPERVISOR
        and person is not None
        and any(
            m.revoked_at is None and m.role == invite.role and m.division_id == invite.division_id
            for m in person.memberships
        )
    ):
        return await _refuse(session, ALREADY, who, now, invite.id)
    if not await _claim(session, invite, now):
        # Someone else claimed (or revoked) it between our read and our write.
        await session.refresh(invite)
        return await _refuse(session, invite_state(invite, now), who, now, invite.id)
    person = await _save_person(session, person, who, now)
    await _join(session, person, invite, who, now)
    return Redemption(ENROLLED, invite.id, person.id, invite.role, invite.division_id)


async def find_invite(session: AsyncSession, token_or_id: str) -> Invite | None:
    """An invitation by its number or by its token (as printed when it was made)."""
    text = token_or_id.strip()
    if text.isdigit() and len(text) <= 12:
        return await session.get(Invite, int(text))
    if not well_formed(text):
        return None
    return await session.scalar(select(Invite).where(Invite.token_hash == hash_token(text)))


async def revoke_invite(
    session: AsyncSession,
    invite_id: int,
    *,
    by_person_id: int | None,
    now: datetime | None = None,
    via: str = "bot",
) -> str:
    """Revoke an unused invitation: REVOKED, or why not (UNKNOWN, USED, or already REVOKED)."""
    now = now or utcnow()
    done = cast(
        CursorResult[Any],
        await session.execute(
            update(Invite)
            .where(Invite.id == invite_id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    if done.rowcount == 1:
        await audit.record(
            session,
            audit.INVITE_REVOKED,
            actor_person_id=by_person_id,
            detail={"invite_id": invite_id, "via": via},
            at=now,
        )
        return REVOKED
    invite = await session.get(Invite, invite_id, populate_existing=True)
    if invite is None:
        return UNKNOWN
    return USED if invite.used_at is not None else "already_revoked"
