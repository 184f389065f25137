"""The report rules through the use cases, on SQLite and PostgreSQL, without the Bot API.

Who sees what (coordinators every division, heads their own), which round a command means,
who may nudge and when, and what an export holds.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.usecases.core import Core
from bot.usecases.exports import export_round
from bot.usecases.nudges import missing, nudge
from bot.usecases.people import identify
from bot.usecases.refusals import Refused
from bot.usecases.summaries import (
    choose_round,
    division_detail,
    division_history,
    measure_detail,
    summary,
)
from storage.models import Delivery
from storage.people import Actor
from storage.read_models import MISSING
from tests.bot.harness import Clock
from tests.factories import enrol, seed_plan
from tests.report_factories import Scenario, bkk, scenario

Sessions = async_sessionmaker[AsyncSession]
COORD, FIN_HEAD, HEALTH_HEAD = 7001, 7002, 7004


@pytest.fixture
async def sc(sessions: Sessions) -> Scenario:
    """The report scenario (January open on 20 January 2022), a coordinator and two heads."""
    await seed_plan(sessions)
    data = await scenario(sessions)
    await enrol(sessions, COORD, "coordinator", name="ผู้ประสานงาน")
    await enrol(sessions, FIN_HEAD, "head", "FIN", name="หัวหน้าคลัง")
    await enrol(sessions, HEALTH_HEAD, "head", "HEALTH", name="หัวหน้าสาธารณสุข")
    return data


async def _actor(core: Core, telegram_id: int) -> Actor:
    actor = await identify(core, telegram_id)
    assert actor is not None
    return actor


async def _nudges(sessions: Sessions) -> int:
    async with sessions() as s:
        return await s.scalar(select(func.count()).select_from(Delivery)) or 0


async def test_a_head_sees_only_their_division(core: Core, sc: Scenario) -> None:
    head = await _actor(core, FIN_HEAD)
    view = await summary(core, head)
    assert view.summary.round.key == "2565-01" and view.own_only
    assert [d.code for d in view.divisions] == ["FIN"]
    assert {d.code for m in view.summary.measures for d in m.missing} == {"FIN"}
    assert view.summary.owed == 4  # FIN owes measures 1, 3, 5 and 6
    everyone = await summary(core, await _actor(core, COORD))
    assert not everyone.own_only and len(everyone.divisions) == len(sc.ids.divisions)

    with pytest.raises(Refused) as refused:
        await division_detail(core, head, sc.jan, sc.ids.divisions["PALAD"])
    assert refused.value.reason == "not_allowed" and refused.value.key == "summary.not_allowed"
    with pytest.raises(Refused):
        await measure_detail(core, head, sc.jan, sc.ids.measures[2])  # PALAD's measure only
    with pytest.raises(Refused):
        await division_history(core, head, sc.ids.divisions["STRAT"])
    own = await division_detail(core, head, sc.jan, sc.ids.divisions["FIN"])
    assert {i.measure.seq: i.status for i in own.items}[3] == MISSING


async def test_a_round_is_named_or_current(core: Core, sc: Scenario, clock: Clock) -> None:
    coordinator = await _actor(core, COORD)
    assert (await choose_round(core, coordinator, "2565-Q1")).key == "2565-Q1"
    with pytest.raises(Refused) as unknown:
        await summary(core, coordinator, "2599-99")
    assert unknown.value.reason == "unknown_round"
    assert unknown.value.values == {"round_key": "2599-99"}
    with pytest.raises(Refused) as stale:
        await choose_round(core, coordinator, round_id=sc.jan + 1000)
    assert stale.value.reason == "stale"
    clock.now = bkk(2021, 1, 1)  # before any round
    with pytest.raises(Refused) as none:
        await choose_round(core, coordinator)
    assert none.value.reason == "no_round"


async def test_only_coordinators_nudge_only_while_open_once_a_day(
    core: Core, sc: Scenario, clock: Clock, sessions: Sessions
) -> None:
    coordinator, head = await _actor(core, COORD), await _actor(core, HEALTH_HEAD)
    health = sc.ids.divisions["HEALTH"]
    with pytest.raises(Refused) as not_coordinator:
        await nudge(core, head, sc.jan, health)
    assert not_coordinator.value.reason == "coordinators_only"
    assert (await missing(core, head)).nudgeable == ()

    view = await missing(core, coordinator)
    assert health in {d.id for d in view.nudgeable}
    done = await nudge(core, coordinator, sc.jan, health)
    assert done.created == 1 and done.division.code == "HEALTH"
    clock.now += timedelta(hours=3)  # later the same day
    with pytest.raises(Refused) as again:
        await nudge(core, coordinator, sc.jan, health)
    assert again.value.reason == "already"
    assert await _nudges(sessions) == 1
    assert health not in {d.id for d in (await missing(core, coordinator)).nudgeable}

    clock.now = bkk(2022, 1, 27)  # the day after the meeting: the round has closed
    assert (await missing(core, coordinator, "2565-01")).nudgeable == ()
    with pytest.raises(Refused) as closed:
        await nudge(core, coordinator, sc.jan, health)
    assert closed.value.reason == "closed" and closed.value.key == "missing.nudge_closed"
    assert await _nudges(sessions) == 1


async def test_export_of_a_round_gives_three_files(core: Core, sc: Scenario) -> None:
    coordinator, head = await _actor(core, COORD), await _actor(core, FIN_HEAD)
    jan = await choose_round(core, coordinator, "2565-01")
    everything = await export_round(core, coordinator, jan)
    assert [f.name for f in everything.files] == [
        "ita-2565-01.xlsx",
        "ita-2565-01.docx",
        "ita-2565-01.png",
    ]
    assert everything.own_divisions is None
    assert all(f.data for f in everything.files)
    assert everything.files[2].data.startswith(b"\x89PNG")
    own = await export_round(core, head, jan)
    assert [f.name for f in own.files] == [
        "ita-2565-01-FIN.xlsx",
        "ita-2565-01-FIN.docx",
        "ita-2565-01-FIN.png",
    ]
    assert own.own_divisions is not None and [d.code for d in own.own_divisions] == ["FIN"]
