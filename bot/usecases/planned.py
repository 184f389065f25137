"""Rounds the schedule lists before the tick has made them: summarised and reported as planned.

A round row is made by the tick at the round's opening (its items are frozen then), so before
that moment only the planner knows the round. An operator looking ahead (`summary --round
2565-01` or `report --round 2565-01` while `schedule` lists it) gets the round as planned:
every item still owed, marked not yet open.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.core import Core
from bot.usecases.exports import CHAT_FORMATS, RoundExport, render_files, round_material
from bot.usecases.refusals import Refused
from bot.usecases.summaries import SummaryView
from scheduler.planner import PlannedRound
from scheduler.schedule import PlanSchedule, load_schedule
from scheduler.sync import round_spec
from scheduler.workdays import WorkCalendar
from storage.counting import division_ref, measure_ref
from storage.models import Plan
from storage.plan_queries import active_measures, current_plan
from storage.read_models import ItemAnswer, RoundInfo
from storage.rounds import divisions_by_id, upsert_rounds
from storage.summary import round_info, summarize

# A planned round has no row yet; read models carry this id for it.
NOT_MADE = 0


async def _planned(
    session: AsyncSession, core: Core, key: str
) -> tuple[Plan, PlanSchedule, PlannedRound]:
    """The current plan, its schedule and the round it lists under `key` (or Refused)."""
    unknown = Refused("unknown_round", key="summary.unknown_round", round_key=key)
    plan = await current_plan(session)
    if plan is None:
        raise unknown
    rules = core.rules
    schedule = await load_schedule(
        session, plan, WorkCalendar(), rules.planner, rules.tz, materialize=False
    )
    planned = next((r for r in schedule.rounds if r.key == key.strip().upper()), None)
    if planned is None:
        raise unknown
    return plan, schedule, planned


async def planned_summary(core: Core, key: str) -> SummaryView:
    """The round the current plan will open under `key`, with every item still owed."""
    async with core.uow() as uow:
        session = uow.session
        plan, _, planned = await _planned(session, core, key)
        measures = {m.id: measure_ref(m) for m in await active_measures(session, plan.id)}
        divisions = await divisions_by_id(session, planned.division_ids)
    round_ = RoundInfo(
        id=NOT_MADE,
        plan_id=plan.id,
        key=planned.key,
        kind=planned.kind,
        covers_start=planned.covers_start,
        covers_end=planned.covers_end,
        opens_at=planned.opens_at,
        closes_at=planned.closes_at,
        meeting_at=planned.closes_at if planned.kind == "monthly" else None,
    )
    refs = {i: division_ref(d) for i, d in divisions.items()}
    items = [
        ItemAnswer(round_, measures[m], refs[d], None)
        for m, d in planned.items
        if m in measures and d in refs
    ]
    shown = sorted(refs.values(), key=lambda d: (d.position, d.code))
    return SummaryView(summarize(round_, items), tuple(shown), (), False, core.now())


async def planned_export(
    core: Core, key: str, formats: Collection[str] = CHAT_FORMATS, lang: str = "th"
) -> RoundExport:
    """The files of a round the schedule lists but the tick has not made yet.

    The round is made, exactly as the tick would make it, inside a transaction that is rolled
    back after the report's data is read: the files show what will be asked, nothing is kept.
    """
    async with core.uow() as uow:
        session = uow.session
        plan, schedule, planned = await _planned(session, core, key)
        made = (await upsert_rounds(session, plan.id, [round_spec(schedule, planned)]))[planned.key]
        meeting_at = planned.closes_at if planned.kind == "monthly" else None
        round_ = round_info(made, meeting_at)
        material = await round_material(session, round_, formats, None)
        await session.rollback()  # a look ahead: the tick makes the round at its opening
    files = await asyncio.to_thread(
        render_files, material, formats, (), core.rules.tz, core.now(), lang
    )
    return RoundExport(round_, files, None)
