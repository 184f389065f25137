"""People: who is writing, who may manage whom, the roster, revoking roles, language, reach.

Coordinators and admins manage people; only admins make or remove admins; nobody removes their
own role. Each refusal of a person is written to the audit log as `{"action", "reason"}`, the
action being the command or button that was tried, before the face words it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.audit import record_refusal
from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from storage import audit
from storage import people as store
from storage import rounds as rounds_store
from storage.deliveries import skip_revoked
from storage.models import AuditEvent
from storage.people import Actor, MemberLine, MembersOverview, Role

# The catalog's wording of the people refusals. refuse() words a button press with the key's
# `_alert` variant when there is one: "auth.not_allowed_alert" for NOT_ALLOWED.
NOT_ALLOWED = "auth.not_allowed"
STALE = "auth.stale_alert"
GONE = "revoke.gone_alert"
SELF = "revoke.self_alert"


@dataclass(frozen=True)
class Operator:
    """Whoever runs the command line: they run the server, so they may do what any person may."""


OPERATOR: Final = Operator()
# Who asks for something done to people: a person in the bot, or the operator.
Manager = Actor | Operator


def may_manage_people(actor: Actor) -> bool:
    """Coordinators and admins invite, list and revoke people."""
    return actor.is_coordinator


def may_grant(actor: Actor, role: str) -> bool:
    """Only admins make or remove admins; coordinators handle every other role."""
    return actor.is_admin if role == "admin" else actor.is_coordinator


async def refused(
    core: Core, actor: Actor, action: str, reason: str = "not_allowed", key: str = NOT_ALLOWED
) -> Refused:
    """Record a person's refused attempt in the audit log and return the refusal to raise."""
    await record_refusal(
        core,
        person_id=actor.person_id,
        telegram_id=actor.telegram_user_id,
        detail={"action": action, "reason": reason},
    )
    # Recorded here already, so the face only words it.
    return Refused(reason, key=key, action=action)


async def require_manager(core: Core, by: Manager, action: str) -> None:
    """Refuse (audited) anyone but a coordinator, an admin or the operator."""
    if isinstance(by, Actor) and not may_manage_people(by):
        raise await refused(core, by, action)


async def identify(core: Core, telegram_user_id: int) -> Actor | None:
    """The enrolled sender with active roles, or None; a person who writes is reachable again.

    Decided from the database on every update, never from what a button or a cache says.
    """
    async with core.uow() as uow:
        actor = await store.load_actor(uow.session, telegram_user_id)
        if actor is not None and actor.unreachable:
            # They wrote to us, so Telegram will deliver to them again (a 403 may have stopped us).
            await store.mark_reachable(uow.session, telegram_user_id)
    return actor


async def note_unreachable(core: Core, person_id: int) -> None:
    """Telegram answered 403 (blocked or deleted): stop messaging them until they write again."""
    async with core.uow() as uow:
        await store.mark_unreachable(uow.session, person_id, core.now())


async def switch_language(core: Core, actor: Actor) -> str:
    """Switch the person's messages between Thai and English; the new language."""
    new = "en" if actor.language == "th" else "th"
    async with core.uow() as uow:
        await store.set_language(uow.session, actor.person_id, new)
    return new


async def members_overview(core: Core, by: Manager, *, action: str = "members") -> MembersOverview:
    """Every active division with its people and roles, and the organization-wide roles."""
    await require_manager(core, by, action)
    async with core.uow() as uow:
        return await store.members_overview(uow.session)


async def overseen_divisions(core: Core, actor: Actor) -> tuple[store.DivisionName, ...] | None:
    """The divisions a supervisor oversees, by name (None: every division; () for others)."""
    if actor.oversight.every:
        return None
    if not actor.oversight.division_ids:
        return ()
    async with core.uow() as uow:
        names = await store.division_names(uow.session)
    return tuple(d for d in names if d.id in actor.oversight.division_ids)


@dataclass(frozen=True)
class RevokeList:
    """The roles this person may remove (never their own; admins only by admins)."""

    lines: tuple[MemberLine, ...]
    division_codes: Mapping[int, str]


@dataclass(frozen=True)
class RevocableRole:
    """One active role that this person may remove, and whose it is."""

    membership_id: int
    person_name: str
    role: Role


@dataclass(frozen=True)
class Revoked:
    """A role just removed: whom to tell, what they still hold, and the list without it."""

    removed: RevocableRole
    person_id: int
    chat_id: int
    language: str
    remaining: tuple[str, ...]
    listing: RevokeList


@dataclass(frozen=True)
class _Denied:
    action: str
    reason: str
    key: str


async def _revoke_list(session: AsyncSession, actor: Actor) -> RevokeList:
    overview = await store.members_overview(session)
    lines = tuple(
        m for m in overview.lines() if m.person_id != actor.person_id and may_grant(actor, m.role)
    )
    return RevokeList(lines, {d.division_id: d.code for d in overview.divisions})


