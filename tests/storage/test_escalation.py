"""Escalation through the tick: silent divisions to their supervisors, once per round."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Delivery, Membership, Person, Round
from storage.oversight import ESCALATION
from storage.people import revoke_membership
from tests.factories import enrol_supervisor, seed_plan
from tests.scheduling import HEADS, Recorder, answer_all, bkk, enrol_everyone, run

Sessions = async_sessionmaker[AsyncSession]
FIN_AND_PALAD, ENG_ONLY, EVERYTHING = 7001, 7002, 7003


async def _world(sessions: Sessions) -> dict[str, int]:
    await seed_plan(sessions)
    ids = await enrol_everyone(sessions)
    ids["a"] = await enrol_supervisor(sessions, FIN_AND_PALAD, ["FIN", "PALAD"])
    ids["b"] = await enrol_supervisor(sessions, ENG_ONLY, ["ENG"])
    ids["c"] = await enrol_supervisor(sessions, EVERYTHING, None)
    return ids


async def _escalations(sessions: Sessions) -> list[Delivery]:
    async with sessions() as s:
        q = select(Delivery).where(Delivery.kind == ESCALATION).order_by(Delivery.id)
        return list(await s.scalars(q))


async def test_silent_divisions_go_to_their_supervisors_once(sessions: Sessions) -> None:
    ids = await _world(sessions)
    sender = Recorder()
    await run(sessions, bkk(2022, 1, 19, 9, 5), sender)  # the prompts
    await answer_all(sessions, "2565-01", "ENG", ids["ENG"])
    await answer_all(sessions, "2565-01", "PALAD", ids["PALAD"])
    # The day before the digest: nothing escalated yet.
    await run(sessions, bkk(2022, 1, 24, 9, 5), sender)
    assert await _escalations(sessions) == []
    for _ in range(3):  # the digest's morning, and ticks after it
        await run(sessions, bkk(2022, 1, 25, 9, 5), sender)
    assert len(sender.to(FIN_AND_PALAD, ESCALATION)) == 1  # FIN is silent
    assert len(sender.to(EVERYTHING, ESCALATION)) == 1
    assert sender.to(ENG_ONLY, ESCALATION) == []  # ENG answered
    assert all(c.division_id is None for c in sender.calls if c.kind == ESCALATION)
    rows = await _escalations(sessions)
    assert sorted(r.chat_id for r in rows) == [FIN_AND_PALAD, EVERYTHING]
    assert {r.state for r in rows} == {"sent"}


async def test_nothing_when_the_divisions_answered_before_it_was_sent(sessions: Sessions) -> None:
    ids = await _world(sessions)
    sender = Recorder()
    await run(sessions, bkk(2022, 1, 19, 9, 5), sender)
    for code in HEADS:
        await answer_all(sessions, "2565-01", code, ids[code])
    await run(sessions, bkk(2022, 1, 25, 9, 5), sender)
    assert [c for c in sender.calls if c.kind == ESCALATION] == []
    assert await _escalations(sessions) == []


async def test_a_revoked_supervisor_is_told_nothing(sessions: Sessions) -> None:
    await _world(sessions)
    sender = Recorder()
    async with sessions() as s, s.begin():
        person = await s.scalar(select(Person).where(Person.telegram_user_id == EVERYTHING))
        assert person is not None
        m = await s.scalar(select(Membership).where(Membership.person_id == person.id))
        assert m is not None
        await revoke_membership(s, m.id, by_person_id=None)
    await run(sessions, bkk(2022, 1, 25, 9, 5), sender)
    assert sender.to(EVERYTHING, ESCALATION) == []
    assert len(sender.to(FIN_AND_PALAD, ESCALATION)) == 1


async def test_quarterly_rounds_escalate_the_same_way(sessions: Sessions) -> None:
    ids = await _world(sessions)
    sender = Recorder()
    # 2565-Q1 asks STRAT from 4 Jan 2022 and closes 20 working days later, on 2 Feb.
    day = bkk(2022, 1, 4, 9, 5)
    while day < bkk(2022, 2, 10, 9, 5):
        if day == bkk(2022, 1, 20, 9, 5):  # everyone but STRAT answers January's round
            for code in HEADS:
                if code != "STRAT":
                    await answer_all(sessions, "2565-01", code, ids[code])
        await run(sessions, day, sender)
        day += dt.timedelta(days=1)
    async with sessions() as s:
        kinds = dict((await s.execute(select(Round.id, Round.key))).all())
    sent = [kinds[c.round_id] for c in sender.to(EVERYTHING, ESCALATION)]
    assert sent == ["2565-01", "2565-Q1"]  # STRAT owes both; it is told once each
    assert sender.to(FIN_AND_PALAD, ESCALATION) == []  # FIN and PALAD answered
    q1 = [r for r in await _escalations(sessions) if kinds[r.round_id or 0] == "2565-Q1"]
    assert [(r.chat_id, r.state) for r in q1] == [(EVERYTHING, "sent")]
    # By default one working day before the close: with the coordinators' digest.
    async with sessions() as s:
        digest = await s.scalar(
            select(Delivery.due_at).where(
                Delivery.kind == "digest", Delivery.round_id == q1[0].round_id
            )
        )
    assert q1[0].due_at == digest
