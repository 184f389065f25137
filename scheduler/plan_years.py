"""Which plan is current: the one place that decides it, by date.

The rule: a plan's period is its fiscal year (1 October to 30 September, named by the B.E.
year it ends in). The current plan is the newest plan whose period has begun by `today`: the
one whose period holds today, or, in a year no plan covers, the last one that ran. Before any
plan's period begins, it is the earliest plan (so a plan imported ahead of its year is shown
rather than nothing). Two plans of one fiscal year: the one imported last.

Every view that shows "the plan" (summaries, /history's choices, /review, the period report,
the CLI's defaults) asks this module; storage takes the plan's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from scheduler.thaidate import BE_OFFSET
from storage.models import Plan

CURRENT, UPCOMING, PAST = "current", "upcoming", "past"


def fiscal_period(fiscal_year_be: int) -> tuple[date, date]:
    """The first and last day of a B.E. fiscal year (2565 -> 2021-10-01, 2022-09-30)."""
    end_ce = fiscal_year_be - BE_OFFSET
    return date(end_ce - 1, 10, 1), date(end_ce, 9, 30)


@dataclass(frozen=True)
class PlanYear:
    """A plan with its fiscal period and its state on a day (current, upcoming or past)."""

    id: int
    code: str
    title_th: str
    title_en: str
    fiscal_year_be: int
    start: date
    end: date
    state: str


def pick_current(plans: list[Plan], today: date) -> Plan | None:
    """The current plan among `plans` by the module's rule (pure; None when there are none)."""
    if not plans:
        return None
    ordered = sorted(plans, key=lambda p: (p.fiscal_year_be, p.imported_at, p.id))
    begun = [p for p in ordered if fiscal_period(p.fiscal_year_be)[0] <= today]
    return begun[-1] if begun else ordered[0]


async def _plans(session: AsyncSession) -> list[Plan]:
    return list(await session.scalars(select(Plan).options(selectinload(Plan.organization))))


async def current_plan(session: AsyncSession, today: date) -> Plan | None:
    """The plan current on `today` (local date), with its organization; None when none exists."""
    return pick_current(await _plans(session), today)


async def plan_years(session: AsyncSession, today: date) -> tuple[PlanYear, ...]:
    """Every plan, oldest fiscal year first, with its period and state on `today`."""
    plans = await _plans(session)
    current = pick_current(plans, today)
    rows = []
    for p in sorted(plans, key=lambda p: (p.fiscal_year_be, p.imported_at, p.id)):
        start, end = fiscal_period(p.fiscal_year_be)
        state = CURRENT if p is current else (UPCOMING if start > today else PAST)
        rows.append(
            PlanYear(p.id, p.code, p.title_th, p.title_en, p.fiscal_year_be, start, end, state)
        )
    return tuple(rows)
