"""Meetings and rounds as rows: what the plan needs, materialized meetings, idempotent rounds."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from storage.answers import OwedItem, owed_items
from storage.counting import division_ref
from storage.meeting_moves import follow_close
from storage.models import (
    Division,
    Measure,
    Meeting,
    Membership,
    Person,
    Plan,
    Round,
    RoundItem,
)
from storage.plan_queries import active_measures
from storage.read_models import DivisionRef, RoundInfo
from storage.summary import round_by_id
from storage.types import utcnow


@dataclass(frozen=True)
class MeasureRow:
    """What the planner needs of a measure: cadence, period, active responsible divisions."""

    id: int
    seq: int
    cadence: str
    start: date
    end: date
    division_ids: tuple[int, ...]


async def all_plans(session: AsyncSession) -> list[Plan]:
    """Every plan, oldest fiscal year first."""
    return list(await session.scalars(select(Plan).order_by(Plan.fiscal_year_be, Plan.id)))


async def live_plans(
    session: AsyncSession, measures_ending_from: date, meetings_after: datetime
) -> list[Plan]:
    """Plans that may still have a round to follow, oldest fiscal year first.

    A plan is live when one of its active measures ends on `measures_ending_from` or later, or
    one of its stored meetings starts after `meetings_after`; both are index lookups, so the
    plans of past years cost nothing however many there are.
    """
    live = union(
        select(Measure.plan_id).where(
            Measure.period_end >= measures_ending_from, Measure.active.is_(True)
        ),
        select(Meeting.plan_id).where(Meeting.starts_at > meetings_after),
    )
    return list(
        await session.scalars(
            select(Plan).where(Plan.id.in_(live)).order_by(Plan.fiscal_year_be, Plan.id)
        )
    )


async def plan_by_code(session: AsyncSession, code: str) -> Plan | None:
    """A plan by its code."""
    return await session.scalar(select(Plan).where(Plan.code == code))


async def measure_rows(session: AsyncSession, plan_id: int) -> list[MeasureRow]:
    """The plan's active measures with their active responsible divisions, by seq."""
    measures = await active_measures(session, plan_id)
    return [
        MeasureRow(
            id=m.id,
            seq=m.seq,
            cadence=m.followup_cadence,
            start=m.period_start,
            end=m.period_end,
            division_ids=tuple(
                sorted(r.division_id for r in m.responsibilities if r.division.active)
            ),
        )
        for m in measures
    ]


async def meetings_of(session: AsyncSession, plan_id: int) -> list[Meeting]:
    """The plan's stored meetings, by month."""
    return list(
        await session.scalars(
            select(Meeting).where(Meeting.plan_id == plan_id).order_by(Meeting.month)
        )
    )


async def sync_rule_meetings(
    session: AsyncSession, plan_id: int, wanted: Mapping[date, datetime]
) -> None:
    """Store the rule's meeting for each month; a coordinator's (manual) meeting is kept."""
    stored = {m.month: m for m in await meetings_of(session, plan_id)}
    for month, starts_at in wanted.items():
        meeting = stored.get(month)
        if meeting is None:
            session.add(Meeting(plan_id=plan_id, month=month, starts_at=starts_at, manual=False))
        elif not meeting.manual and meeting.starts_at != starts_at:
            # The plan's rule changed on re-import: follow it.
            meeting.starts_at = starts_at
            meeting.updated_at = utcnow()
    await session.flush()


# The audit action of a meeting moved by hand (its detail: plan, month, starts_at, was).
MEETING_SET = "meeting.set"


async def meeting_of_month(session: AsyncSession, plan_id: int, month: date) -> datetime | None:
    """When the stored meeting of `month` starts (UTC), or None when none is stored."""
    return await session.scalar(
        select(Meeting.starts_at).where(Meeting.plan_id == plan_id, Meeting.month == month)
    )


async def set_meeting(
    session: AsyncSession,
    plan_id: int,
    month: date,
    starts_at: datetime,
    set_by_id: int | None = None,
) -> Meeting:
    """Move (or add) the meeting of `month`; manual from now on, the rule no longer applies."""
    meeting = await session.scalar(
        select(Meeting).where(Meeting.plan_id == plan_id, Meeting.month == month)
    )
    if meeting is None:
        meeting = Meeting(plan_id=plan_id, month=month)
        session.add(meeting)
    meeting.starts_at = starts_at
    meeting.manual = True
    meeting.set_by_id = set_by_id
    meeting.updated_at = utcnow()
    await session.flush()
    return meeting


@dataclass(frozen=True)
class RoundSpec:
    """A planned round as storage needs it (the scheduler's planner produces these)."""

    kind: str
    key: str
    covers_start: date
    covers_end: date
    opens_at: datetime
    closes_at: datetime
    meeting_id: int | None
    items: tuple[tuple[int, int], ...]


async def rounds_of(
    session: AsyncSession, plan_id: int, keys: Collection[str] | None = None
) -> dict[str, Round]:
    """The plan's rounds by key (only those of `keys` when given)."""
    q = select(Round).where(Round.plan_id == plan_id)
    if keys is not None:
        q = q.where(Round.key.in_(keys))
    return {r.key: r for r in await session.scalars(q)}


@dataclass(frozen=True)
class SyncedRounds:
    """The rounds of the specs by key, and how many of them were made just now."""

    by_key: dict[str, Round]
    made: int
    # Answers whose late mark changed because their round's close moved.
    remarked: int = 0


async def upsert_rounds(
    session: AsyncSession, plan_id: int, specs: Iterable[RoundSpec]
) -> dict[str, Round]:
    """Create missing rounds with their items; follow moved times. Returns the rounds by key."""
    return (await sync_rounds(session, plan_id, specs)).by_key