async def revocable(core: Core, actor: Actor, *, action: str) -> RevokeList:
    """/revoke: the roles this coordinator or admin may remove."""
    await require_manager(core, actor, action)
    async with core.uow() as uow:
        return await _revoke_list(uow.session, actor)


async def _check(
    session: AsyncSession, actor: Actor, membership_id: int, action: str
) -> RevocableRole | _Denied:
    found = await store.active_membership(session, membership_id)
    if found is None:
        return _Denied(action, "gone", GONE)
    membership, person = found
    if person.id == actor.person_id:
        return _Denied(action, "self", SELF)
    if not may_grant(actor, membership.role):
        return _Denied(f"{action}:{membership.role}", "not_allowed", NOT_ALLOWED)
    return RevocableRole(membership_id, person.name, store.role_of(membership))


async def _deny(core: Core, actor: Actor, denied: _Denied) -> Refused:
    return await refused(core, actor, denied.action, denied.reason, denied.key)


async def revocable_role(
    core: Core, actor: Actor, membership_id: int, *, action: str = "rv"
) -> RevocableRole:
    """A role to confirm removing: refused when gone, one's own, or an admin's for a coordinator."""
    await require_manager(core, actor, action)
    async with core.uow() as uow:
        found = await _check(uow.session, actor, membership_id, action)
    if isinstance(found, _Denied):
        raise await _deny(core, actor, found)
    return found


async def _revoke(
    session: AsyncSession, actor: Actor, role: RevocableRole, now: datetime
) -> Revoked | None:
    done = await store.revoke_membership(
        session, role.membership_id, by_person_id=actor.person_id, now=now
    )
    if done is None:
        return None  # removed by someone else a moment ago
    # Their queued notices of the lost role are closed now, not at the next tick.
    await skip_revoked(session, done.person_id)
    remaining = tuple(await store.active_roles(session, done.person_id))
    listing = await _revoke_list(session, actor)
    return Revoked(role, done.person_id, done.chat_id, done.language, remaining, listing)


async def revoke_membership(core: Core, actor: Actor, membership_id: int) -> Revoked:
    """Remove a role (audited), checked again on the server: the confirmation proves nothing."""
    action = "rvy"
    await require_manager(core, actor, action)
    async with core.uow() as uow:
        found = await _check(uow.session, actor, membership_id, action)
        revoked = None
        if isinstance(found, RevocableRole):
            revoked = await _revoke(uow.session, actor, found, core.now())
    if revoked is None:
        # Refused by the check, or removed by someone else between the check and the update.
        gone = _Denied(action, "gone", GONE)
        raise await _deny(core, actor, found if isinstance(found, _Denied) else gone)
    return revoked


# Ids in audit details that the operator reads as names: {key: (shown key, kind)}.
_NAMED_IDS: Final = {
    "division_id": ("division", "division"),
    "person_id": ("person", "person"),
    "invited_by_id": ("invited_by", "person"),
}


@dataclass(frozen=True)
class AuditEntry:
    """One audit event as the operator reads it, with the acting person's name."""

    at: datetime
    action: str
    actor_person_id: int | None
    actor_name: str
    actor_telegram_id: int | None
    detail: Mapping[str, Any]
    note: str
    # The detail with division and person ids replaced by their names, for printing.
    shown: Mapping[str, Any]


def _shown(detail: Mapping[str, Any], names: Mapping[tuple[str, int], str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in detail.items():
        named = _NAMED_IDS.get(key)
        if named is None or not isinstance(value, int):
            out[key] = value
        else:
            out[named[0]] = names.get((named[1], value), f"#{value} (gone)")
    return out


async def _audit_names(
    session: AsyncSession, events: list[AuditEvent]
) -> dict[tuple[str, int], str]:
    """("person"|"division", id) -> name, for the actors and the ids in the details."""
    wanted: dict[str, set[int]] = {"person": set(), "division": set()}
    for e in events:
        if e.actor_person_id is not None:
            wanted["person"].add(e.actor_person_id)
        for key, (_, kind) in _NAMED_IDS.items():
            if isinstance(e.detail.get(key), int):
                wanted[kind].add(e.detail[key])
    people = await store.person_names(session, wanted["person"])
    divisions = await rounds_store.divisions_by_id(session, wanted["division"])
    names = {("person", k): v for k, v in people.items()}
    names |= {("division", k): f"{d.code} {d.name_th}" for k, d in divisions.items()}
    return names


async def audit_log(core: Core, limit: int) -> tuple[AuditEntry, ...]:
    """The newest `limit` audit events, newest first (for the operator), ids named."""
    async with core.uow() as uow:
        events = await audit.recent(uow.session, limit)
        names = await _audit_names(uow.session, events)
    return tuple(
        AuditEntry(
            at=e.at,
            action=e.action,
            actor_person_id=e.actor_person_id,
            actor_name=names.get(("person", e.actor_person_id), "") if e.actor_person_id else "",
            actor_telegram_id=e.actor_telegram_id,
            detail=e.detail,
            note=e.note,
            shown=_shown(e.detail, names),
        )
        for e in events
    )
