"""Invitations as coordinators and the operator list them (never with their tokens)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from storage.invites import invite_state
from storage.models import Invite, Person
from storage.types import utcnow


@dataclass(frozen=True)
class InviteInfo:
    """One invitation as listed to coordinators (never its token)."""

    id: int
    role: str
    division_id: int | None
    division_code: str | None
    division_name_th: str | None
    division_name_en: str | None
    state: str
    created_at: datetime
    expires_at: datetime
    created_by: str | None
    used_by: str | None
    used_at: datetime | None


async def list_invites(
    session: AsyncSession, *, now: datetime | None = None, open_only: bool = False
) -> list[InviteInfo]:
    """Invitations, newest first, with their state (open, used, expired, revoked)."""
    now = now or utcnow()
    creator, user = aliased(Person), aliased(Person)
    q = (
        select(Invite, creator.name, user.name)
        .outerjoin(creator, creator.id == Invite.created_by_id)
        .outerjoin(user, user.id == Invite.used_by_id)
        .options(selectinload(Invite.division))
        .order_by(Invite.created_at.desc(), Invite.id.desc())
    )
    if open_only:
        q = q.where(Invite.used_at.is_(None), Invite.revoked_at.is_(None), Invite.expires_at > now)
    out = []
    for invite, created_by, used_by in (await session.execute(q)).all():
        state = invite_state(invite, now)
        if open_only and state != "open":
            continue
        d = invite.division
        out.append(
            InviteInfo(
                id=invite.id,
                role=invite.role,
                division_id=invite.division_id,
                division_code=d.code if d else None,
                division_name_th=d.name_th if d else None,
                division_name_en=d.name_en if d else None,
                state=state,
                created_at=invite.created_at,
                expires_at=invite.expires_at,
                created_by=created_by,
                used_by=used_by,
                used_at=invite.used_at,
            )
        )
    return out
