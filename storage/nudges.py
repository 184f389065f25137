"""Silent divisions and nudges: who still owes answers, and a reminder to them now.

A nudge is only recorded here, as `delivery` rows of kind "nudge" (state pending, due now);
the scheduler's tick sends them like every other notification. Its natural key carries the
local date as slot, so a division is nudged at most once a day even if two coordinators
press the button at the same moment (the unique key refuses the second insert).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.keys import delivery_key
from storage.models import AuditEvent, Delivery, Membership, Person
from storage.summary import DivisionRef, MeasureRef, RoundInfo, item_answers

NUDGE = "nudge"


@dataclass(frozen=True)
class PersonRef:
    """Someone who can answer for a division, and whether Telegram still reaches them."""

    id: int
    name: str
    username: str | None
    role: str
    reachable: bool


@dataclass(frozen=True)
class SilentDivision:
    """A division that still owes answers in a round, with its people."""

    division: DivisionRef
    owed: int
    answered: int
    missing: tuple[MeasureRef, ...]
    people: tuple[PersonRef, ...]
    nudged_today: bool


@dataclass(frozen=True)
class NudgeResult:
    """What pressing "nudge" did."""

    outcome: Literal["created", "already", "no_people", "not_silent", "closed"]
    created: int = 0


def nudge_slot(now: datetime, tz: tzinfo) -> str:
    """The slot of a nudge key: the local date, so one nudge per division per day."""
    return now.astimezone(tz).date().isoformat()


async def _nudged_divisions(
    session: AsyncSession, round_id: int, division_ids: Collection[int], slot: str
) -> set[int]:
    q = select(Delivery.division_id, Delivery.key).where(
        Delivery.kind == NUDGE,
        Delivery.round_id == round_id,
        Delivery.division_id.in_(list(division_ids)),
    )
    return {
        d
        for d, key in (await session.execute(q)).all()
        if d is not None and key.endswith(":" + slot)
    }


async def division_members(
    session: AsyncSession, division_ids: Collection[int]
) -> dict[int, list[PersonRef]]:
    """Active heads and members of the divisions, reachable or not, heads first."""
    q = (
        select(Membership.division_id, Membership.role, Person)
        .join(Person, Person.id == Membership.person_id)
        .where(
            Membership.division_id.in_(list(division_ids)),
            Membership.revoked_at.is_(None),
            Membership.role.in_(("head", "member")),
        )
        .order_by(Membership.role, Person.name, Person.id)
    )
    found: dict[int, list[PersonRef]] = {}
    for division_id, role, p in (await session.execute(q)).all():
        people = found.setdefault(division_id or 0, [])
        if all(x.id != p.id for x in people):
            people.append(
                PersonRef(
                    id=p.id,
                    name=p.name,
                    username=p.username,
                    role=role,
                    reachable=p.unreachable_since is None,
                )
            )
    return found


async def silent_divisions(
    session: AsyncSession,
    round_: RoundInfo,
    now: datetime,
    tz: tzinfo,
    division_ids: Collection[int] | None = None,
) -> list[SilentDivision]:
    """Divisions owing at least one answer in the round, with people and today's nudge state."""
    items = await item_answers(session, [round_], division_ids=division_ids, with_text=False)
    owed: dict[int, list[bool]] = {}
    missing: dict[int, list[MeasureRef]] = {}
    refs: dict[int, DivisionRef] = {}
    for item in items:
        refs[item.division.id] = item.division
        owed.setdefault(item.division.id, []).append(item.answer is not None)
        if item.answer is None:
            missing.setdefault(item.division.id, []).append(item.measure)
    silent = sorted(missing, key=lambda d: refs[d].code)
    if not silent:
        return []
    people = await division_members(session, silent)
    nudged = await _nudged_divisions(session, round_.id, silent, nudge_slot(now, tz))
    return [
        SilentDivision(
            division=refs[d],
            owed=len(owed[d]),
            answered=sum(owed[d]),
            missing=tuple(missing[d]),
            people=tuple(people.get(d, ())),
            nudged_today=d in nudged,
        )
        for d in silent
    ]


async def create_nudges(
    session: AsyncSession,
    round_: RoundInfo,
    division_id: int,
    now: datetime,
    tz: tzinfo,
    actor_person_id: int | None = None,
) -> NudgeResult:
    """Record a pending nudge for every reachable person of a silent division (once a day).

    Runs in the caller's transaction; the inserts sit in a savepoint so a concurrent
    duplicate only rolls back the nudge, not the caller's work.
    """
    items = await item_answers(session, [round_], division_ids=[division_id], with_text=False)
    if not any(i.answer is None for i in items):
        return NudgeResult("not_silent")
    if not round_.is_open(now):
        # After the meeting a nudge would ask for a report "by" a date already past.
        return NudgeResult("closed")
    slot = nudge_slot(now, tz)
    if await _nudged_divisions(session, round_.id, [division_id], slot):
        return NudgeResult("already")
    people = (await division_members(session, [division_id])).get(division_id, [])
    reachable = [p for p in people if p.reachable]
    if not reachable:
        return NudgeResult("no_people")
    people_rows = await session.execute(
        select(Person.id, Person.chat_id).where(Person.id.in_([p.id for p in reachable]))
    )
    chats = {pid: chat for pid, chat in people_rows.all()}
    # Stale at the end of the local day: a nudge meant for "now" must not arrive tomorrow.
    local_day = now.astimezone(tz).date()
    stale = datetime.combine(local_day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    try:
        async with session.begin_nested():
            for p in reachable:
                session.add(
                    Delivery(
                        key=delivery_key(NUDGE, round_.id, division_id, p.id, slot=slot),
                        kind=NUDGE,
                        round_id=round_.id,
                        division_id=division_id,
                        person_id=p.id,
                        chat_id=chats[p.id],
                        due_at=now,
                        stale_at=stale,
                        state="pending",
                    )
                )
            session.add(
                AuditEvent(
                    at=now,
                    action="nudge",
                    actor_person_id=actor_person_id,
                    detail={
                        "round": round_.key,
                        "division_id": division_id,
                        "people": len(reachable),
                    },
                )
            )
    except IntegrityError:
        return NudgeResult("already")
    return NudgeResult("created", created=len(reachable))
