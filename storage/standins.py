"""Stand-ins as rows: a head away for some days and who stands in, and what they missed.

Queries only: who may name whom, and which ranges are refused, is decided in
bot/usecases/standins.py. While a range runs, the head's division notices are skipped when
they are about to be sent (storage.deliveries.begin_send asks `away_now`); the stand-in, a
head or member of the same division, gets their own copy as always. When a range ends the
tick records one keyed summary for the head (scheduler/standins.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage import audit
from storage.models import (
    Delivery,
    Division,
    Measure,
    Membership,
    Person,
    Report,
    Review,
    StandIn,
)

# The delivery kind of the head's "while you were away" summary.
AWAY_SUMMARY = "away_summary"
# Why a head's notice was not sent (the summary counts these).
AWAY_REASON = "skipped: the head is away; the stand-in got the division's notice"
_SLOT = "away-"


@dataclass(frozen=True)
class AwayRange:
    """One stand-in range as lists show it."""

    id: int
    head_id: int
    head_name: str
    stand_in_id: int
    stand_in_name: str
    division_id: int
    division_code: str
    first_day: date
    last_day: date
    starts_at: datetime
    ends_at: datetime
    cancelled_at: datetime | None
    via: str

    @property
    def ended_at(self) -> datetime:
        """When the range ended or ends: its last day's end, or when it was cancelled."""
        if self.cancelled_at is not None and self.cancelled_at < self.ends_at:
            return self.cancelled_at
        return self.ends_at


def _range(row: StandIn, head: str, stand_in: str, code: str) -> AwayRange:
    return AwayRange(
        id=row.id,
        head_id=row.head_id,
        head_name=head,
        stand_in_id=row.stand_in_id,
        stand_in_name=stand_in,
        division_id=row.division_id,
        division_code=code,
        first_day=row.first_day,
        last_day=row.last_day,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        cancelled_at=row.cancelled_at,
        via=row.via,
    )


async def ranges(
    session: AsyncSession,
    *,
    person_id: int | None = None,
    ending_after: datetime | None = None,
    range_id: int | None = None,
) -> list[AwayRange]:
    """Ranges, earliest first: of one person (as head or stand-in), still running after a time."""
    head, stand_in = aliased(Person), aliased(Person)
    q = (
        select(StandIn, head.name, stand_in.name, Division.code)
        .join(head, head.id == StandIn.head_id)
        .join(stand_in, stand_in.id == StandIn.stand_in_id)
        .join(Division, Division.id == StandIn.division_id)
        .order_by(StandIn.starts_at, StandIn.id)
    )
    if person_id is not None:
        q = q.where(or_(StandIn.head_id == person_id, StandIn.stand_in_id == person_id))
    if ending_after is not None:
        q = q.where(StandIn.ends_at > ending_after, StandIn.cancelled_at.is_(None))
    if range_id is not None:
        q = q.where(StandIn.id == range_id)
    return [_range(*row) for row in (await session.execute(q)).all()]


async def overlapping(
    session: AsyncSession, head_id: int, starts_at: datetime, ends_at: datetime
) -> list[StandIn]:
    """The person's own running or coming ranges (as head) that overlap these bounds."""
    q = select(StandIn).where(
        StandIn.head_id == head_id,
        StandIn.cancelled_at.is_(None),
        StandIn.starts_at < ends_at,
        StandIn.ends_at > starts_at,
    )
    return list(await session.scalars(q))


async def add_range(
    session: AsyncSession,
    *,
    head_id: int,
    stand_in_id: int,
    division_id: int,
    days: tuple[date, date],
    bounds: tuple[datetime, datetime],
    by_id: int | None,
    via: str,
    now: datetime,
) -> int:
    """Record a range (audited as standin.set); returns its id."""
    row = StandIn(
        head_id=head_id,
        stand_in_id=stand_in_id,
        division_id=division_id,
        first_day=days[0],
        last_day=days[1],
        starts_at=bounds[0],
        ends_at=bounds[1],
        created_at=now,
        created_by_id=by_id,
        via=via,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        audit.STANDIN_SET,
        actor_person_id=by_id,
        detail={
            "stand_in_range": row.id,
            "head_id": head_id,
            "stand_in_id": stand_in_id,
            "division_id": division_id,
            "from": days[0].isoformat(),
            "to": days[1].isoformat(),
            "via": via,
        },
        at=now,
    )
    return row.id


async def cancel_range(
    session: AsyncSession, range_id: int, *, by_id: int | None, via: str, now: datetime
) -> bool:
    """Cancel a range that has not ended (audited as standin.cancelled); False if it cannot be."""
    row = await session.get(StandIn, range_id)
    if row is None or row.cancelled_at is not None or row.ends_at <= now:
        return False
    row.cancelled_at, row.cancelled_by_id = now, by_id
    await audit.record(
        session,
        audit.STANDIN_CANCELLED,
        actor_person_id=by_id,
        detail={"stand_in_range": range_id, "head_id": row.head_id, "via": via},
        at=now,
    )
    return True


