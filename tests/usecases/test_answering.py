"""The answering rules, use case by use case, through the unit of work on both databases."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.filetypes import MAX_FILE_BYTES
from bot.usecases import answering, draft_edits
from bot.usecases.answering import ItemKey, NoDraft
from bot.usecases.core import Core
from bot.usecases.drafts import (
    EVIDENCE_LIMIT,
    TEXT_LIMIT,
    Addition,
    DraftStep,
    FileEvidence,
)
from bot.usecases.people import identify
from bot.usecases.refusals import Refused
from storage.models import Division, Draft, Measure, Membership, Report
from storage.people import Actor
from tests.bot.harness import Clock
from tests.factories import enrol, seed_plan
from tests.round_factories import make_round

Sessions = async_sessionmaker[AsyncSession]
OPENS = datetime(2022, 1, 19, 2, 0, tzinfo=UTC)
MEETING = datetime(2022, 1, 26, 2, 30, tzinfo=UTC)
HEAD, OTHER = 4001, 4002


@dataclass(frozen=True)
class World:
    """One January round asking FIN measures 1 and 3 and PALAD measure 2."""

    round_id: int
    m1: ItemKey
    m3: ItemKey
    palad: ItemKey


async def _world(sessions: Sessions) -> World:
    await seed_plan(sessions)
    await enrol(sessions, HEAD, "head", "FIN")
    await enrol(sessions, OTHER, "head", "PALAD")
    rid = await make_round(
        sessions,
        "2565-01",
        opens_at=OPENS,
        closes_at=MEETING,
        items=[(1, "FIN"), (3, "FIN"), (2, "PALAD")],
    )
    async with sessions() as s:
        ids = {m.seq: m.id for m in await s.scalars(select(Measure))}
        divisions = {d.code: d.id for d in await s.scalars(select(Division))}
    return World(
        rid,
        ItemKey(rid, ids[1], divisions["FIN"]),
        ItemKey(rid, ids[3], divisions["FIN"]),
        ItemKey(rid, ids[2], divisions["PALAD"]),
    )


async def _actor(core: Core, telegram_id: int = HEAD) -> Actor:
    actor = await identify(core, telegram_id)
    assert actor is not None
    return actor


async def _drafts(sessions: Sessions) -> list[Draft]:
    async with sessions() as s:
        return list(await s.scalars(select(Draft)))


async def _reports(sessions: Sessions) -> list[Report]:
    async with sessions() as s:
        rows = await s.scalars(
            select(Report).order_by(Report.id).options(selectinload(Report.evidence))
        )
        return list(rows)


async def _written(core: Core, actor: Actor, key: ItemKey, text: str = "ทำแล้ว") -> int:
    """A draft for `key` with a status and text; returns its id."""
    await answering.choose_status(core, actor, key, 0)
    added = await answering.add_to_draft(core, actor, Addition(text=text))
    assert added.draft.step == DraftStep.EVIDENCE
    return added.draft.id


async def _refused(call: Awaitable[object], reason: str) -> Refused:
    with pytest.raises(Refused) as refused:
        await call
    assert refused.value.reason == reason
    return refused.value


async def test_open_item_shows_the_item_and_is_late_from_the_meeting_on(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    world = await _world(sessions)
    actor = await _actor(core)
    item = await answering.open_item(core, actor, world.m1)
    assert (item.measure.seq, item.division.code, item.round.key) == (1, "FIN", "2565-01")
    assert item.actions and item.actions[0][0] == 1
    assert item.previous is None and item.current is None and not item.late
    clock.now = MEETING - timedelta(seconds=1)
    assert not (await answering.open_item(core, actor, world.m1)).late
    clock.now = MEETING
    assert (await answering.open_item(core, actor, world.m1)).late


async def test_opening_an_item_reads_it_in_few_statements(
    core: Core, engine: AsyncEngine, sessions: Sessions
) -> None:
    # Every head opens a measure at 09:00, twenty at once on one CPU: each statement counts.
    world = await _world(sessions)
    actor = await _actor(core)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        await answering.open_item(core, actor, world.m1)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    # The item with its round and measure, the actions, the current and the previous answer,
    # the measure's and division's names: five (seven when each was read on its own).
    assert len(statements) == 5, statements


async def test_who_may_answer_for_which_item(core: Core, clock: Clock, sessions: Sessions) -> None:
    world = await _world(sessions)
    actor = await _actor(core)
    refusal = await _refused(answering.open_item(core, actor, world.palad), "not_your_division")
    assert refusal.audit
    forged = ItemKey(world.round_id, world.palad.measure_id, world.m1.division_id)
    refusal = await _refused(answering.open_item(core, actor, forged), "no_such_item")
    assert refusal.audit and refusal.key == "refuse.bad_button"
    await _refused(answering.choose_status(core, actor, world.m1, 4), "bad_status")
    # No earlier round: there is nothing to carry forward.
    await _refused(answering.carry_forward(core, actor, world.m1), "no_previous")
    assert await _drafts(sessions) == []


async def test_late_window_takes_answers_until_it_ends(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    world = await _world(sessions)
    actor = await _actor(core)
    clock.now = OPENS - timedelta(seconds=1)
    await _refused(answering.open_item(core, actor, world.m1), "round_closed")
    window_end = MEETING + timedelta(days=core.rules.late_answer_days)
    clock.now = window_end - timedelta(seconds=1)
    assert (await answering.open_item(core, actor, world.m1)).late
    clock.now = window_end
    await _refused(answering.open_item(core, actor, world.m1), "round_closed")


async def test_a_confirm_exactly_at_the_meeting_is_late(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    world = await _world(sessions)
    actor = await _actor(core)
    first = await _written(core, actor, world.m1)
    clock.now = MEETING - timedelta(seconds=1)
    on_time = await answering.confirm(core, actor, first)
    assert not on_time.late
    assert [i.measure_id for i in on_time.remaining] == [world.m3.measure_id]
    second = await _written(core, actor, world.m3)
    clock.now = MEETING
    late = await answering.confirm(core, actor, second)
    assert late.late and late.remaining == ()
    assert [(r.measure_id, r.late) for r in await _reports(sessions)] == [
        (world.m1.measure_id, False),
        (world.m3.measure_id, True),
    ]
    assert await _drafts(sessions) == []


async def test_a_confirm_after_the_late_window_is_refused_and_the_draft_is_gone(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    world = await _world(sessions)
    actor = await _actor(core)
    draft_id = await _written(core, actor, world.m1)
    clock.now = MEETING + timedelta(days=core.rules.late_answer_days)
    await _refused(answering.confirm(core, actor, draft_id), "round_closed")
    assert await _drafts(sessions) == []
    assert await _reports(sessions) == []
    # Pressed again, the old button is stale.
    await _refused(answering.confirm(core, actor, draft_id), "stale_draft")


async def test_who_lost_the_role_cannot_confirm_and_the_draft_is_dropped(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    world = await _world(sessions)
    await enrol(sessions, HEAD, "member", "PALAD")  # still enrolled after losing FIN
    actor = await _actor(core)
    draft_id = await _written(core, actor, world.m1)
    async with sessions() as s, s.begin():
        await s.execute(
            update(Membership)
            .where(Membership.division_id == world.m1.division_id)
            .values(revoked_at=clock.now)
        )
    actor = await _actor(core)
    assert not actor.may_answer_for(world.m1.division_id)
    await _refused(answering.confirm(core, actor, draft_id), "not_your_division")
    assert await _drafts(sessions) == []
    await _refused(answering.confirm(core, actor, draft_id), "stale_draft")
    assert await _reports(sessions) == []


async def test_a_draft_dies_with_the_role(core: Core, clock: Clock, sessions: Sessions) -> None:
    world = await _world(sessions)
    await enrol(sessions, HEAD, "member", "PALAD")
    actor = await _actor(core)
    await _written(core, actor, world.m3)
    async with sessions() as s, s.begin():
        await s.execute(
            update(Membership)
            .where(Membership.division_id == world.m3.division_id)
            .values(revoked_at=clock.now)
        )
    actor = await _actor(core)
    overview = await answering.owed_overview(core, actor)
    assert (overview.expired_seq, overview.pending) == (3, None)
    assert [g.division.code for g in overview.groups] == ["PALAD"]
    assert await _drafts(sessions) == []


async def test_confirm_needs_text(core: Core, sessions: Sessions) -> None:
    world = await _world(sessions)
    actor = await _actor(core)
    started = await answering.choose_status(core, actor, world.m1, 1)
    assert started.draft.step == DraftStep.TEXT and not started.blocked
    await _refused(answering.confirm(core, actor, started.draft.id), "no_text")
    photo = FileEvidence("photo", "f1", "u1", None, "image/jpeg", 1000)
    added = await answering.add_to_draft(core, actor, Addition(file=photo))
    # Evidence alone is not an answer: the text is still owed.
    assert added.evidence_added and added.draft.step == DraftStep.TEXT
    await _refused(answering.confirm(core, actor, started.draft.id), "no_text")
    assert len(await _drafts(sessions)) == 1


async def test_another_items_draft_with_content_blocks_starting(
    core: Core, sessions: Sessions
) -> None:
    world = await _world(sessions)
    actor = await _actor(core)
    # An empty draft is simply replaced by the next start.
    empty = await answering.choose_status(core, actor, world.m3, 2)
    moved = await answering.choose_status(core, actor, world.m1, 0)
    assert not moved.blocked and moved.draft.measure.id == world.m1.measure_id
    assert moved.draft.id == empty.draft.id
    await answering.add_to_draft(core, actor, Addition(text="เขียนไว้แล้ว"))
    blocked = await answering.choose_status(core, actor, world.m3, 1)
    assert blocked.blocked
    assert (blocked.draft.measure.id, blocked.draft.text) == (world.m1.measure_id, "เขียนไว้แล้ว")
    # The same item takes another status, and keeps what was written (issue 13, hole 5).
    again = await answering.choose_status(core, actor, world.m1, 3)
    assert not again.blocked and again.draft.status == "problem"
    assert again.draft.text == "เขียนไว้แล้ว"
    (draft,) = await _drafts(sessions)
    assert (draft.measure_id, draft.step) == (world.m1.measure_id, "evidence")


async def test_no_change_carries_status_text_and_evidence(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    world = await _world(sessions)
    actor = await _actor(core)
    await answering.choose_status(core, actor, world.m1, 1)
    await answering.add_to_draft(core, actor, Addition(text="ทำต่อเนื่อง"))
    link = Addition(text="https://example.org/a", links=("https://example.org/a",))
    added = await answering.add_to_draft(core, actor, link)
    assert added.evidence_added and added.draft.text == "ทำต่อเนื่อง"
    await answering.confirm(core, actor, added.draft.id)
    february = await make_round(
        sessions,
        "2565-02",
        opens_at=MEETING + timedelta(days=20),
        closes_at=MEETING + timedelta(days=28),
        items=[(1, "FIN")],
    )
    clock.now = MEETING + timedelta(days=21)
    key = ItemKey(february, world.m1.measure_id, world.m1.division_id)
    item = await answering.open_item(core, actor, key)
    assert item.previous is not None and item.previous.text == "ทำต่อเนื่อง"
    started = await answering.carry_forward(core, actor, key)
    assert started.draft.step == DraftStep.CARRY_CONFIRM
    assert (started.draft.status, started.draft.evidence_count) == ("in_progress", 1)
    # A carried answer takes no additions: it is confirmed or dropped as it is.
    unchanged = await answering.add_to_draft(core, actor, Addition(text="เพิ่มเติม"))
    assert not unchanged.evidence_added and unchanged.draft == started.draft
    assert unchanged.ignored  # so the face says why, rather than nothing (issue 13, hole 8)
    await answering.confirm(core, actor, started.draft.id)
    first, carried = await _reports(sessions)
    assert (carried.round_id, carried.status, carried.text) == (february, "in_progress", first.text)
    assert carried.carried_from_id == first.id
    assert [e.url for e in carried.evidence] == ["https://example.org/a"]


async def test_limits_refuse_and_leave_the_draft_unchanged(core: Core, sessions: Sessions) -> None:
    world = await _world(sessions)
    actor = await _actor(core)
    await _written(core, actor, world.m1, "ก" * (TEXT_LIMIT - 10))
    refusal = await _refused(
        answering.add_to_draft(core, actor, Addition(text="ข" * 20)), "text_too_long"
    )
    assert refusal.values == {"limit": TEXT_LIMIT}
    await _refused(
        answering.add_to_draft(core, actor, Addition(text="ข" * (TEXT_LIMIT + 1))), "text_too_long"
    )
    big = FileEvidence("document", "f", "u", "big.pdf", "application/pdf", MAX_FILE_BYTES + 1)
    refusal = await _refused(
        answering.add_to_draft(core, actor, Addition(file=big)), "file_too_big"
    )
    assert refusal.values == {"limit": 20}
    await _refused(answering.add_to_draft(core, actor, Addition()), "unsupported")
    for n in range(EVIDENCE_LIMIT):
        doc = FileEvidence("document", f"f{n}", f"u{n}", f"{n}.pdf", "application/pdf", 10)
        await answering.add_to_draft(core, actor, Addition(file=doc))
    await _refused(
        answering.add_to_draft(core, actor, Addition(text="x", links=("x",))), "too_much_evidence"
    )
    (draft,) = await _drafts(sessions)
    assert draft.text == "ก" * (TEXT_LIMIT - 10)
    assert len(draft.evidence) == EVIDENCE_LIMIT


async def test_a_message_without_a_draft_and_a_dead_draft(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    world = await _world(sessions)
    actor = await _actor(core)
    # The message itself is checked first, draft or not.
    too_long = Addition(text="ก" * (TEXT_LIMIT + 1))
    await _refused(answering.add_to_draft(core, actor, too_long), "text_too_long")
    refusal = await _refused(answering.add_to_draft(core, actor, Addition(text="สวัสดี")), "no_draft")
    assert isinstance(refusal, NoDraft) and refusal.expired_seq is None
    photo = FileEvidence("photo", "f", "u", None, "image/jpeg", 10)
    await _refused(answering.add_to_draft(core, actor, Addition(file=photo)), "no_draft_evidence")
    await _written(core, actor, world.m3)
    clock.now = MEETING + timedelta(days=core.rules.late_answer_days)
    refusal = await _refused(answering.add_to_draft(core, actor, Addition(text="ช้า")), "no_draft")
    assert isinstance(refusal, NoDraft) and refusal.expired_seq == 3
    assert await _drafts(sessions) == []


async def test_owed_overview_lists_the_pending_draft_and_what_is_owed(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    world = await _world(sessions)
    actor = await _actor(core)
    empty = await answering.owed_overview(core, actor)
    assert empty.expired_seq is None and empty.pending is None
    ((group),) = empty.groups
    assert (group.round.id, group.division.code) == (world.round_id, "FIN")
    assert [(i.measure_seq, i.answered) for i in group.items] == [(1, False), (3, False)]
    await answering.confirm(core, actor, await _written(core, actor, world.m1))
    await _written(core, actor, world.m3)
    overview = await answering.owed_overview(core, actor)
    assert overview.pending is not None and overview.pending.measure.seq == 3
    assert [(i.measure_seq, i.answered) for i in overview.groups[0].items] == [
        (1, True),
        (3, False),
    ]
    # Past the late window the draft is dead (dropped, reported once) and nothing is owed.
    clock.now = MEETING + timedelta(days=core.rules.late_answer_days)
    closed = await answering.owed_overview(core, actor)
    assert (closed.expired_seq, closed.pending, closed.groups) == (3, None, ())
    assert await _drafts(sessions) == []
    assert (await answering.owed_overview(core, actor)).expired_seq is None


async def test_cancel(core: Core, sessions: Sessions) -> None:
    world = await _world(sessions)
    actor = await _actor(core)
    assert not await answering.cancel(core, actor)
    draft_id = await _written(core, actor, world.m1)
    await _refused(answering.cancel(core, actor, draft_id + 1), "stale_draft")
    assert await answering.cancel(core, actor, draft_id)
    await _refused(answering.cancel(core, actor, draft_id), "stale_draft")
    await _written(core, actor, world.m1)
    assert await answering.cancel(core, actor)
    assert await _drafts(sessions) == []


async def test_another_status_keeps_text_and_evidence_and_start_over_clears_them(
    core: Core, sessions: Sessions
) -> None:
    world = await _world(sessions)
    actor = await _actor(core)
    await answering.choose_status(core, actor, world.m1, 0)
    await answering.add_to_draft(core, actor, Addition(text="ดำเนินการแล้ว"))
    link = Addition(text="https://example.org/x", links=("https://example.org/x",))
    added = await answering.add_to_draft(core, actor, link)
    assert added.draft.evidence_count == 1
    # The natural correction: press another status on the same measure.
    again = await answering.choose_status(core, actor, world.m1, 1)
    assert (again.draft.status, again.draft.text) == ("in_progress", "ดำเนินการแล้ว")
    assert again.draft.evidence_count == 1 and again.draft.step == DraftStep.EVIDENCE
    # Starting over is a separate, explicit step: it clears the words and files, not the status.
    cleared = await draft_edits.restart_draft(core, actor, again.draft.id)
    assert (cleared.status, cleared.text, cleared.evidence_count) == ("in_progress", "", 0)
    assert cleared.step == DraftStep.TEXT
    await _refused(draft_edits.restart_draft(core, actor, cleared.id + 1), "stale_draft")
