"""Reviewing answers through the use cases: who may, what may be decided, the comment, notices.

On SQLite and PostgreSQL, with the clock set by the test (the January round of the report
scenario is open on 20 January 2022 and closes at its meeting on the 26th).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.usecases import privacy, reviews
from bot.usecases.core import Core
from bot.usecases.people import identify
from bot.usecases.refusals import Refused
from storage import audit
from storage.deliveries import DueDelivery
from storage.models import AuditEvent, Delivery, Membership, PendingReview, Report, Review
from storage.people import Actor, revoke_membership
from storage.reviews import RETURN_NOTICE, review_of_key
from tests.bot.harness import Clock
from tests.factories import enrol, seed_plan
from tests.report_factories import Scenario, add_report, bkk, scenario

Sessions = async_sessionmaker[AsyncSession]
COORD, ADMIN, FIN_HEAD, FIN_MEMBER, FIN_GONE, PALAD_HEAD = 8001, 8002, 8003, 8004, 8005, 8006


async def _actor(core: Core, telegram_id: int) -> Actor:
    actor = await identify(core, telegram_id)
    assert actor is not None
    return actor


async def _world(core: Core, clock: Clock, sessions: Sessions) -> tuple[Scenario, int]:
    """The report scenario, people in FIN and PALAD, a coordinator; FIN's answer to 1."""
    await seed_plan(sessions)
    sc = await scenario(sessions)
    await enrol(sessions, COORD, "coordinator", name="ผู้ประสานงาน")
    await enrol(sessions, ADMIN, "admin", name="ผู้ดูแล")
    await enrol(sessions, FIN_HEAD, "head", "FIN", name="หัวหน้าคลัง")
    await enrol(sessions, FIN_MEMBER, "member", "FIN", name="ผู้แทนคลัง")
    gone = await enrol(sessions, FIN_GONE, "member", "FIN", name="ย้ายไปแล้ว")
    await enrol(sessions, PALAD_HEAD, "head", "PALAD")
    async with sessions() as s, s.begin():
        membership = await s.scalar(select(Membership.id).where(Membership.person_id == gone))
        assert membership is not None
        await revoke_membership(s, membership, by_person_id=None)
    clock.now = sc.now
    return sc, await _fin_answer(sessions, sc)


async def _fin_answer(sessions: Sessions, sc: Scenario) -> int:
    """FIN's newest answer to measure 1 in January (the scenario's second one, at first)."""
    async with sessions() as s:
        found = await s.scalar(
            select(func.max(Report.id)).where(
                Report.round_id == sc.jan, Report.measure_id == sc.ids.measures[1]
            )
        )
    assert found is not None
    return int(found)


