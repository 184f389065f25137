"""The tick over the seed plan with a controlled clock, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.outcomes import Failed, Outcome, Outgoing, Retry, Sent, Unreachable
from scheduler.tick import tick
from storage.deliveries import deliveries
from storage.keys import delivery_key
from storage.models import Delivery, Division, Measure, Person, Report, Round, RoundItem
from storage.people import mark_reachable
from storage.rounds import all_plans, set_meeting
from tests.factories import enrol, seed_plan
from tests.scheduling import (
    BKK,
    CAL,
    CONFIG,
    COORDINATOR,
    HEADS,
    Recorder,
    answer_all,
    bkk,
    enrol_everyone,
    round_id,
    run,
)

Sessions = async_sessionmaker[AsyncSession]


class Crash(BaseException):
    """The process dies mid-send (not an Exception: nothing may catch it)."""


async def test_whole_period_who_is_asked_what_and_when(sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol_everyone(sessions)
    sender = Recorder()
    sent_on: dict[tuple[int, str], list[dt.date]] = {}
    day = dt.date(2021, 10, 1)
    while day <= dt.date(2022, 5, 15):
        before = len(sender.calls)
        await run(sessions, bkk(day.year, day.month, day.day, 9, 5), sender)
        for call in sender.calls[before:]:
            sent_on.setdefault((call.chat_id, call.kind), []).append(day)
        day += dt.timedelta(days=1)

    # Nobody answered, so every responsible division got every prompt and reminder.
    fin_prompts = sent_on[(HEADS["FIN"], "prompt")]
    assert fin_prompts == [
        dt.date(2021, 10, 19),
        dt.date(2021, 11, 17),
        dt.date(2021, 12, 22),
        dt.date(2022, 1, 19),
        dt.date(2022, 2, 15),
        dt.date(2022, 3, 23),
    ]
    for code, chat in HEADS.items():
        assert len(sent_on[(chat, "prompt")]) == 6, code
        assert len(sent_on[(chat, "reminder")]) == 6, code
        assert all(CAL.is_working_day(d) for d in sent_on[(chat, "prompt")])
    assert sent_on[(HEADS["STRAT"], "request")] == [dt.date(2022, 1, 4), dt.date(2022, 4, 1)]
    assert len(sent_on[(HEADS["STRAT"], "reminder1")]) == 2
    assert len(sent_on[(HEADS["STRAT"], "reminder2")]) == 2
    for code in HEADS:
        if code != "STRAT":
            assert (HEADS[code], "request") not in sent_on
    assert len(sent_on[(COORDINATOR, "digest")]) == 8  # six meetings, two quarters
    assert (COORDINATOR, "prompt") not in sent_on

    async with sessions() as session:
        rows = await deliveries(session)
        assert {r.state for r in rows} == {"sent"}
        assert len(rows) == len(sender.calls)  # nothing sent twice
        assert len({r.key for r in rows}) == len(rows)
        # The quarterly measure is never asked at a monthly meeting.
        quarterly = set(
            await session.scalars(select(Measure.id).where(Measure.followup_cadence == "quarterly"))
        )
        monthly_items = await session.scalars(
            select(RoundItem.measure_id).join(Round).where(Round.kind == "monthly")
        )
        assert not quarterly & set(monthly_items)
        keys = list(await session.scalars(select(Round.key).order_by(Round.opens_at)))
        assert keys == [
            "2564-10",
            "2564-11",
            "2564-12",
            "2565-Q1",
            "2565-01",
            "2565-02",
            "2565-03",
            "2565-Q2",
        ]


async def test_reminders_only_to_the_silent(sessions: Sessions) -> None:
    await seed_plan(sessions)
    people = await enrol_everyone(sessions)
    sender = Recorder()
    await run(sessions, bkk(2022, 1, 19), sender)
    assert len([c for c in sender.calls if c.kind == "prompt"]) == len(HEADS)
    await answer_all(sessions, "2565-01", "FIN", people["FIN"])
    sender.calls.clear()
    await run(sessions, bkk(2022, 1, 24), sender)
    reminded = {c.chat_id for c in sender.calls if c.kind == "reminder"}
    assert reminded == set(HEADS.values()) - {HEADS["FIN"]}


async def test_reminder_recorded_but_answered_before_sending_is_skipped(sessions: Sessions) -> None:
    await seed_plan(sessions)
    people = await enrol_everyone(sessions)
    # A 5xx on the first try: the reminder waits for its retry...
    flaky = Recorder(lambda out: Retry("500") if out.kind == "reminder" else Sent(1))
    await run(sessions, bkk(2022, 1, 19), flaky)  # the prompts go out
    await run(sessions, bkk(2022, 1, 24), flaky)
    # ...and meanwhile the division answers: the retry must not nag it.
    await answer_all(sessions, "2565-01", "FIN", people["FIN"])
    sender = Recorder()
    report = await run(sessions, bkk(2022, 1, 24, 12), sender)
    assert report.answered_skipped == 1
    assert HEADS["FIN"] not in {c.chat_id for c in sender.calls}


async def test_restart_between_intent_and_send_resends_exactly_once(sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol_everyone(sessions)
    crashed: list[Outgoing] = []

    def die(out: Outgoing) -> Outcome:
        crashed.append(out)
        raise Crash

    # Started on the prompt day of January, before any quarterly notice: one prompt per head.
    with pytest.raises(Crash):
        await run(sessions, bkk(2021, 12, 22), Recorder(die))
    victim = crashed[0]
    async with sessions() as session:
        row = await session.get(Delivery, victim.delivery_id)
        assert row is not None and row.state == "pending" and row.sending_since is not None
        # Sends run side by side: every one that had left when the process died is in flight.
        inflight = {
            d.id for d in await deliveries(session, kind="prompt") if d.sending_since is not None
        }
    assert victim.delivery_id in inflight and len(inflight) <= CONFIG.send_concurrency

    # Within the in-flight grace another process might still be sending them: left alone.
    soon = Recorder()
    await run(sessions, bkk(2021, 12, 22, 9, 1), soon)
    assert not inflight & {c.delivery_id for c in soon.calls}
    assert len(soon.calls) == len(HEADS) - len(inflight)

    later = Recorder()
    report = await run(sessions, bkk(2021, 12, 22, 9, 10), later)
    assert sorted(c.delivery_id for c in later.calls) == sorted(inflight)
    assert report.resumed == len(inflight) and report.sent == len(inflight)
    again = Recorder()
    await run(sessions, bkk(2021, 12, 22, 10), again)
    assert again.calls == []
    async with sessions() as session:
        row = await session.get(Delivery, victim.delivery_id)
        assert row is not None and row.state == "sent" and row.attempts == 2
        prompts = await deliveries(session, kind="prompt")
        assert Counter(r.state for r in prompts) == {"sent": len(HEADS)}


async def test_bot_down_three_days(sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol_everyone(sessions)
    sender = Recorder()
    # Up until the 16th; down 17-19 Jan, over the January prompt (due 19th 09:00).
    await run(sessions, bkk(2022, 1, 16), sender)
    assert sender.calls == [c for c in sender.calls if c.kind != "prompt"]
    await run(sessions, bkk(2022, 1, 20, 10), sender)
    assert {c.chat_id for c in sender.calls if c.kind == "prompt"} == set(HEADS.values())
    # Down again from the 24th to the 27th: reminder (24th), digest (25th) and the meeting
    # (26th 09:30) pass; a member enrolled meanwhile would have been prompted.
    new_member = await enrol(sessions, 3001, "member", "FIN")
    sender.calls.clear()
    report = await run(sessions, bkk(2022, 1, 27, 9), sender)
    assert sender.calls == []
    assert report.recorded_skipped > 0
    async with sessions() as session:
        jan = await round_id(session, "2565-01")
        rows = [r for r in await deliveries(session) if r.round_id == jan]
        by_kind = Counter((r.kind, r.state) for r in rows)
        assert by_kind[("reminder", "skipped")] == len(HEADS) + 1  # the new member too
        assert by_kind[("digest", "skipped")] == 1
        assert by_kind[("prompt", "sent")] == len(HEADS)
        late_prompt = next(r for r in rows if r.person_id == new_member and r.kind == "prompt")
        assert late_prompt.state == "skipped" and late_prompt.sent_at is None


async def test_late_enrolment_gets_the_prompt_on_the_next_tick(sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol_everyone(sessions)
    sender = Recorder()
    await run(sessions, bkk(2022, 1, 19), sender)
    await enrol(sessions, 3002, "member", "PALAD")
    await run(sessions, bkk(2022, 1, 21, 15), sender)
    assert [c.kind for c in sender.to(3002)] == ["prompt"]


async def test_unreachable_gets_nothing_until_they_write_again(sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol_everyone(sessions)
    blocked = HEADS["ENG"]
    sender = Recorder(lambda out: Unreachable("403") if out.chat_id == blocked else Sent(7))
    report = await run(sessions, bkk(2022, 1, 19), sender)
    assert report.unreachable == 1
    async with sessions() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == blocked))
        assert person is not None and person.unreachable_since is not None
    sender.calls.clear()
    await run(sessions, bkk(2022, 1, 24), sender)  # reminder day: none for the blocked person
    assert sender.to(blocked) == []
    async with sessions() as session, session.begin():
        assert await mark_reachable(session, blocked)
    ok = Recorder()
    await run(sessions, bkk(2022, 1, 24, 10), ok)
    # The prompt they missed, and not the reminder on top of it: it would only repeat it.
    assert sorted(c.kind for c in ok.to(blocked)) == ["prompt"]


async def test_moved_meeting_moves_the_round(sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol_everyone(sessions)
    async with sessions() as session, session.begin():
        plan = (await all_plans(session))[0]
        await set_meeting(
            session, plan.id, dt.date(2022, 1, 1), dt.datetime(2022, 1, 28, 13, 0, tzinfo=BKK)
        )
    sender = Recorder()
    await run(sessions, bkk(2022, 1, 19), sender)
    assert [c for c in sender.calls if c.kind == "prompt"] == []  # moved to the 21st
    await run(sessions, bkk(2022, 1, 21), sender)
    assert len([c for c in sender.calls if c.kind == "prompt"]) == len(HEADS)
    async with sessions() as session:
        rnd = await session.scalar(select(Round).where(Round.key == "2565-01"))
        assert rnd is not None
        assert rnd.closes_at == dt.datetime(2022, 1, 28, 13, 0, tzinfo=BKK)


async def test_a_nudge_row_is_sent_by_the_tick(sessions: Sessions) -> None:
    await seed_plan(sessions)
    people = await enrol_everyone(sessions)
    await run(sessions, bkk(2022, 1, 19), Recorder())
    now = bkk(2022, 1, 20, 14)
    async with sessions() as session, session.begin():
        jan = await round_id(session, "2565-01")
        division_id = (
            await session.scalars(select(RoundItem.division_id).where(RoundItem.round_id == jan))
        ).first()
        assert division_id is not None
        # The division's own head: a notice goes only to someone who holds its role.
        code = await session.scalar(select(Division.code).where(Division.id == division_id))
        person = await session.get(Person, people[str(code)])
        assert person is not None
        session.add(
            Delivery(
                key=delivery_key("nudge", jan, division_id, person.id, "2022-01-20"),
                kind="nudge",
                round_id=jan,
                division_id=division_id,
                person_id=person.id,
                chat_id=person.chat_id,
                due_at=now,
            )
        )
    sender = Recorder()
    await run(sessions, now, sender)
    assert [c.kind for c in sender.calls] == ["nudge"]
    assert BKK  # zone used for the meeting above


async def test_flood_control_does_not_use_up_the_attempts(sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol(sessions, HEADS["FIN"], "head", "FIN")
    answers = iter([Retry("429: flood", after=5)] * 20)
    sender = Recorder(lambda out: next(answers, Sent(1)))
    now = bkk(2021, 10, 19, 9, 1)
    for _ in range(21):  # twenty 429s, more than max_attempts, then it goes through
        await run(sessions, now, sender)
        now += dt.timedelta(seconds=6)
    async with sessions() as session:
        (row,) = await deliveries(session, kind="prompt")
    assert row.state == "sent" and row.attempts == 21


async def test_two_senders_reading_the_same_row_claim_it_once(sessions: Sessions) -> None:
    from storage import deliveries as store

    await seed_plan(sessions)
    await enrol_everyone(sessions)
    # Record the intents without sending: every send fails with a retry right away.
    await run(sessions, bkk(2022, 1, 19, 9, 1), Recorder(lambda out: Retry("down")))
    now = bkk(2022, 1, 19, 9, 5)
    async with sessions() as a, sessions() as b:
        first = await store.due_deliveries(a, now, inflight_before=now, limit=50)
        second = await store.due_deliveries(b, now, inflight_before=now, limit=50)
    assert first and [d.id for d in first] == [d.id for d in second]
    claimed = []
    for replica in (first, second):  # both replicas act on what they read
        for item in replica:
            async with sessions() as s, s.begin():
                if await store.begin_send(s, item.id, now, item.attempts):
                    claimed.append(item.id)
    assert sorted(claimed) == sorted(d.id for d in first)  # each row claimed exactly once


async def test_catching_up_sends_the_request_not_every_reminder(sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol_everyone(sessions)
    # First start on 19 Jan: Q1's request (4 Jan) and both its reminders are all due.
    sender = Recorder()
    await run(sessions, bkk(2022, 1, 19, 9, 1), sender)
    strat = sorted(c.kind for c in sender.to(HEADS["STRAT"]) if c.round_id is not None)
    assert strat.count("request") == 1
    assert "reminder1" not in strat and "reminder2" not in strat
    async with sessions() as session:
        rows = await deliveries(session)
    skipped = {r.kind for r in rows if r.state == "skipped" and r.chat_id == HEADS["STRAT"]}
    assert {"reminder1", "reminder2"} <= skipped


async def _answer_one(sessions: Sessions, round_key: str, code: str, person_id: int) -> None:
    """Confirm an answer for the first of several items a division owes (not all of them)."""
    async with sessions() as session, session.begin():
        rid = await round_id(session, round_key)
        division = await session.scalar(select(Division).where(Division.code == code))
        assert division is not None
        items = list(
            await session.scalars(
                select(RoundItem)
                .where(RoundItem.round_id == rid, RoundItem.division_id == division.id)
                .order_by(RoundItem.measure_id)
            )
        )
        assert len(items) >= 2, f"{code} owes {len(items)} item(s) in {round_key}"
        session.add(
            Report(
                round_id=rid,
                measure_id=items[0].measure_id,
                division_id=division.id,
                person_id=person_id,
                status="done",
                text="one of several",
            )
        )


async def test_a_division_that_answered_only_some_items_is_reminded(sessions: Sessions) -> None:
    await seed_plan(sessions)
    people = await enrol_everyone(sessions)
    await run(sessions, bkk(2022, 1, 19), Recorder())  # the January prompts
    await _answer_one(sessions, "2565-01", "FIN", people["FIN"])  # FIN: one of several
    await answer_all(sessions, "2565-01", "PALAD", people["PALAD"])  # PALAD: everything
    sender = Recorder()
    await run(sessions, bkk(2022, 1, 24), sender)
    reminded = {c.chat_id for c in sender.calls if c.kind == "reminder"}
    assert HEADS["FIN"] in reminded
    assert reminded == set(HEADS.values()) - {HEADS["PALAD"]}


async def test_a_partial_answer_before_the_retry_does_not_cancel_the_reminder(
    sessions: Sessions,
) -> None:
    await seed_plan(sessions)
    people = await enrol_everyone(sessions)
    # The reminder is recorded and its first try fails; the retry re-checks who is silent.
    flaky = Recorder(lambda out: Retry("500") if out.kind == "reminder" else Sent(1))
    await run(sessions, bkk(2022, 1, 19), flaky)
    await run(sessions, bkk(2022, 1, 24), flaky)
    await _answer_one(sessions, "2565-01", "FIN", people["FIN"])
    sender = Recorder()
    report = await run(sessions, bkk(2022, 1, 24, 12), sender)
    assert [c.kind for c in sender.to(HEADS["FIN"])] == ["reminder"]
    assert report.answered_skipped == 0


async def test_a_send_that_keeps_failing_is_given_up_after_the_last_attempt(
    sessions: Sessions,
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, HEADS["FIN"], "head", "FIN")
    sender = Recorder(lambda out: Retry("502: bad gateway"))  # no `after`: not flood control
    now = bkk(2021, 10, 19, 9, 1)
    failed = 0
    for _ in range(CONFIG.max_attempts + 2):  # two hours apart: always past the backoff
        failed += (await run(sessions, now, sender)).failed
        now += dt.timedelta(hours=2)
    prompts = sender.to(HEADS["FIN"], "prompt")
    assert len(prompts) == CONFIG.max_attempts  # tried that often, then never again
    assert [c.attempts for c in prompts] == list(range(1, CONFIG.max_attempts + 1))
    assert failed == 1
    async with sessions() as session:
        (row,) = await deliveries(session, kind="prompt")
    assert row.state == "failed" and row.attempts == CONFIG.max_attempts
    assert "502" in row.last_error


async def test_a_refused_send_is_failed_at_once(sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol(sessions, HEADS["FIN"], "head", "FIN")
    sender = Recorder(lambda out: Failed("400: chat not found"))
    now = bkk(2021, 10, 19, 9, 1)
    report = await run(sessions, now, sender)
    await run(sessions, now + dt.timedelta(hours=2), sender)
    assert report.failed == 1 and len(sender.to(HEADS["FIN"], "prompt")) == 1
    async with sessions() as session:
        (row,) = await deliveries(session, kind="prompt")
    assert row.state == "failed" and row.attempts == 1


async def test_a_tick_does_not_send_what_another_sender_claimed_after_it_read(
    sessions: Sessions,
) -> None:
    await seed_plan(sessions)
    await enrol_everyone(sessions)
    now = bkk(2022, 1, 19, 9, 1)
    other = Recorder()
    # One send at a time, so every row after the first is read by this tick and claimed later.
    config = replace(CONFIG, send_concurrency=1)

    async def first_sender(out: Outgoing) -> Outcome:
        first.calls.append(out)
        if len(first.calls) == 1:
            # While this tick's first send is in flight, a second sender (another replica, or
            # a tick running late) reads the same pending rows and sends them all.
            await tick(sessions, now, other, CONFIG, CAL)
        return Sent(len(first.calls))

    first = Recorder()
    await tick(sessions, now, first_sender, config, CAL)
    assert len(first.calls) == 1 and other.calls  # the rest went through the other sender
    assert first.calls[0].delivery_id not in {c.delivery_id for c in other.calls}
    async with sessions() as session:
        rows = [r for r in await deliveries(session) if r.state != "skipped"]
    # Each notification went out exactly once, by whichever sender claimed it.
    sent_ids = sorted(c.delivery_id for c in [*first.calls, *other.calls])
    assert sent_ids == sorted(r.id for r in rows)
    assert {r.state for r in rows} == {"sent"} and {r.attempts for r in rows} == {1}
