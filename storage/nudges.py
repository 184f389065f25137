"""Silent divisions and nudges: who still owes answers, and recording a reminder to them now.

A nudge is only recorded here, as `delivery` rows of kind "nudge" (state pending, due now);
the scheduler's tick sends them like every other notification. Its natural key carries a
slot (the use case passes the local date), so a division is nudged at most once per slot
even if two coordinators press the button at the same moment: the unique key refuses the
second insert. Who may nudge, and when, is decided by bot.usecases.nudges.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.counting import item_answers
from storage.keys import delivery_key
from storage.models import Delivery, Membership, Person
from storage.read_models import DivisionRef, MeasureRef, PersonRef, RoundInfo, SilentDivision

NUDGE = "nudge"


async def nudged_divisions(
    session: AsyncSession, round_id: int, division_ids: Collection[int], slot: str
) -> set[int]:
    """Which of the divisions were already nudged in this round and slot."""
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
    slot: str,
    division_ids: Collection[int] | None = None,
) -> list[SilentDivision]:
    """Divisions owing at least one answer in the round, with people and this slot's nudges."""
    items = await item_answers(session, [round_], division_ids=division_ids, with_text=False)
    owed: dict[int, list[bool]] = {}
    missing: dict[int, list[MeasureRef]] = {}
    refs: dict[int, DivisionRef] = {}
    for item in items:
        refs[item.division.id] = item.division
        owed.setdefault(item.division.id, []).append(item.answer is not None)
        if item.answer is None:
            missing.setdefault(item.division.id, []).append(item.measure)
    # As the organisation lists them (the plan file's order), code breaking ties.
    silent = sorted(missing, key=lambda d: (refs[d].position, refs[d].code))
    if not silent:
        return []
    people = await division_members(session, silent)
    nudged = await nudged_divisions(session, round_.id, silent, slot)
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


async def add_nudges(
    session: AsyncSession,
    round_: RoundInfo,
    division_id: int,
    people: Sequence[PersonRef],
    *,
    slot: str,
    due_at: datetime,
    stale_at: datetime,
    actor_person_id: int | None,
) -> bool:
    """Record a pending nudge to each person, and the audit event; False if the slot is taken.

    Runs in the caller's transaction; the inserts sit in a savepoint so a concurrent
    duplicate only rolls back the nudge, not the caller's work.
    """
    rows = await session.execute(
        select(Person.id, Person.chat_id).where(Person.id.in_([p.id for p in people]))
    )
    chats = {pid: chat for pid, chat in rows.all()}
    try:
        async with session.begin_nested():
            for p in people:
                session.add(
                    Delivery(
                        key=delivery_key(NUDGE, round_.id, division_id, p.id, slot=slot),
                        kind=NUDGE,
                        round_id=round_.id,
                        division_id=division_id,
                        person_id=p.id,
                        chat_id=chats[p.id],
                        due_at=due_at,
                        stale_at=stale_at,
                        state="pending",
                    )
                )
            await audit.record(
                session,
                NUDGE,
                actor_person_id=actor_person_id,
                detail={"round": round_.key, "division_id": division_id, "people": len(people)},
                at=due_at,
            )
    except IntegrityError:
        return False
    return True