async def sync_rounds(
    session: AsyncSession, plan_id: int, specs: Iterable[RoundSpec]
) -> SyncedRounds:
    """Create missing rounds with their items; follow moved times; the specs' rounds by key.

    Items are frozen when a round is created (a plan edited later does not change what was
    asked). A moved meeting moves the round's close, and with it the stale time of the
    round's pending deliveries and its answers' late marks (storage.meeting_moves). Only the
    specs' rounds are read, not the plan's every round.
    """
    specs = list(specs)
    existing = await rounds_of(session, plan_id, {s.key for s in specs}) if specs else {}
    made = remarked = 0
    for spec in specs:
        r = existing.get(spec.key)
        if r is None:
            made += 1
            r = Round(
                plan_id=plan_id,
                kind=spec.kind,
                key=spec.key,
                meeting_id=spec.meeting_id,
                covers_start=spec.covers_start,
                covers_end=spec.covers_end,
                opens_at=spec.opens_at,
                closes_at=spec.closes_at,
            )
            session.add(r)
            await session.flush()
            session.add_all(
                RoundItem(round_id=r.id, measure_id=m, division_id=d) for m, d in spec.items
            )
            existing[spec.key] = r
            continue
        if r.closes_at != spec.closes_at:
            remarked += await follow_close(session, r.id, r.closes_at, spec.closes_at)
        r.opens_at, r.closes_at, r.meeting_id = spec.opens_at, spec.closes_at, spec.meeting_id
    await session.flush()
    return SyncedRounds(existing, made, remarked)


async def divisions_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, Division]:
    """Divisions by id."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await session.scalars(select(Division).where(Division.id.in_(wanted)))
    return {d.id: d for d in rows}


async def unreachable_people(
    session: AsyncSession, division_ids: Iterable[int]
) -> dict[int, list[Person]]:
    """People of each division (active head or member) whom Telegram refused (403)."""
    wanted = set(division_ids)
    if not wanted:
        return {}
    rows = await session.execute(
        select(Membership.division_id, Person)
        .join(Person, Person.id == Membership.person_id)
        .where(
            Membership.division_id.in_(wanted),
            Membership.revoked_at.is_(None),
            Membership.role.in_(("head", "member")),
            Person.unreachable_since.is_not(None),
        )
        .order_by(Person.id)
    )
    out: dict[int, list[Person]] = {}
    for division_id, person in rows.all():
        if division_id is not None:
            out.setdefault(division_id, []).append(person)
    return out


async def enrolled_counts(session: AsyncSession, division_ids: Iterable[int]) -> dict[int, int]:
    """How many people (reachable or not) hold an active head or member role per division."""
    wanted = set(division_ids)
    if not wanted:
        return {}
    rows = await session.execute(
        select(Membership.division_id, func.count(func.distinct(Membership.person_id)))
        .where(
            Membership.division_id.in_(wanted),
            Membership.revoked_at.is_(None),
            Membership.role.in_(("head", "member")),
        )
        .group_by(Membership.division_id)
    )
    return {d: int(n) for d, n in rows.all() if d is not None}


@dataclass(frozen=True)
class DigestDivision:
    """One division in a round's digest: what it owes, who cannot be reached, who is enrolled."""

    division_id: int
    # None only if the division's row is gone; the digest then names it by id.
    division: DivisionRef | None
    items: tuple[OwedItem, ...]
    unreachable: tuple[str, ...]
    enrolled: int

    @property
    def done(self) -> bool:
        """Whether the division answered every item it owes."""
        return all(i.answered for i in self.items)

    @property
    def missing_seqs(self) -> tuple[int, ...]:
        """The measures it still owes, by number."""
        return tuple(i.measure_seq for i in self.items if not i.answered)


@dataclass(frozen=True)
class NoticeData:
    """What one notification says, read at once when it is sent."""

    kind: str
    round: RoundInfo
    meeting_name_th: str
    meeting_name_en: str
    # A division's notice: its division, items and recipient; a digest: every division.
    division: DivisionRef | None = None
    items: tuple[OwedItem, ...] = ()
    person_name: str | None = None
    digest: tuple[DigestDivision, ...] = ()


async def _digest(session: AsyncSession, round_id: int) -> tuple[DigestDivision, ...]:
    by_division: dict[int, list[OwedItem]] = {}
    for item in await owed_items(session, round_id):
        by_division.setdefault(item.division_id, []).append(item)
    divisions = await divisions_by_id(session, by_division)
    unreachable = await unreachable_people(session, by_division)
    enrolled = await enrolled_counts(session, by_division)
    return tuple(
        DigestDivision(
            division_id=d,
            division=division_ref(divisions[d]) if d in divisions else None,
            items=tuple(items),
            unreachable=tuple(p.name for p in unreachable.get(d, ())),
            enrolled=enrolled.get(d, 0),
        )
        for d, items in by_division.items()
    )


async def notice_data(
    session: AsyncSession,
    kind: str,
    round_id: int | None,
    division_id: int | None,
    person_id: int,
) -> NoticeData | None:
    """What a notification says now; None when its round, division or items are gone."""
    rnd = await round_by_id(session, round_id) if round_id is not None else None
    if rnd is None:
        return None
    plan = await session.get(Plan, rnd.plan_id)
    assert plan is not None
    data = NoticeData(kind, rnd, plan.meeting_name_th, plan.meeting_name_en)
    if kind == "digest":
        return replace(data, digest=await _digest(session, rnd.id))
    division = await session.get(Division, division_id) if division_id else None
    if division is None:
        return None
    items = await owed_items(session, rnd.id, division.id)
    if not items:
        return None
    person = await session.get(Person, person_id)
    return replace(
        data,
        division=division_ref(division),
        items=tuple(items),
        person_name=person.name if person else None,
    )
