"""A demo to look at before going live: sample people, a few rounds of Thai answers, reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.usecases.core import Core
from bot.usecases.exports import FORMATS, ReportFile, export_period, export_round
from bot.usecases.rounds import NoPlan, import_plan_file
from bot.usecases.summaries import SummaryView, choose_round, summary
from scheduler.plan_years import current_plan
from scheduler.schedule import load_calendar, load_schedule
from scheduler.sync import sync_plan
from scheduler.tickconfig import TickConfig, TickReport
from storage import demo as store
from storage.demo import ANSWERS, PEOPLE


@dataclass(frozen=True)
class Demo:
    """What the demo made: its rounds, the files to write, and the current round's summary."""

    round_keys: tuple[str, ...]
    files: tuple[ReportFile, ...]
    summary: SummaryView


async def _fill(core: Core) -> None:
    """Enrol the sample people, open the rounds due by now (as the tick would), answer them."""
    now = core.now()
    async with core.uow() as uow:
        s = uow.session
        heads = await store.add_people(s, PEOPLE)
        plan = await current_plan(s, core.today())
        if plan is None:
            raise NoPlan()
        rules = core.rules
        schedule = await load_schedule(
            s, plan, await load_calendar(s), rules.planner, rules.tz, materialize=True
        )
        config = TickConfig(planner=rules.planner, tz=rules.tz)
        await sync_plan(s, schedule, now, config, TickReport())
        for n, (rnd, item, code) in enumerate(await store.round_items(s)):
            if n % 6 == 5 or code not in heads:
                continue
            at = min(rnd.opens_at + timedelta(days=1 + n % 3), now)
            await store.add_answer(s, item, heads[code], ANSWERS[n % len(ANSWERS)], at)


async def build_demo(core: Core, plan_file: Path) -> Demo:
    """Fill an empty, migrated database with the demo and render every report format."""
    await import_plan_file(core, plan_file)
    await _fill(core)
    async with core.uow() as uow:
        keys = tuple(r.key for r, _, _ in await store.round_items(uow.session))
    keys = tuple(dict.fromkeys(keys))
    files: list[ReportFile] = []
    for key in keys:
        chosen = await choose_round(core, None, key)
        files += (await export_round(core, None, chosen, FORMATS)).files
    files += await export_period(core, ("docx", "xlsx"))
    return Demo(keys, tuple(files), await summary(core, None))
