"""Summaries and history: a round at a glance, one measure, one division, round by round.

One rule decides what anyone sees (visible_divisions): coordinators and admins see every
division, supervisors the divisions they oversee, heads and members only their own. It is
applied on every call from the database's view of the actor, never from what a button says,
so a forged or stale button shows nothing it should not. `actor=None` is the operator at the
command line, who sees everything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from scheduler.plan_years import current_plan
from storage import history as history_queries
from storage import summary as queries
from storage.answers import round_divisions
from storage.counting import division_ref
from storage.models import Plan
from storage.people import Actor
from storage.read_models import (
    DivisionDetail,
    DivisionRef,
    History,
    MeasureDetail,
    MeasureRef,
    RoundInfo,
    RoundSummary,
)
from storage.rounds import plan_by_code

log = logging.getLogger("bot.summary")

# How many rounds a history shows (it has to fit a phone screen).
HISTORY_ROUNDS = 12
Scope = frozenset[int] | None


@dataclass(frozen=True)
class SummaryView:
    """A round's summary as far as the actor may see it, with what to drill into."""

    summary: RoundSummary
    # The divisions owing something in the round that the actor may open, by code.
    divisions: tuple[DivisionRef, ...]
    # Other rounds open now (of the actor's divisions), to mention beside this one.
    other_open: tuple[RoundInfo, ...]
    own_only: bool
    now: datetime


@dataclass(frozen=True)
class HistoryChoices:
    """The measures and divisions whose history the actor may see."""

    measures: tuple[MeasureRef, ...]
    divisions: tuple[DivisionRef, ...]


def visible_divisions(actor: Actor | None) -> Scope:
    """The divisions an actor may see; None means all (coordinators, admins, the operator).

    A supervisor sees the divisions they oversee (all of them: everything), with their own.
    """
    if actor is None or actor.is_coordinator:
        return None
    if not actor.is_supervisor:
        return actor.division_ids
    if actor.oversight.every:
        return None
    return actor.division_ids | actor.oversight.division_ids


def _not_allowed(what: str, ident: int, actor: Actor | None) -> Refused:
    log.warning("%s %s refused to person %s", what, ident, actor.person_id if actor else "-")
    return Refused("not_allowed", key="summary.not_allowed")


async def current_plan_id(session: AsyncSession, core: Core) -> int | None:
    """The id of the plan current by the core's clock (scheduler.plan_years), or None."""
    plan = await current_plan(session, core.today())
    return plan.id if plan is not None else None


async def chosen_plan(session: AsyncSession, core: Core, plan_code: str | None) -> Plan:
    """The plan by code, else the current one; Refused("no_plan") when there is none."""
    if plan_code is not None:
        plan = await plan_by_code(session, plan_code)
    else:
        plan = await current_plan(session, core.today())
    if plan is None:
        raise Refused("no_plan", plan=plan_code or "")
    return plan


async def pick_round(
    session: AsyncSession,
    scope: Scope,
    now: datetime,
    key: str | None = None,
    round_id: int | None = None,
    plan_id: int | None = None,
) -> RoundInfo:
    """The round a button (by id) or a command (by key, else the current one) means.

    `plan_id` is the current plan: its round comes first when a key is in several plans, and
    the current round is its own (storage.summary.current_round). The current round of a head
    or member is one that asks their divisions something.
    """
    if round_id is not None:
        found = await queries.round_by_id(session, round_id)
        if found is None:
            raise Refused("stale", key="summary.stale")
        return found
    if key is not None:
        found = None
        if plan_id is not None:
            found = await queries.round_by_key(session, key, plan_id)
        found = found or await queries.round_by_key(session, key)
        if found is None:
            raise Refused("unknown_round", key="summary.unknown_round", round_key=key)
        return found
    found = await queries.current_round(session, now, scope, plan_id)
    if found is None:
        raise Refused("no_round", key="summary.no_round")
    return found


async def choose_round(
    core: Core, actor: Actor | None, key: str | None = None, *, round_id: int | None = None
) -> RoundInfo:
    """The round named by key or id, else the actor's current one; Refused when there is none."""
    async with core.uow() as uow:
        s, scope = uow.session, visible_divisions(actor)
        return await pick_round(s, scope, core.now(), key, round_id, await current_plan_id(s, core))


async def summary(
    core: Core, actor: Actor | None, key: str | None = None, *, round_id: int | None = None
) -> SummaryView:
    """A round at a glance (the named one, else the current one), within what the actor sees."""
    scope, now = visible_divisions(actor), core.now()
    async with core.uow() as uow:
        s = uow.session
        plan_id = await current_plan_id(s, core)
        round_ = await pick_round(s, scope, now, key, round_id, plan_id)
        counts = await queries.round_summary(s, round_, scope)
        others = [r for r in await queries.open_rounds(s, now, scope) if r.id != round_.id]
        divisions = [
            division_ref(d)
            for d in await round_divisions(s, round_.id)
            if scope is None or d.id in scope
        ]
    return SummaryView(counts, tuple(divisions), tuple(others), scope is not None, now)


async def measure_detail(core: Core, actor: Actor, round_id: int, measure_id: int) -> MeasureDetail:
    """Each visible division's counting answer to one measure of a round."""
    async with core.uow() as uow:
        round_ = await queries.round_by_id(uow.session, round_id)
        detail = (
            await queries.measure_detail(uow.session, round_, measure_id, visible_divisions(actor))
            if round_
            else None
        )
    if detail is None:
        raise _not_allowed(f"measure of round {round_id}", measure_id, actor)
    return detail


async def division_detail(
    core: Core, actor: Actor, round_id: int, division_id: int
) -> DivisionDetail:
    """One division's counting answers in a round, if the actor may see that division."""
    if not actor.may_see_division(division_id):
        raise _not_allowed("division", division_id, actor)
    async with core.uow() as uow:
        round_ = await queries.round_by_id(uow.session, round_id)
        detail = await queries.division_detail(uow.session, round_, division_id) if round_ else None
    if detail is None:
        raise Refused("stale", key="summary.stale")
    return detail


async def history_choices(core: Core, actor: Actor) -> HistoryChoices:
    """The current plan's measures and divisions the actor may see the history of."""
    scope = visible_divisions(actor)
    async with core.uow() as uow:
        plan = await current_plan(uow.session, core.today())
        if plan is None:
            raise Refused("no_round", key="summary.no_round")
        measures = await queries.plan_measures(uow.session, plan.id, scope)
        divisions = await queries.plan_divisions(uow.session, plan.id, scope)
    return HistoryChoices(measures, divisions)


async def measure_history(core: Core, actor: Actor, measure_id: int) -> History | None:
    """How one measure's status moved over the last rounds (own divisions for the scoped)."""
    async with core.uow() as uow:
        return await history_queries.history(
            uow.session,
            measure_id=measure_id,
            division_ids=visible_divisions(actor),
            last=HISTORY_ROUNDS,
        )


async def division_history(core: Core, actor: Actor, division_id: int) -> History | None:
    """How one division's measures moved over the last rounds, if the actor may see it."""
    if not actor.may_see_division(division_id):
        raise _not_allowed("history of division", division_id, actor)
    async with core.uow() as uow:
        return await history_queries.history(
            uow.session, division_id=division_id, last=HISTORY_ROUNDS
        )
