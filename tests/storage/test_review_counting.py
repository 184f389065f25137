"""Which answer counts once coordinators review, the review trail, and the review queue.

On SQLite and PostgreSQL. The rule: the newest on-time answer counts (a late fix does not
replace what the meeting was shown) unless a coordinator returned it for more; then the
division's next answer counts, late or not, and waits for review.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.counting import item_answers
from storage.reviews import add_review, waiting
from storage.summary import round_by_id, round_summary
from tests.factories import seed_plan
from tests.report_factories import Ids, add_person, add_report, add_round, bkk, plan_ids

Sessions = async_sessionmaker[AsyncSession]


async def _round(sessions: Sessions, ids: Ids, key: str = "2565-01", month: int = 1) -> int:
    return await add_round(
        sessions,
        ids,
        key,
        covers=(date(2022, month, 1), date(2022, month, 28)),
        opens_at=bkk(2022, month, 12),
        closes_at=bkk(2022, month, 26, 9, 30),
        items=[(1, "FIN"), (3, "FIN"), (3, "PALAD")],
    )


async def _review(sessions: Sessions, report: int, decision: str, by: int, day: int) -> None:
    async with sessions() as s, s.begin():
        await add_review(
            s,
            report,
            decision,
            comment=f"{decision} {report}",
            reviewer_id=by,
            at=bkk(2022, 1, day),
        )


async def _counting(sessions: Sessions, round_id: int, seq: int, ids: Ids) -> int | None:
    async with sessions() as s:
        rnd = await round_by_id(s, round_id)
        assert rnd is not None
        items = await item_answers(
            s, [rnd], measure_id=ids.measures[seq], division_ids=[ids.divisions["FIN"]]
        )
    answer = items[0].answer
    return answer.report_id if answer is not None else None


async def _setup(sessions: Sessions) -> tuple[Ids, int, int, int]:
    await seed_plan(sessions)
    ids = await plan_ids(sessions)
    author = await add_person(sessions, 501, "ผู้รายงาน")
    coordinator = await add_person(sessions, 502, "ผู้ประสานงาน")
    return ids, await _round(sessions, ids), author, coordinator


async def test_a_returned_answer_steps_aside_for_the_next_even_late(sessions: Sessions) -> None:
    ids, jan, author, coordinator = await _setup(sessions)
    first = await add_report(
        sessions, ids, jan, 1, "FIN", author, "in_progress", "ร่าง", at=bkk(2022, 1, 20)
    )
    late = await add_report(
        sessions, ids, jan, 1, "FIN", author, "done", "ฉบับแก้", at=bkk(2022, 1, 27), late=True
    )
    # Unreviewed: the late fix never replaces what the meeting was shown.
    assert await _counting(sessions, jan, 1, ids) == first
    await _review(sessions, first, "returned", coordinator, 21)
    assert await _counting(sessions, jan, 1, ids) == late
    # Returned and then accepted after all: the on-time answer counts again.
    await _review(sessions, first, "accepted", coordinator, 22)
    assert await _counting(sessions, jan, 1, ids) == first


async def test_an_accepted_answer_keeps_counting_over_a_late_fix(sessions: Sessions) -> None:
    ids, jan, author, coordinator = await _setup(sessions)
    first = await add_report(
        sessions, ids, jan, 1, "FIN", author, "done", "ครบ", at=bkk(2022, 1, 20)
    )
    await _review(sessions, first, "accepted", coordinator, 21)
    await add_report(
        sessions, ids, jan, 1, "FIN", author, "done", "แก้", at=bkk(2022, 1, 27), late=True
    )
    assert await _counting(sessions, jan, 1, ids) == first


async def test_the_answer_carries_its_review_and_the_items_trail(sessions: Sessions) -> None:
    ids, jan, author, coordinator = await _setup(sessions)
    first = await add_report(
        sessions, ids, jan, 1, "FIN", author, "in_progress", "ร่าง", at=bkk(2022, 1, 20)
    )
    await _review(sessions, first, "returned", coordinator, 21)
    second = await add_report(
        sessions, ids, jan, 1, "FIN", author, "done", "ครบ", at=bkk(2022, 1, 22)
    )
    async with sessions() as s:
        rnd = await round_by_id(s, jan)
        assert rnd is not None
        items = await item_answers(s, [rnd], measure_id=ids.measures[1])
        summary = await round_summary(s, rnd)
    answer = items[0].answer
    assert answer is not None and answer.report_id == second
    assert answer.review is None and answer.review_state == "awaiting"
    assert [
        (e.report_id, e.decision, e.comment, e.reviewer_name, e.text) for e in answer.trail
    ] == [(first, "returned", f"returned {first}", "ผู้ประสานงาน", "ร่าง")]
    await _review(sessions, second, "accepted", coordinator, 23)
    async with sessions() as s:
        items = await item_answers(s, [rnd], measure_id=ids.measures[1])
        after = await round_summary(s, rnd)
    answer = items[0].answer
    assert answer is not None and answer.review is not None
    assert (answer.review.decision, answer.review.reviewer_name) == ("accepted", "ผู้ประสานงาน")
    m1 = next(m for m in summary.measures if m.measure.seq == 1)
    assert (m1.accepted, m1.returned, m1.awaiting) == (0, 0, 1)
    m1 = next(m for m in after.measures if m.measure.seq == 1)
    assert (m1.accepted, m1.returned, m1.awaiting) == (1, 0, 0)
    assert (after.accepted, after.returned, after.awaiting) == (1, 0, 0)


async def test_the_queue_holds_counting_unreviewed_answers_oldest_first(
    sessions: Sessions,
) -> None:
    ids, jan, author, coordinator = await _setup(sessions)
    a = await add_report(sessions, ids, jan, 3, "PALAD", author, "done", "ก", at=bkk(2022, 1, 21))
    b = await add_report(sessions, ids, jan, 1, "FIN", author, "done", "ข", at=bkk(2022, 1, 20))
    c = await add_report(sessions, ids, jan, 3, "FIN", author, "done", "ค", at=bkk(2022, 1, 19))
    superseded = await add_report(
        sessions, ids, jan, 3, "FIN", author, "done", "ค2", at=bkk(2022, 1, 22)
    )
    async with sessions() as s:
        found, total = await waiting(s, ids.plan_id, 10)
    # The superseded answer of 3/FIN is not waiting; its replacement is, by its own date.
    assert [w.report_id for w in found] == [b, a, superseded] and total == 3
    assert c not in [w.report_id for w in found]
    await _review(sessions, b, "accepted", coordinator, 23)
    await _review(sessions, a, "returned", coordinator, 23)
    async with sessions() as s:
        found, total = await waiting(s, ids.plan_id, 1)
    assert [w.report_id for w in found] == [superseded] and total == 1
    assert found[0].division.code == "FIN" and found[0].measure.seq == 3
    # The returned answer's replacement goes back into the queue.
    again = await add_report(
        sessions, ids, jan, 3, "PALAD", author, "done", "ก2", at=bkk(2022, 1, 24)
    )
    async with sessions() as s:
        found, total = await waiting(s, ids.plan_id, 10)
    assert [w.report_id for w in found] == [superseded, again] and total == 2
