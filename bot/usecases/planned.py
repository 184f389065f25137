"""Rounds the schedule lists before the tick has made them: summarised and reported as planned.

A round row is made by the tick at the round's opening (its items are frozen then), so before
that moment only the planner knows the round. An operator looking ahead (`summary --round
2565-01` or `report --round 2565-01` while `schedule` lists it) gets the round as planned:
it is made exactly as the tick would make it, read by the usual queries, and the transaction
is rolled back, so every item is still owed and nothing is kept.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.core import Core
from bot.usecases.exports import CHAT_FORMATS, RoundExport, render_files, round_material
from bot.usecases.refusals import Refused
from bot.usecases.summaries import SummaryView
from scheduler.plan_years import current_plan
from scheduler.schedule import load_calendar, load_schedule
from scheduler.sync import round_spec
from storage.answers import round_divisions
from storage.counting import division_ref
from storage.read_models import RoundInfo
from storage.rounds import upsert_rounds
from storage.summary import round_info, round_summary


async def _made_for_a_look(session: AsyncSession, core: Core, key: str) -> RoundInfo:
    """The round the current plan lists under `key`, made as the tick would make it.

    The caller reads what it needs and rolls the transaction back: nothing is kept.
    """
    unknown = Refused("unknown_round", key="summary.unknown_round", round_key=key)
    plan = await current_plan(session, core.today())
    if plan is None:
        raise unknown
    rules = core.rules
    schedule = await load_schedule(
        session, plan, await load_calendar(session), rules.planner, rules.tz, materialize=False
    )
    planned = next((r for r in schedule.rounds if r.key == key.strip().upper()), None)
    if planned is None:
        raise unknown
    made = (await upsert_rounds(session, plan.id, [round_spec(schedule, planned)]))[planned.key]
    return round_info(made, planned.closes_at if planned.kind == "monthly" else None)


async def planned_summary(core: Core, key: str) -> SummaryView:
    """The round the current plan will open under `key`, with every item still owed."""
    async with core.uow() as uow:
        session = uow.session
        round_ = await _made_for_a_look(session, core, key)
        counts = await round_summary(session, round_)
        divisions = [division_ref(d) for d in await round_divisions(session, round_.id)]
        await session.rollback()  # a look ahead: the tick makes the round at its opening
    return SummaryView(counts, tuple(divisions), (), False, core.now())


async def planned_export(
    core: Core, key: str, formats: Collection[str] = CHAT_FORMATS, lang: str = "th"
) -> RoundExport:
    """The files of a round the schedule lists but the tick has not made yet.

    The round is made, exactly as the tick would make it, inside a transaction that is rolled
    back after the report's data is read: the files show what will be asked, nothing is kept.
    """
    async with core.uow() as uow:
        session = uow.session
        round_ = await _made_for_a_look(session, core, key)
        material = await round_material(session, round_, formats, None)
        await session.rollback()  # a look ahead: the tick makes the round at its opening
    files = await core.renderer.run(
        render_files, material, formats, (), core.rules.tz, core.now(), lang
    )
    return RoundExport(round_, files, None)
