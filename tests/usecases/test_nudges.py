"""Silent divisions and nudges through the use cases (moved from the storage tests).

A nudge goes out through the tick once, only to the silent division's reachable people;
the next local day a new one is allowed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.usecases.core import Core
from bot.usecases.nudges import missing, nudge
from bot.usecases.people import identify
from bot.usecases.refusals import Refused
from storage.models import Delivery, Division
from storage.people import Actor, mark_unreachable
from tests.bot.harness import Clock
from tests.factories import enrol, seed_plan
from tests.report_factories import bkk, scenario
from tests.scheduling import (
    COORDINATOR,
    HEADS,
    Recorder,
    answer_all,
    enrol_everyone,
    round_id,
    run,
)
from tests.scheduling import bkk as bkk_utc

Sessions = async_sessionmaker[AsyncSession]


async def _actor(core: Core, telegram_id: int) -> Actor:
    actor = await identify(core, telegram_id)
    assert actor is not None
    return actor


async def _refused(reason: str, core: Core, actor: Actor, round_: int, division: int) -> None:
    with pytest.raises(Refused) as refused:
        await nudge(core, actor, round_, division)
    assert refused.value.reason == reason


async def test_silent_divisions_and_nudges(core: Core, clock: Clock, sessions: Sessions) -> None:
    await seed_plan(sessions)
    sc = await scenario(sessions)
    head = await enrol(sessions, 9001, "head", "HEALTH", name="หัวหน้าสาธารณสุข")
    gone = await enrol(sessions, 9002, "member", "HEALTH", name="ผู้ช่วย")
    await enrol(sessions, 9003, "coordinator")
    coordinator = await _actor(core, 9003)
    health = sc.ids.divisions["HEALTH"]
    async with sessions() as s, s.begin():
        await mark_unreachable(s, gone, sc.now)
    clock.now = sc.now
    view = await missing(core, coordinator, "2565-01")
    jan = view.round
    by_code = {d.division.code: d for d in view.silent}
    assert "HEALTH" in by_code and "FIN" in by_code
    h = by_code["HEALTH"]
    assert [(p.name, p.reachable) for p in h.people] == [
        ("หัวหน้าสาธารณสุข", True),
        ("ผู้ช่วย", False),
    ]
    assert not h.nudged_today and h.answered == 0

    first = await nudge(core, coordinator, jan.id, health)
    assert first.created == 1
    clock.now = sc.now + timedelta(hours=3)
    await _refused("already", core, coordinator, jan.id, health)
    clock.now = sc.now
    await _refused("no_people", core, coordinator, jan.id, sc.ids.divisions["ENG"])
    async with sessions() as s:
        rows = (await s.scalars(select(Delivery).where(Delivery.kind == "nudge"))).all()
        assert [(d.person_id, d.state, d.key) for d in rows] == [
            (head, "pending", f"nudge:{jan.id}:{health}:{head}:2022-01-20")
        ]
        assert rows[0].due_at == sc.now and rows[0].chat_id == 9001
        assert rows[0].stale_at == bkk(2022, 1, 21, 0, 0)
    silent = (await missing(core, coordinator, "2565-01")).silent
    assert next(d for d in silent if d.division.code == "HEALTH").nudged_today
    # The next local day a new nudge is allowed.
    clock.now = sc.now + timedelta(days=1)
    tomorrow = await nudge(core, coordinator, jan.id, health)
    assert tomorrow.created == 1
    async with sessions() as s:
        count = await s.scalar(select(func.count()).select_from(Delivery))
        assert count == 2


async def test_nudge_refused_for_division_that_answered(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    sc = await scenario(sessions)
    await enrol(sessions, 9101, "head", "STRAT")
    await enrol(sessions, 9102, "coordinator")
    clock.now = sc.now
    await _refused("not_silent", core, await _actor(core, 9102), sc.q1, sc.ids.divisions["STRAT"])


async def test_nudge_is_sent_once_to_the_silent_division(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    people = await enrol_everyone(sessions)
    deliver = Recorder()
    await run(sessions, bkk_utc(2022, 1, 19, 9, 1), deliver)  # the January prompts go out
    await answer_all(sessions, "2565-01", "FIN", people["FIN"])
    async with sessions() as s:
        rnd = await round_id(s, "2565-01")
        health = await s.scalar(select(Division.id).where(Division.code == "HEALTH"))
        fin = await s.scalar(select(Division.id).where(Division.code == "FIN"))
    assert health is not None and fin is not None
    coordinator = await _actor(core, COORDINATOR)

    now = bkk_utc(2022, 1, 20, 14, 0)
    clock.now = now
    assert (await nudge(core, coordinator, rnd, health)).created == 1
    await _refused("not_silent", core, coordinator, rnd, fin)
    await _refused("already", core, coordinator, rnd, health)
    clock.now = bkk_utc(2022, 1, 27, 9, 0)  # after the meeting
    await _refused("closed", core, coordinator, rnd, health)

    deliver.calls.clear()
    await run(sessions, now, deliver)
    await run(sessions, now.replace(minute=5), deliver)
    nudges = [c for c in deliver.calls if c.kind == "nudge"]
    assert [c.chat_id for c in nudges] == [HEADS["HEALTH"]]
