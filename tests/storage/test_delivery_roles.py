"""A notice goes only to someone who still holds the role it was meant for (issue 13, hole 6)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.outcomes import Retry
from storage.deliveries import NO_LONGER_HOLDS, deliveries, skip_revoked
from storage.models import Membership
from storage.types import utcnow
from tests.factories import seed_plan
from tests.scheduling import HEADS, Recorder, bkk, enrol_everyone, run

Sessions = async_sessionmaker[AsyncSession]
PROMPT_DAY = bkk(2021, 10, 19, 9, 5)


async def _revoke(sessions: Sessions, person_id: int) -> None:
    async with sessions() as session, session.begin():
        await session.execute(
            update(Membership).where(Membership.person_id == person_id).values(revoked_at=utcnow())
        )


async def test_a_revoked_heads_pending_prompt_is_skipped_not_sent(sessions: Sessions) -> None:
    await seed_plan(sessions)
    ids = await enrol_everyone(sessions)
    # The first try fails for everyone, so every prompt stays pending for the next tick.
    await run(sessions, PROMPT_DAY, Recorder(lambda _out: Retry("timeout", after=60)))
    await _revoke(sessions, ids["FIN"])
    sender = Recorder()
    await run(sessions, bkk(2021, 10, 19, 9, 10), sender)
    sent_to = {c.chat_id for c in sender.calls}
    assert HEADS["FIN"] not in sent_to
    assert HEADS["PALAD"] in sent_to  # the others still get theirs
    async with sessions() as session:
        fin = [d for d in await deliveries(session) if d.person_id == ids["FIN"]]
    assert fin and {d.state for d in fin} == {"skipped"}
    assert {d.last_error for d in fin} == {NO_LONGER_HOLDS}


async def test_a_head_moved_to_another_division_gets_no_old_division_notice(
    sessions: Sessions,
) -> None:
    await seed_plan(sessions)
    ids = await enrol_everyone(sessions)
    await run(sessions, PROMPT_DAY, Recorder(lambda _out: Retry("timeout", after=60)))
    async with sessions() as session, session.begin():
        # Still enrolled, but now a coordinator: the division's buttons are no longer theirs.
        await session.execute(
            update(Membership).where(Membership.person_id == ids["FIN"]).values(role="coordinator")
        )
        skipped = await skip_revoked(session)
    assert skipped >= 1
    sender = Recorder()
    await run(sessions, bkk(2021, 10, 19, 9, 10), sender)
    assert all(c.chat_id != HEADS["FIN"] or c.division_id is None for c in sender.calls)


async def test_revoking_a_role_closes_the_persons_pending_notices_at_once(
    sessions: Sessions,
) -> None:
    from bot.usecases import people
    from bot.usecases.people import identify
    from tests.bot.harness import core_of
    from tests.factories import enrol

    await seed_plan(sessions)
    ids = await enrol_everyone(sessions)
    coordinator_id = await enrol(sessions, 7777, "coordinator")
    await run(sessions, PROMPT_DAY, Recorder(lambda _out: Retry("timeout", after=60)))
    core = core_of(sessions)
    coordinator = await identify(core, 7777)
    assert coordinator is not None and coordinator_id
    async with sessions() as session:
        role = await session.scalar(select(Membership.id).where(Membership.person_id == ids["FIN"]))
    assert role is not None
    await people.revoke_membership(core, coordinator, role)
    async with sessions() as session:
        fin = [d for d in await deliveries(session) if d.person_id == ids["FIN"]]
    assert fin and {(d.state, d.last_error) for d in fin} == {("skipped", NO_LONGER_HOLDS)}