async def away_now(session: AsyncSession, delivery_id: int, now: datetime) -> bool:
    """Whether the delivery is a division notice to a head who is away now (a running range)."""
    running = exists().where(
        StandIn.head_id == Delivery.person_id,
        StandIn.division_id == Delivery.division_id,
        StandIn.cancelled_at.is_(None),
        StandIn.starts_at <= now,
        StandIn.ends_at > now,
    )
    found = await session.scalar(
        select(Delivery.id).where(
            Delivery.id == delivery_id, Delivery.kind != AWAY_SUMMARY, running
        )
    )
    return found is not None


async def ended_between(session: AsyncSession, since: datetime, now: datetime) -> list[StandIn]:
    """Ranges that began and ended (by time or cancellation) in (since, now]."""
    by_time = and_(StandIn.cancelled_at.is_(None), StandIn.ends_at > since, StandIn.ends_at <= now)
    by_cancel = and_(
        StandIn.cancelled_at > since,
        StandIn.cancelled_at <= now,
        StandIn.cancelled_at > StandIn.starts_at,
    )
    q = select(StandIn).where(or_(by_time, by_cancel)).order_by(StandIn.id)
    return list(await session.scalars(q))


def summary_slot(range_id: int) -> str:
    """The slot of a summary's key: one summary per range."""
    return f"{_SLOT}{range_id}"


def range_of_key(key: str) -> int | None:
    """The range a summary's key names (None: not a summary's key)."""
    slot = key.rsplit(":", 1)[-1]
    number = slot.removeprefix(_SLOT)
    return int(number) if slot.startswith(_SLOT) and number.isdigit() else None


async def held_notices(session: AsyncSession, row: AwayRange) -> dict[str, int]:
    """How many of the head's notices, by kind, were held back during the range."""
    q = select(Delivery.kind).where(
        Delivery.person_id == row.head_id,
        Delivery.division_id == row.division_id,
        Delivery.last_error == AWAY_REASON,
        Delivery.due_at < row.ended_at,
    )
    counts: dict[str, int] = {}
    for kind in await session.scalars(q):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


async def forget_ranges(session: AsyncSession, person_id: int) -> int:
    """Remove every range the person was away in or stood in for (forgetting); how many."""
    result = await session.execute(
        delete(StandIn).where(or_(StandIn.head_id == person_id, StandIn.stand_in_id == person_id))
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class AnswerLine:
    """One answer the division gave while its head was away."""

    round_id: int
    measure_seq: int
    status: str
    person_name: str
    at: datetime
    late: bool


async def answers_between(
    session: AsyncSession, division_id: int, since: datetime, until: datetime
) -> list[AnswerLine]:
    """The division's confirmed answers in [since, until), oldest first."""
    rows = await session.execute(
        select(Report, Measure.seq, Person.name)
        .join(Measure, Measure.id == Report.measure_id)
        .join(Person, Person.id == Report.person_id)
        .where(
            Report.division_id == division_id,
            Report.created_at >= since,
            Report.created_at < until,
        )
        .order_by(Report.created_at, Report.id)
    )
    return [
        AnswerLine(r.round_id, seq, r.status, name, r.created_at, r.late)
        for r, seq, name in rows.all()
    ]


async def returns_between(
    session: AsyncSession, division_id: int, since: datetime, until: datetime
) -> int:
    """How many of the division's answers were returned for more in [since, until)."""
    found = await session.scalars(
        select(Review.id)
        .join(Report, Report.id == Review.report_id)
        .where(
            Report.division_id == division_id,
            Review.decision == "returned",
            Review.at >= since,
            Review.at < until,
        )
    )
    return len(list(found))


async def division_people(session: AsyncSession, division_id: int) -> list[tuple[int, str, str]]:
    """(person id, name, role) of the division's active heads and members, by name."""
    rows = await session.execute(
        select(Person.id, Person.name, Membership.role)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.division_id == division_id,
            Membership.revoked_at.is_(None),
            Membership.role.in_(("head", "member")),
        )
        .order_by(Person.name, Person.id)
    )
    seen: dict[int, tuple[int, str, str]] = {}
    for pid, name, role in rows.all():
        seen.setdefault(pid, (pid, name, role))
    return list(seen.values())


async def shared_division(session: AsyncSession, head_id: int, stand_in_id: int) -> int | None:
    """An active division the first person heads and the second heads or belongs to."""
    other = aliased(Membership)
    return await session.scalar(
        select(Membership.division_id)
        .join(Division, Division.id == Membership.division_id)
        .join(other, other.division_id == Membership.division_id)
        .where(
            Membership.person_id == head_id,
            Membership.role == "head",
            Membership.revoked_at.is_(None),
            Division.active.is_(True),
            other.person_id == stand_in_id,
            other.role.in_(("head", "member")),
            other.revoked_at.is_(None),
        )
        .order_by(Membership.division_id)
        .limit(1)
    )


async def person_by_ref(session: AsyncSession, ref: str) -> Person | None:
    """A person by their number (as `members` lists it) or by @username."""
    ref = ref.strip()
    if ref.isdigit() and len(ref) <= 9:
        return await session.get(Person, int(ref))
    if ref.startswith("@") and len(ref) > 1:
        return await session.scalar(select(Person).where(Person.username == ref[1:]))
    return None
