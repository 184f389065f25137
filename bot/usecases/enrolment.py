"""Invitations and enrolment: making and withdrawing one-time links, and joining with one.

A coordinator invites heads, members and coordinators; only an admin invites an admin; the
operator at the command line may invite anyone (that is how the first admin is made).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot import secrets_filter
from bot.usecases.audit import record_refusal
from bot.usecases.core import Core
from bot.usecases.people import STALE, may_grant, refused, require_manager
from bot.usecases.refusals import Refused
from storage import audit
from storage import invites as inv
from storage.invite_list import InviteInfo, list_invites
from storage.invites import DEFAULT_TTL, DIVISION_ROLES, Enrollee, InviteError
from storage.models import ROLES, SUPERVISOR
from storage.people import Actor, DivisionName, Role, active_division, division_names, load_actor

# A supervisor invitation's word for every division (the command line's `--division all`).
EVERY = "all"
# Organization-wide roles in the order /invite offers them.
# A supervisor invited here oversees every division; one invited from a division's screen
# oversees that division (the command line names several).
ORG_WIDE_CHOICES = ("coordinator", "supervisor", "admin")
DIVISION_CHOICES = (*DIVISION_ROLES, SUPERVISOR)


@dataclass(frozen=True)
class Enrolled:
    """Joined: the person with every active role, and the role just gained."""

    actor: Actor
    role: Role


async def enrol(core: Core, who: Enrollee, token: str, *, private: bool) -> Enrolled:
    """`/start <token>`: join with a one-time invitation; audited whether it works or not."""
    if not private:
        # The bot must be able to write to the person privately, so enrol only there.
        await record_refusal(
            core,
            person_id=None,
            telegram_id=who.telegram_user_id,
            detail={"reason": "not_private"},
            action=audit.ENROL_REFUSED,
        )
        raise Refused("not_private", key="enrol.private_only")
    async with core.uow() as uow:
        result = await inv.redeem_invite(uow.session, token, who, core.now())
        actor = await load_actor(uow.session, who.telegram_user_id) if result.enrolled else None
    if actor is None:
        # The redemption audited the refusal already; each outcome has its own text.
        raise Refused(result.outcome, key=f"enrol.refused_{result.outcome}")
    new = (result.role, result.division_id)
    return Enrolled(actor, next(r for r in actor.roles if (r.role, r.division_id) == new))


@dataclass(frozen=True)
class InviteScreen:
    """/invite: the divisions to invite into, and the invitations still open (newest first)."""

    divisions: tuple[DivisionName, ...]
    open_invites: tuple[InviteInfo, ...]


async def _screen(session: AsyncSession, now: datetime) -> InviteScreen:
    open_invites = await list_invites(session, now=now, open_only=True)
    return InviteScreen(await division_names(session), tuple(open_invites))


async def invite_screen(core: Core, actor: Actor) -> InviteScreen:
    """/invite: what a coordinator or admin may invite into."""
    await require_manager(core, actor, "invite")
    async with core.uow() as uow:
        return await _screen(uow.session, core.now())


@dataclass(frozen=True)
class InviteChoices:
    """/invite, a division chosen: the roles this person may grant there (None: org-wide)."""

    division: DivisionName | None
    roles: tuple[str, ...]


async def invite_choices(core: Core, actor: Actor, division_id: int | None) -> InviteChoices:
    """The roles to offer in a division, or organization-wide ones this person may grant."""
    action = "ivd"
    await require_manager(core, actor, action)
    if division_id is None:
        return InviteChoices(None, tuple(r for r in ORG_WIDE_CHOICES if may_grant(actor, r)))
    async with core.uow() as uow:
        division = await active_division(uow.session, division_id)
    if division is None:
        raise await refused(core, actor, action, "stale", STALE)
    return InviteChoices(division, DIVISION_CHOICES)


@dataclass(frozen=True)
class MadeInvite:
    """A new invitation, with the only copy of its token."""

    id: int
    token: str
    role: Role
    expires_at: datetime
    # A supervisor's invitation: the codes of the divisions it oversees (("all",): every one).
    oversees: tuple[str, ...] = ()


def _role(role: str, division: DivisionName | None) -> Role:
    if division is None:
        return Role(role, None, None, None, None)
    return Role(role, division.id, division.code, division.name_th, division.name_en)


async def _make(
    session: AsyncSession,
    now: datetime,
    role: str,
    division: DivisionName | None,
    *,
    by: Actor | None,
    ttl: timedelta = DEFAULT_TTL,
    oversees: tuple[DivisionName, ...] | None = None,
) -> MadeInvite:
    made = await inv.create_invite(
        session,
        role=role,
        division_id=division.id if division else None,
        created_by_id=by.person_id if by else None,
        now=now,
        ttl=ttl,
        via="bot" if by else "cli",
        oversees=[d.id for d in oversees] if oversees is not None else None,
    )
    # The only copy of the token is about to be shown: keep it out of every log line (PTB logs
    # each sent message's text at DEBUG).
    secrets_filter.remember(made.token)
    scope: tuple[str, ...] = ()
    if role == SUPERVISOR:
        scope = tuple(d.code for d in oversees) if oversees is not None else (EVERY,)
        # Worded with its division when it oversees one ("Supervisor – Finance (FIN)").
        division = oversees[0] if oversees is not None and len(oversees) == 1 else None
    return MadeInvite(made.id, made.token, _role(role, division), made.expires_at, scope)


async def create_invite(core: Core, actor: Actor, role: str, division_id: int | None) -> MadeInvite:
    """/invite: a one-time link for a role this person may grant (audited)."""
    action = "ivr"
    await require_manager(core, actor, action)
    if role not in ROLES:
        raise await refused(core, actor, action, "stale", STALE)
    if not may_grant(actor, role):
        raise await refused(core, actor, f"{action}:{role}")
    try:
        async with core.uow() as uow:
            division = await active_division(uow.session, division_id) if division_id else None
            if division_id and division is None:
                raise InviteError(f"division {division_id} is not active")
            if role == SUPERVISOR:  # oversees the division chosen, or (none chosen) every one
                oversees = (division,) if division is not None else None
                return await _make(uow.session, core.now(), role, None, by=actor, oversees=oversees)
            return await _make(uow.session, core.now(), role, division, by=actor)
    except InviteError:  # a forged pair, or the division left the plan meanwhile
        raise await refused(core, actor, action, "stale", STALE) from None


async def invite_by_operator(
    core: Core, role: str, division_code: str | None, ttl: timedelta
) -> MadeInvite:
    """The command line's invitation (how the first admin is made); audited as from the CLI.

    Refused: `unknown_role`, `needs_division` (with the active `codes`), `org_wide`, or
    `unknown_division` (with `codes`).
    """
    if role not in ROLES:
        raise Refused("unknown_role", role=role, roles=ROLES)
    if role == SUPERVISOR:
        return await _supervisor_by_operator(core, division_code, ttl)
    async with core.uow() as uow:
        divisions = await division_names(uow.session)
        codes = tuple(d.code for d in divisions)
        code = division_code.upper() if division_code else None
        division = next((d for d in divisions if d.code == code), None)
        if role in DIVISION_ROLES and not division_code:
            raise Refused("needs_division", role=role, codes=codes)
        if role not in DIVISION_ROLES and division_code:
            raise Refused("org_wide", role=role)
        if division_code and division is None:
            raise Refused("unknown_division", division=division_code, codes=codes)
        return await _make(uow.session, core.now(), role, division, by=None, ttl=ttl)


async def _supervisor_by_operator(
    core: Core, division_codes: str | None, ttl: timedelta
) -> MadeInvite:
    """A supervisor's invitation for the divisions named (comma-separated codes, or `all`)."""
    async with core.uow() as uow:
        divisions = await division_names(uow.session)
        codes = tuple(d.code for d in divisions)
        wanted = [c.strip().upper() for c in (division_codes or "").split(",") if c.strip()]
        if not wanted:
            raise Refused("needs_division", role=SUPERVISOR, codes=(*codes, EVERY))
        oversees: tuple[DivisionName, ...] | None = None
        if wanted != [EVERY.upper()]:
            by_code = {d.code: d for d in divisions}
            unknown = [c for c in wanted if c not in by_code]
            if unknown:
                raise Refused("unknown_division", division=",".join(unknown), codes=codes)
            oversees = tuple(by_code[c] for c in dict.fromkeys(wanted))
        return await _make(
            uow.session, core.now(), SUPERVISOR, None, by=None, ttl=ttl, oversees=oversees
        )