async def _count(sessions: Sessions, model: type[Review | PendingReview | Delivery]) -> int:
    async with sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_heads_and_members_may_not_review(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    sc, answer = await _world(core, clock, sessions)
    for telegram_id in (FIN_HEAD, FIN_MEMBER, PALAD_HEAD):
        actor = await _actor(core, telegram_id)
        assert not reviews.may_review(actor)
        attempts = [
            reviews.review_queue(core, actor),
            reviews.open_answer(core, actor, answer),
            reviews.accept(core, actor, answer),
            reviews.ask_comment(core, actor, answer),
            reviews.give_comment(core, actor, "ไม่ผ่าน"),
            reviews.cancel_comment(core, actor),
        ]
        for work in attempts:
            with pytest.raises(Refused) as refused:
                await work
            assert refused.value.reason == "not_reviewer" and refused.value.audit
        assert await reviews.pending_comment(core, actor) is None
    assert await _count(sessions, Review) == 0
    assert await _count(sessions, PendingReview) == 0
    assert await _count(sessions, Delivery) == 0
    # An admin reviews as a coordinator does.
    assert reviews.may_review(await _actor(core, ADMIN))
    assert reviews.may_review(await _actor(core, COORD))
    assert sc.jan


async def test_accept_once_audited_and_the_queue_moves_on(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    _, answer = await _world(core, clock, sessions)
    coordinator = await _actor(core, COORD)
    queue = await reviews.review_queue(core, coordinator)
    assert answer in [w.report_id for w in queue.items]
    before = queue.total
    card = await reviews.open_answer(core, coordinator, answer)
    assert card.returnable and card.target.counts
    done = await reviews.accept(core, coordinator, answer)
    assert done.decision == "accepted" and done.notified == 0
    others = [w.report_id for w in queue.items if w.report_id != answer]
    assert done.waiting == before - 1 and done.next_report_id == others[0]  # oldest first
    with pytest.raises(Refused) as again:
        await reviews.accept(core, coordinator, answer)
    assert again.value.reason == "already_accepted"
    async with sessions() as s:
        events = (
            await s.scalars(select(AuditEvent).where(AuditEvent.action == audit.REVIEW_ACCEPTED))
        ).all()
    assert [(e.actor_person_id, e.detail["report_id"], e.detail["division"]) for e in events] == [
        (coordinator.person_id, answer, "FIN")
    ]
    assert await _count(sessions, Delivery) == 0  # accepting tells nobody
    # An earlier, superseded answer of the same item cannot be reviewed.
    with pytest.raises(Refused) as old:
        await reviews.open_answer(core, coordinator, answer - 1)
    assert old.value.reason == "superseded"
    with pytest.raises(Refused) as forged:
        await reviews.accept(core, coordinator, 10**6)
    assert forged.value.reason == "no_such_answer" and forged.value.audit


async def test_return_with_a_comment_records_one_notice_per_head_and_member(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    sc, answer = await _world(core, clock, sessions)
    coordinator = await _actor(core, COORD)
    asked = await reviews.ask_comment(core, coordinator, answer)
    assert asked.division.code == "FIN" and asked.limit == reviews.COMMENT_LIMIT
    assert await reviews.pending_comment(core, coordinator) == answer
    # The comment must be words, and not too many; the wait stays for a second try.
    for bad, reason in (
        (None, "comment_text"),
        ("  ", "comment_text"),
        ("ก" * 1001, "comment_long"),
    ):
        with pytest.raises(Refused) as refused:
            await reviews.give_comment(core, coordinator, bad)
        assert refused.value.reason == reason
    assert await reviews.pending_comment(core, coordinator) == answer
    done = await reviews.give_comment(core, coordinator, " กรุณาแนบรายงานการเบิกจ่าย ")
    assert done.decision == "returned" and done.notified == 2  # head and member, not the one gone
    assert await reviews.pending_comment(core, coordinator) is None
    async with sessions() as s:
        rows = (await s.scalars(select(Delivery).order_by(Delivery.id))).all()
        review = (await s.scalars(select(Review))).one()
        event = (
            await s.scalars(select(AuditEvent).where(AuditEvent.action == audit.REVIEW_RETURNED))
        ).one()
    assert {(d.kind, d.chat_id, d.state) for d in rows} == {
        (RETURN_NOTICE, FIN_HEAD, "pending"),
        (RETURN_NOTICE, FIN_MEMBER, "pending"),
    }
    assert all(review_of_key(d.key) == review.id and d.due_at == sc.now for d in rows)
    # Stale once the round stops taking answers: a notice after that could not be acted on.
    assert {d.stale_at for d in rows} == {bkk(2022, 1, 26, 9, 30) + timedelta(days=14)}
    assert (review.decision, review.comment, review.reviewer_id) == (
        "returned",
        "กรุณาแนบรายงานการเบิกจ่าย",
        coordinator.person_id,
    )
    assert event.note == "กรุณาแนบรายงานการเบิกจ่าย" and event.detail["notified"] == 2
    with pytest.raises(Refused) as twice:
        await reviews.ask_comment(core, coordinator, answer)
    assert twice.value.reason == "already_returned"
    # What the notice says, as the tick's sender reads it.
    notice = await reviews.return_notice(core, _due(rows[0]))
    assert notice is not None and notice.notice.review.comment == "กรุณาแนบรายงานการเบิกจ่าย"
    assert notice.notice.person_name == "หัวหน้าคลัง" and notice.notice.measure.seq == 1
    # The division answers again: the new answer counts and waits for review.
    fin_head = await _actor(core, FIN_HEAD)
    again = await add_report(
        sessions, sc.ids, sc.jan, 1, "FIN", fin_head.person_id, "done", "แนบแล้ว", at=sc.now
    )
    queue = await reviews.review_queue(core, coordinator)
    assert again in [w.report_id for w in queue.items]
    card = await reviews.open_answer(core, coordinator, again)
    assert card.target.item.answer is not None
    assert [e.decision for e in card.target.item.answer.trail] == ["returned"]


def _due(d: Delivery) -> DueDelivery:
    return DueDelivery(
        id=d.id,
        key=d.key,
        kind=d.kind,
        round_id=d.round_id,
        division_id=d.division_id,
        person_id=d.person_id,
        chat_id=d.chat_id,
        language="th",
        attempts=0,
        interrupted=False,
    )


async def test_the_comment_waits_an_hour_and_a_closed_round_is_not_returned(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    sc, answer = await _world(core, clock, sessions)
    coordinator = await _actor(core, COORD)
    await reviews.ask_comment(core, coordinator, answer)
    clock.now = sc.now + timedelta(minutes=reviews.COMMENT_MINUTES)
    assert await reviews.pending_comment(core, coordinator) is None  # lapsed, and dropped
    assert await _count(sessions, PendingReview) == 0
    with pytest.raises(Refused) as lapsed:
        await reviews.give_comment(core, coordinator, "ช้าไป")
    assert lapsed.value.reason == "no_comment"
    # Cancelling drops the wait; with nothing waiting it is refused.
    await reviews.ask_comment(core, coordinator, answer)
    await reviews.cancel_comment(core, coordinator)
    with pytest.raises(Refused):
        await reviews.cancel_comment(core, coordinator)
    # The division answered while the coordinator was typing: the return is refused, and ends.
    await reviews.ask_comment(core, coordinator, answer)
    await add_report(sessions, sc.ids, sc.jan, 1, "FIN", sc.author, "done", "ใหม่", at=clock.now)
    with pytest.raises(Refused) as superseded:
        await reviews.give_comment(core, coordinator, "ขอเพิ่ม")
    assert superseded.value.reason == "superseded"
    assert await reviews.pending_comment(core, coordinator) is None
    # Past the late window the round takes no answers: accept yes, return no.
    clock.now = bkk(2022, 1, 26, 9, 30) + timedelta(days=14)
    newest = await _fin_answer(sessions, sc)
    card = await reviews.open_answer(core, coordinator, newest)
    assert not card.returnable
    with pytest.raises(Refused) as closed:
        await reviews.ask_comment(core, coordinator, newest)
    assert closed.value.reason == "review_closed"
    await reviews.accept(core, coordinator, newest)
    assert await _count(sessions, Delivery) == 0


async def test_a_reviewers_reviews_are_in_mydata_and_forgetting_drops_a_wait(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    _, answer = await _world(core, clock, sessions)
    coordinator = await _actor(core, COORD)
    await reviews.accept(core, coordinator, answer)
    data = json.loads(await privacy.my_data(core, coordinator))
    assert [(r["report_id"], r["decision"]) for r in data["reviews"]] == [(answer, "accepted")]
    await reviews.ask_comment(core, coordinator, answer)
    async with sessions() as s, s.begin():
        role = await s.scalar(
            select(Membership.id).where(Membership.person_id == coordinator.person_id)
        )
        assert role is not None
        await revoke_membership(s, role, by_person_id=None)
    await privacy.forget_person(core, person_id=coordinator.person_id)
    assert await _count(sessions, PendingReview) == 0
    assert await _count(sessions, Review) == 1  # the decision stays, under the pseudonym
