"""This year's plan: which imported plan covers today, and next year's file from an old one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.usecases.core import Core
from bot.usecases.rounds import NoPlan
from scheduler.fiscal import fiscal_year_be
from scheduler.meetings import parse_rule
from scheduler.plan_years import PlanYear, plan_years
from scheduler.thaidate import BE_OFFSET, THAI_MONTHS, to_thai_digits
from storage import rounds as store
from storage.plan_file import PlanFile, load_plan_file


@dataclass(frozen=True)
class Coverage:
    """Whether an imported plan's fiscal year holds today; the newest plan's code to start from."""

    today: dt.date
    fiscal_year_be: int
    covered: bool
    newest_code: str | None


@dataclass(frozen=True)
class NextPlan:
    """Next year's plan file as text, and what it was made from."""

    text: str
    source: Path
    code: str


async def plan_list(core: Core) -> tuple[PlanYear, ...]:
    """Every plan with its fiscal period and its state today (current, upcoming or past)."""
    async with core.uow() as uow:
        return await plan_years(uow.session, core.today())


async def coverage(core: Core) -> Coverage:
    """Is today (local) inside the fiscal year of some imported plan? Nothing is sent otherwise."""
    today = core.today()
    year = fiscal_year_be(today)
    async with core.uow() as uow:
        plans = await store.all_plans(uow.session)
    return Coverage(
        today=today,
        fiscal_year_be=year,
        covered=any(p.fiscal_year_be == year for p in plans),
        newest_code=plans[-1].code if plans else None,
    )


def _plan_file(source: str) -> Path | None:
    path = Path(source)
    return path if path.is_file() else None


async def _source(core: Core, source: str) -> Path:
    """A plan file: `source` itself when it is a file, else the file plan `source` came from."""
    path = _plan_file(source)
    if path is not None:
        return path
    async with core.uow() as uow:
        plan = await store.plan_by_code(uow.session, source)
        known = tuple(p.code for p in await store.all_plans(uow.session))
    if plan is None or not plan.source_file:
        raise NoPlan(source, known)
    return Path(plan.source_file)


def _shift(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def _month_text(day: dt.date) -> str:
    # The document's own style: "ตุลาคม ๖๙" (month name, two-digit B.E. year, Thai digits).
    return f"{THAI_MONTHS[day.month - 1]} {to_thai_digits(str((day.year + BE_OFFSET) % 100))}"


def _retitle(text: str, old: int, new: int) -> str:
    for a, b in ((old, new), (old - BE_OFFSET, new - BE_OFFSET)):
        text = text.replace(str(a), str(b)).replace(to_thai_digits(str(a)), to_thai_digits(str(b)))
    return text


def _next_data(plan: PlanFile, year_be: int) -> dict[str, Any]:
    data = plan.model_dump(mode="json", exclude_defaults=False)
    old = plan.plan.fiscal_year_be
    years = year_be - old
    data["plan"]["code"] = _retitle(plan.plan.code, old, year_be)
    data["plan"]["title_th"] = _retitle(plan.plan.title_th, old, year_be)
    data["plan"]["title_en"] = _retitle(plan.plan.title_en, old, year_be)
    data["plan"]["fiscal_year_be"] = year_be
    for m, spec in zip(data["measures"], plan.measures, strict=True):
        # The same key links each measure to its history in the year it came from.
        m["key"] = spec.measure_key
        start, end = _shift(spec.period.start, years), _shift(spec.period.end, years)
        m["period"] = {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "text_th": f"{_month_text(start)} – {_month_text(end)}",
        }
    return data


def _header(source: Path, old: int, new: int) -> str:
    return "\n".join(
        [
            f"# Plan for fiscal year B.E. {new} ({new - BE_OFFSET - 1}-10-01 to "
            f"{new - BE_OFFSET}-09-30), made by `ita-followup plan new` from {source}",
            f"# (B.E. {old}): the measures' dates are moved by {new - old} year(s), titles kept.",
            "# Review before `ita-followup plan import`:",
            "#  - measures: this year's measures come from the new ITA result; add, drop, reword",
            "#  - assessment: still last year's scores; replace them with the new ITA result",
            "#  - divisions: check them against the municipality's structure today",
            "#  - period: each measure's start and end (and its text_th wording)",
            "#  - meetings.monthly_heads.rule: the day and time of the monthly meeting",
            "",
        ]
    )


async def next_plan(core: Core, source: str, year_be: int) -> NextPlan:
    """Next year's plan file (as text) from plan code or file `source`, checked as importable."""
    path = await _source(core, source)
    plan = load_plan_file(path, rule_check=parse_rule)
    data = _next_data(plan, year_be)
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    text = _header(path, plan.plan.fiscal_year_be, year_be) + body
    # What is written must import: check it as `plan import` will.
    PlanFile.model_validate(yaml.safe_load(body))
    return NextPlan(text, path, data["plan"]["code"])


def check_plan_file(path: Path) -> PlanFile:
    """Read and check a plan file as `plan import` would, without touching any database.

    Raises PlanFileError with one FILE:LINE line per fault.
    """
    return load_plan_file(path, rule_check=parse_rule)
