"""Rounds and meetings through the use cases, on SQLite and PostgreSQL, without the Bot API."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.usecases import rounds
from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from bot.usecases.rounds import MeetingRow, NoPlan
from storage.people import load_actor
from tests.conftest import SEED_PLAN
from tests.factories import enrol, seed_plan

Sessions = async_sessionmaker[AsyncSession]


def _row(listed: rounds.Meetings, month: dt.date) -> MeetingRow:
    return next(r for r in listed.rows if r.month == month)


def _local(core: Core, at: dt.datetime) -> dt.datetime:
    return at.astimezone(core.rules.tz).replace(tzinfo=None)


async def test_meetings_flag_a_weekend_and_a_thai_holiday(core: Core, sessions: Sessions) -> None:
    await seed_plan(sessions)
    await rounds.set_meeting(core, dt.datetime(2021, 12, 25, 9, 30))  # a Saturday
    await rounds.set_meeting(core, dt.datetime(2022, 2, 16, 9, 30))  # Makha Bucha, a Wednesday
    listed = await rounds.meetings(core)
    assert listed.plan_code and listed.rule == "last wednesday 09:30"
    assert len(listed.rows) == 6

    saturday = _row(listed, dt.date(2021, 12, 1))
    assert saturday.day == dt.date(2021, 12, 25)
    assert saturday.weekend and saturday.holiday("en") is None

    makha = _row(listed, dt.date(2022, 2, 1))
    assert not makha.weekend
    assert makha.holiday("en") == "Makha Bucha"
    assert makha.holiday("th") == "วันมาฆบูชา"

    # The rule's own date (the last Wednesday, 26 January) is neither.
    january = _row(listed, dt.date(2022, 1, 1))
    assert january.day == dt.date(2022, 1, 26)
    assert not january.weekend and january.holiday("th") is None and not january.manual


async def test_set_meeting_moves_the_months_meeting_and_marks_it_manual(
    core: Core, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    before = await rounds.meetings(core)
    assert _local(core, _row(before, dt.date(2022, 1, 1)).starts_at) == dt.datetime(
        2022, 1, 26, 9, 30
    )

    moved = await rounds.set_meeting(core, dt.datetime(2022, 1, 28, 13, 0))
    assert moved.plan_code == before.plan_code
    assert moved.meeting.month == dt.date(2022, 1, 1) and moved.meeting.manual
    assert not moved.meeting.weekend and moved.meeting.holiday("en") is None

    after = await rounds.meetings(core)
    january = _row(after, dt.date(2022, 1, 1))
    assert january.manual
    assert _local(core, january.starts_at) == dt.datetime(2022, 1, 28, 13, 0)
    # Only that month moved; the others still follow the plan's rule.
    others = [r for r in after.rows if r.month != dt.date(2022, 1, 1)]
    assert others == [r for r in before.rows if r.month != dt.date(2022, 1, 1)]
    assert not any(r.manual for r in others)

    # A time given with its zone is taken as given: 06:00 UTC is 13:00 in Bangkok.
    again = await rounds.set_meeting(core, dt.datetime(2022, 1, 28, 6, 0, tzinfo=dt.UTC))
    assert again.meeting.day == dt.date(2022, 1, 28)
    assert _local(core, again.meeting.starts_at) == dt.datetime(2022, 1, 28, 13, 0)


async def test_without_a_plan_every_rounds_use_case_is_refused(
    core: Core, sessions: Sessions
) -> None:
    with pytest.raises(NoPlan):
        await rounds.meetings(core)
    with pytest.raises(NoPlan):
        await rounds.set_meeting(core, dt.datetime(2022, 1, 28, 13, 0))
    with pytest.raises(NoPlan):
        await rounds.schedule_preview(core)
    with pytest.raises(NoPlan):
        await rounds.plan_overview(core)
    await seed_plan(sessions)
    # A plan by a code nobody imported is no plan either, and nothing is written for it.
    with pytest.raises(NoPlan) as refused:
        await rounds.set_meeting(core, dt.datetime(2022, 1, 28, 13, 0), plan_code="nope")
    assert refused.value.reason == "no_plan" and refused.value.key == "rounds.meetings_none"
    assert not any(r.manual for r in (await rounds.meetings(core)).rows)


async def test_schedule_preview_lists_prompt_reminder_digest_in_order(
    core: Core, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 501, "head", "FIN", name="Somchai")
    await enrol(sessions, 502, "coordinator", name="Malee")
    preview = await rounds.schedule_preview(core, dt.date(2022, 1, 1), dt.date(2022, 1, 31))
    assert [r.key for r in preview.rounds] == ["2565-Q1", "2565-01"]
    january = preview.rounds[1]
    assert [n.kind for n in january.notices] == ["prompt", "reminder", "digest"]
    assert [_local(core, n.due_at) for n in january.notices] == [
        dt.datetime(2022, 1, 19, 9, 0),
        dt.datetime(2022, 1, 24, 9, 0),
        dt.datetime(2022, 1, 25, 9, 0),
    ]
    prompt, reminder, digest = january.notices
    assert reminder.audience == "silent"
    fin = next(t for t in prompt.to if t.division_code == "FIN")
    assert fin.names == ("Somchai",)
    assert [(t.division_code, t.names) for t in digest.to] == [(None, ("Malee",))]
    assert 7 not in january.measure_seqs
    assert preview.rounds[0].quarter is not None and preview.rounds[0].measure_seqs == (7,)

    # The range is of local days, both ends included; outside it nothing is listed.
    only_digest = await rounds.schedule_preview(core, dt.date(2022, 1, 25), dt.date(2022, 1, 25))
    assert [(r.key, [n.kind for n in r.notices]) for r in only_digest.rounds] == [
        ("2565-01", ["digest"])
    ]
    assert (await rounds.schedule_preview(core, dt.date(2030, 1, 1))).rounds == ()


async def test_only_coordinators_see_the_meetings(core: Core, sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 501, "coordinator")
    await enrol(sessions, 502, "head", "FIN")
    async with sessions() as session:
        coordinator = await load_actor(session, 501)
        head = await load_actor(session, 502)
    rounds.may_see_meetings(coordinator)
    for actor in (head, None):
        with pytest.raises(Refused) as refused:
            rounds.may_see_meetings(actor)
        # Refused like every other command: audited, worded as "not allowed".
        assert refused.value.audit and refused.value.action == "meetings"
        assert refused.value.key == "auth.not_allowed"


async def test_plan_import_once_and_overview(core: Core) -> None:
    first = await rounds.import_plan_file(core, SEED_PLAN, if_empty=True)
    assert not first.skipped and first.changes
    again = await rounds.import_plan_file(core, SEED_PLAN)
    assert again.plan_code == first.plan_code and again.changes == ()
    # With a plan in place, --if-empty does not even read the file.
    skipped = await rounds.import_plan_file(
        core, SEED_PLAN.with_name("missing.yaml"), if_empty=True
    )
    assert skipped.skipped
    overview = await rounds.plan_overview(core, first.plan_code)
    assert overview.plan_code == first.plan_code and len(overview.data["measures"]) == 7
