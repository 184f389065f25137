"""Silent divisions and nudges: who still owes answers in a round, and reminding them now.

The rules: only coordinators (and admins) nudge, and supervisors the divisions they oversee;
only a division that still owes something; only while the round is open (afterwards a nudge
would ask for a report "by" a date already past); at most once a local day per division;
only to people Telegram still reaches. The nudge itself is a pending delivery that the
scheduler's tick sends.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from bot.usecases.summaries import current_plan_id, pick_round, visible_divisions
from storage.counting import item_answers
from storage.nudges import add_nudges, division_members, nudged_divisions, silent_divisions
from storage.people import Actor
from storage.read_models import DivisionRef, PersonRef, RoundInfo, SilentDivision
from storage.summary import plan_divisions, round_by_id

log = logging.getLogger("bot.summary")


@dataclass(frozen=True)
class MissingView:
    """The silent divisions of a round as far as the actor may see them."""

    round: RoundInfo
    silent: tuple[SilentDivision, ...]
    # The divisions the actor may nudge now (empty for heads and members, or a closed round).
    nudgeable: tuple[DivisionRef, ...]


@dataclass(frozen=True)
class Nudged:
    """A nudge recorded: the division and how many people it will reach."""

    division: DivisionRef
    created: int


def nudge_slot(now: datetime, tz: tzinfo) -> str:
    """The slot of a nudge: the local date, so one nudge per division per day."""
    return now.astimezone(tz).date().isoformat()


def _end_of_day(now: datetime, tz: tzinfo) -> datetime:
    # A nudge meant for "now" must not arrive tomorrow: it goes stale at local midnight.
    local_day = now.astimezone(tz).date()
    return datetime.combine(local_day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)


async def missing(core: Core, actor: Actor, key: str | None = None) -> MissingView:
    """The silent divisions of the named (else the current) round, their people and reach."""
    scope, now, tz = visible_divisions(actor), core.now(), core.rules.tz
    async with core.uow() as uow:
        plan_id = await current_plan_id(uow.session, core)
        round_ = await pick_round(uow.session, scope, now, key, plan_id=plan_id)
        silent = await silent_divisions(uow.session, round_, nudge_slot(now, tz), scope)
    nudgeable = tuple(
        s.division
        for s in silent
        if may_nudge(actor, s.division.id)
        and round_.is_open(now)
        and not s.nudged_today
        and any(p.reachable for p in s.people)
    )
    return MissingView(round_, tuple(silent), nudgeable)


def may_nudge(actor: Actor, division_id: int) -> bool:
    """Coordinators and admins nudge any division; a supervisor those they oversee."""
    return actor.is_coordinator or actor.oversees(division_id)


def _outcome(reason: str, division: DivisionRef) -> Refused:
    log.info("nudge %s for division %s", reason, division.id)
    # The face words the division's name in the reader's language (see views.reports.named).
    return Refused(reason, key=f"missing.nudge_{reason}", division=division)


async def _reachable(
    session: AsyncSession, round_: RoundInfo, division: DivisionRef, now: datetime, slot: str
) -> list[PersonRef]:
    """Whom a nudge to the division would reach now; Refused when it must not be sent."""
    items = await item_answers(session, [round_], division_ids=[division.id], with_text=False)
    if not any(i.answer is None for i in items):
        raise _outcome("not_silent", division)
    if not round_.is_open(now):
        raise _outcome("closed", division)
    if await nudged_divisions(session, round_.id, [division.id], slot):
        raise _outcome("already", division)
    people = (await division_members(session, [division.id])).get(division.id, [])
    reachable = [p for p in people if p.reachable]
    if not reachable:
        raise _outcome("no_people", division)
    return reachable


async def nudge(core: Core, actor: Actor, round_id: int, division_id: int) -> Nudged:
    """Record today's nudge for a silent division of an open round (coordinators, supervisors)."""
    if not may_nudge(actor, division_id):
        log.warning("nudge refused to person %s", actor.person_id)
        raise Refused("coordinators_only", key="missing.coordinators_only")
    now, tz = core.now(), core.rules.tz
    slot = nudge_slot(now, tz)
    async with core.uow() as uow:
        s = uow.session
        round_ = await round_by_id(s, round_id)
        divisions = await plan_divisions(s, round_.plan_id, [division_id]) if round_ else ()
        if round_ is None or not divisions:
            raise Refused("stale", key="summary.stale")
        people = await _reachable(s, round_, divisions[0], now, slot)
        recorded = await add_nudges(
            s,
            round_,
            division_id,
            people,
            slot=slot,
            due_at=now,
            # Nudges stop when the round closes, even on the day they were sent.
            stale_at=min(_end_of_day(now, tz), round_.closes_at),
            actor_person_id=actor.person_id,
        )
    if not recorded:  # another coordinator's press won the race for today's slot
        raise _outcome("already", divisions[0])
    log.info("nudge created for division %s in round %s", division_id, round_.key)
    return Nudged(divisions[0], len(people))