@dataclass(frozen=True)
class InviteWithdrawn:
    """What came of withdrawing an invitation: REVOKED, USED, already_revoked or UNKNOWN."""

    invite_id: int
    outcome: str
    # The bot shows /invite again below the outcome; the command line needs no screen.
    screen: InviteScreen | None = None


async def withdraw_invite(core: Core, actor: Actor, invite_id: int) -> InviteWithdrawn:
    """/invite: withdraw an open invitation (audited), and the screen without it."""
    await require_manager(core, actor, "ivx")
    async with core.uow() as uow:
        outcome = await inv.revoke_invite(
            uow.session, invite_id, by_person_id=actor.person_id, now=core.now()
        )
        return InviteWithdrawn(invite_id, outcome, await _screen(uow.session, core.now()))


async def withdraw_invite_by_operator(core: Core, token_or_id: str) -> InviteWithdrawn:
    """The command line withdraws an invitation by its number or token; `unknown_invite`."""
    async with core.uow() as uow:
        invite = await inv.find_invite(uow.session, token_or_id)
        if invite is None:
            raise Refused("unknown_invite")
        outcome = await inv.revoke_invite(
            uow.session, invite.id, by_person_id=None, now=core.now(), via="cli"
        )
        return InviteWithdrawn(invite.id, outcome)


async def list_invitations(core: Core, *, open_only: bool = False) -> tuple[InviteInfo, ...]:
    """Invitations, newest first, with their state (for the operator)."""
    async with core.uow() as uow:
        return tuple(await list_invites(uow.session, now=core.now(), open_only=open_only))


async def invite_stand_in(core: Core, actor: Actor) -> MadeInvite:
    """/away: a head invites someone to join their division as a member (to stand in)."""
    heads = [r.division_id for r in actor.roles if r.role == "head" and r.division_id]
    if not heads:
        raise await refused(core, actor, "awi")
    async with core.uow() as uow:
        division = await active_division(uow.session, heads[0])
        if division is None:
            raise await refused(core, actor, "awi", "stale", STALE)
        return await _make(uow.session, core.now(), "member", division, by=actor)
