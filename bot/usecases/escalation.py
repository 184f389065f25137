"""Escalation notices: what a supervisor is told of the silent divisions they oversee.

The notice is recorded by the scheduler (scheduler/escalation.py) and read here as it is sent:
the divisions of the round the supervisor oversees that still owe answers, what each owes,
and who of them was asked or reminded, and when. The supervisor may nudge from it; who may
nudge is decided by bot.usecases.nudges (coordinators, and supervisors for their divisions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.usecases.core import Core
from bot.usecases.nudges import may_nudge, nudge_slot
from storage.deliveries import DueDelivery
from storage.models import Person
from storage.nudges import silent_divisions
from storage.oversight import Reminded, reminded, scope_of
from storage.people import load_actor
from storage.read_models import DivisionRef, RoundInfo, SilentDivision
from storage.summary import round_by_id


@dataclass(frozen=True)
class EscalatedDivision:
    """One silent division in a supervisor's notice, with who was asked and when."""

    silent: SilentDivision
    reminded: tuple[Reminded, ...]


@dataclass(frozen=True)
class EscalationNotice:
    """A supervisor's notice: the round, their silent divisions, and which they may nudge."""

    round: RoundInfo
    person_name: str
    divisions: tuple[EscalatedDivision, ...]
    nudgeable: tuple[DivisionRef, ...]
    now: datetime


async def escalation_notice(core: Core, delivery: DueDelivery) -> EscalationNotice | None:
    """What the escalation says as it is sent; None when nothing the person oversees is silent."""
    now, tz = core.now(), core.rules.tz
    async with core.uow() as uow:
        s = uow.session
        round_ = await round_by_id(s, delivery.round_id) if delivery.round_id else None
        scope = await scope_of(s, delivery.person_id)
        if round_ is None:
            return None
        silent = [
            d
            for d in await silent_divisions(s, round_, nudge_slot(now, tz))
            if scope.covers(d.division.id)
        ]
        if not silent:
            return None
        asked = await reminded(s, round_.id, [d.division.id for d in silent])
        person = await s.get(Person, delivery.person_id)
        actor = await load_actor(s, person.telegram_user_id) if person else None
    if person is None or actor is None:
        return None
    divisions = tuple(
        EscalatedDivision(d, tuple(r for r in asked if r.division_id == d.division.id))
        for d in silent
    )
    nudgeable = tuple(
        d.division
        for d in silent
        if may_nudge(actor, d.division.id)
        and round_.is_open(now)
        and not d.nudged_today
        and any(p.reachable for p in d.people)
    )
    return EscalationNotice(round_, person.name, divisions, nudgeable, now)
