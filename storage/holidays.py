"""Special holidays: the municipality's own non-working days, added by hand or by a plan file.

The scheduler reads them all at once (`holiday_names`) to build its working-day calendar; the
command line and the plan import add and remove them here, each in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SpecialHoliday
from storage.text import clean_text
from storage.types import utcnow

# Where a holiday came from: the command line, or a plan file (by the plan's code).
BY_HAND = "command line"
# The audit actions of a holiday added or removed at the command line.
HOLIDAY_ADDED = "holiday.added"
HOLIDAY_REMOVED = "holiday.removed"


def plan_source(plan_code: str) -> str:
    """The source of the holidays a plan file lists."""
    return f"plan {plan_code}"


@dataclass(frozen=True)
class Holiday:
    """One special holiday as stored."""

    day: date
    name: str
    source: str
    added_by: str
    added_at: datetime


def _holiday(row: SpecialHoliday) -> Holiday:
    return Holiday(row.day, row.name, row.source, row.added_by, row.added_at)


async def holiday_names(session: AsyncSession) -> dict[date, str]:
    """Every special holiday's name by its day (a small table: read whole)."""
    rows = await session.execute(select(SpecialHoliday.day, SpecialHoliday.name))
    return {day: name for day, name in rows.all()}


async def holidays(session: AsyncSession) -> list[Holiday]:
    """Every special holiday, by day."""
    rows = await session.scalars(select(SpecialHoliday).order_by(SpecialHoliday.day))
    return [_holiday(r) for r in rows]


async def holiday_on(session: AsyncSession, day: date) -> Holiday | None:
    """The special holiday of `day`, if there is one."""
    row = await session.scalar(select(SpecialHoliday).where(SpecialHoliday.day == day))
    return _holiday(row) if row is not None else None


async def add_holiday(
    session: AsyncSession,
    day: date,
    name: str,
    *,
    source: str = BY_HAND,
    by: str = "",
    at: datetime | None = None,
) -> Holiday:
    """Add the holiday of `day` (the caller has checked that the day is free)."""
    row = SpecialHoliday(
        day=day,
        name=clean_text(name).strip(),
        source=source,
        added_by=clean_text(by)[:255],
        added_at=at or utcnow(),
    )
    session.add(row)
    await session.flush()
    return _holiday(row)


async def remove_holiday(session: AsyncSession, day: date) -> Holiday | None:
    """Remove the holiday of `day`; what was removed, or None when there was none."""
    found = await holiday_on(session, day)
    if found is not None:
        await session.execute(delete(SpecialHoliday).where(SpecialHoliday.day == day))
    return found


async def sync_plan_holidays(
    session: AsyncSession, plan_code: str, wanted: Mapping[date, str], by: str = ""
) -> list[str]:
    """Make the plan file's holidays the stored ones of that plan; the changes, one line each.

    A day already added another way (by hand, another plan) is left as it is; a day this
    plan's file no longer lists is removed.
    """
    source = plan_source(plan_code)
    rows = {r.day: r for r in await session.scalars(select(SpecialHoliday))}
    changes: list[str] = []
    for day, name in sorted(wanted.items()):
        row = rows.get(day)
        if row is None:
            await add_holiday(session, day, name, source=source, by=by)
            changes.append(f"holiday {day.isoformat()} added")
        elif row.source == source and row.name != clean_text(name).strip():
            row.name = clean_text(name).strip()
            changes.append(f"holiday {day.isoformat()} renamed")
    for day, row in rows.items():
        if row.source == source and day not in wanted:
            await session.delete(row)
            changes.append(f"holiday {day.isoformat()} removed")
    await session.flush()
    return changes
