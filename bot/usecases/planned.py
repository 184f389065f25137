"""Rounds the schedule lists before the tick has made them: a summary that says "not yet open".

A round row is made by the tick at the round's opening (its items are frozen then), so before
that moment only the planner knows the round. An operator looking ahead (`summary --round
2565-01` while `schedule` lists it) gets the round as planned: every item still owed.
"""

from __future__ import annotations

from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from bot.usecases.summaries import SummaryView
from scheduler.schedule import load_schedule
from scheduler.workdays import WorkCalendar
from storage.counting import division_ref, measure_ref
from storage.plan_queries import active_measures, current_plan
from storage.read_models import ItemAnswer, RoundInfo
from storage.rounds import divisions_by_id
from storage.summary import summarize

# A planned round has no row yet; read models carry this id for it.
NOT_MADE = 0


async def planned_summary(core: Core, key: str) -> SummaryView:
    """The round the current plan will open under `key`, with every item still owed.

    Refused as an unknown round when the schedule lists no round with that key.
    """
    wanted, rules = key.strip().upper(), core.rules
    unknown = Refused("unknown_round", key="summary.unknown_round", round_key=key)
    async with core.uow() as uow:
        session = uow.session
        plan = await current_plan(session)
        if plan is None:
            raise unknown
        schedule = await load_schedule(
            session, plan, WorkCalendar(), rules.planner, rules.tz, materialize=False
        )
        planned = next((r for r in schedule.rounds if r.key == wanted), None)
        if planned is None:
            raise unknown
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
