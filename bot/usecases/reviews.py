"""Reviewing answers: a coordinator accepts a division's answer or returns it for more.

The rules: only coordinators and admins review (decided here on every call, from the
database's view of the person, never from a button); only the answer that counts for its item
(a superseded one is refused); a decision that would change nothing is refused; an answer is
returned only while its round still takes answers (the division must be able to answer
again), and only with a comment, typed as the reviewer's next message. Until it arrives the
return waits in the database (`review_pending`), so a restart loses nothing; it lapses after
COMMENT_MINUTES. A return records, in one transaction with the review and its audit event,
one notice to each head and member of the division, sent once by the scheduler's tick. The
division's next answer supersedes the returned one (storage.counting) and waits for review.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.answering import accepts_answers
from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from scheduler.plan_years import current_plan
from storage import audit
from storage import reviews as store
from storage.deliveries import DueDelivery
from storage.people import Actor
from storage.read_models import ACCEPTED, RETURNED, DivisionRef, MeasureRef, RoundInfo
from storage.reviews import ReturnedNotice, ReviewTarget, Waiting
from storage.text import clean_text

log = logging.getLogger("bot.review")

# The longest comment a return takes (it goes into a chat message with the answer beside it).
COMMENT_LIMIT = 1000
# A return waits this long for its comment; after that the next message is ordinary again.
COMMENT_MINUTES = 60
# How many waiting answers /review lists (one button each).
QUEUE_LIMIT = 20


def may_review(actor: Actor | None) -> bool:
    """Coordinators and admins review answers; heads and members never do."""
    return actor is not None and actor.is_coordinator


def _reviewer(actor: Actor) -> None:
    """Refuse (and audit) anyone who may not review."""
    if not may_review(actor):
        log.warning("review refused to person %s", actor.person_id)
        raise Refused("not_reviewer", key="review.coordinators_only", audit=True, action="review")


@dataclass(frozen=True)
class QueueView:
    """The answers waiting for review, oldest first, and how many there are in all."""

    items: tuple[Waiting, ...]
    total: int


@dataclass(frozen=True)
class ReviewCard:
    """One answer to decide on: its item (answer, evidence, reviews) and what may be done."""

    target: ReviewTarget
    # Whether the round still takes answers, so that the answer may be returned for more.
    returnable: bool
    takes_answers_until: datetime


@dataclass(frozen=True)
class CommentAsked:
    """A return waits for the reviewer's comment on this item's answer."""

    report_id: int
    round: RoundInfo
    measure: MeasureRef
    division: DivisionRef
    limit: int


@dataclass(frozen=True)
class Decided:
    """A decision recorded: on which item, whom the return notice goes to, what is left."""

    decision: str
    round: RoundInfo
    measure: MeasureRef
    division: DivisionRef
    # People the return notice goes to (0 for an acceptance).
    notified: int
    # The oldest answer still waiting for review (None: none), and how many wait.
    next_report_id: int | None
    waiting: int


@dataclass(frozen=True)
class ReturnNotice:
    """What a return notice says, and until when the division can answer again."""

    notice: ReturnedNotice
    until: datetime


def _until(core: Core, round_: RoundInfo) -> datetime:
    """When the round stops taking answers (late ones included)."""
    return round_.closes_at + timedelta(days=core.rules.late_answer_days)


async def _target(session: AsyncSession, report_id: int) -> ReviewTarget:
    found = await store.target(session, report_id)
    if found is None:
        raise Refused("no_such_answer", key="refuse.bad_button", audit=True, action="review")
    return found


def _decidable(target: ReviewTarget, decision: str) -> None:
    """The answer counts, and the decision would change its state."""
    if not target.counts:
        raise Refused("superseded", key="review.superseded")
    answer = target.item.answer
    if answer is not None and answer.review_state == decision:
        raise Refused(f"already_{decision}", key=f"review.already_{decision}")


async def review_queue(core: Core, actor: Actor) -> QueueView:
    """/review: the current plan's answers nobody has reviewed, oldest first."""
    _reviewer(actor)
    async with core.uow() as uow:
        plan = await current_plan(uow.session, core.today())
        if plan is None:
            raise Refused("no_round", key="summary.no_round")
        items, total = await store.waiting(uow.session, plan.id, QUEUE_LIMIT)
    return QueueView(tuple(items), total)


async def open_answer(core: Core, actor: Actor, report_id: int) -> ReviewCard:
    """An answer with its evidence and review trail, to accept or return (counting ones only)."""
    _reviewer(actor)
    async with core.uow() as uow:
        target = await _target(uow.session, report_id)
    if not target.counts:
        raise Refused("superseded", key="review.superseded")
    returnable = accepts_answers(target.round, core.now(), core.rules.late_answer_days)
    return ReviewCard(target, returnable, _until(core, target.round))


async def _next(session: AsyncSession, plan_id: int) -> tuple[int | None, int]:
    items, total = await store.waiting(session, plan_id, 1)
    return (items[0].report_id if items else None), total


def _detail(target: ReviewTarget) -> dict[str, object]:
    """What the audit log keeps of the answer a decision was about."""
    item = target.item
    return {
        "report_id": target.report_id,
        "round": target.round.key,
        "measure": item.measure.seq,
        "division": item.division.code,
    }


async def accept(core: Core, actor: Actor, report_id: int) -> Decided:
    """Record that the answer is accepted; audited."""
    _reviewer(actor)
    now = core.now()
    async with core.uow() as uow:
        s = uow.session
        target = await _target(s, report_id)
        _decidable(target, ACCEPTED)
        await store.add_review(
            s, report_id, ACCEPTED, comment="", reviewer_id=actor.person_id, at=now
        )
        await store.drop_pending(s, actor.person_id)
        await audit.record(
            s,
            audit.REVIEW_ACCEPTED,
            actor_person_id=actor.person_id,
            detail=_detail(target),
            at=now,
        )
        next_id, left = await _next(s, target.round.plan_id)
    log.info("answer %s accepted by person %s", report_id, actor.person_id)
    item = target.item
    return Decided(ACCEPTED, target.round, item.measure, item.division, 0, next_id, left)


async def ask_comment(core: Core, actor: Actor, report_id: int) -> CommentAsked:
    """Start returning the answer: the reviewer's next message will be the comment."""
    _reviewer(actor)
    now = core.now()
    async with core.uow() as uow:
        target = await _target(uow.session, report_id)
        _returnable(core, target, now)
        await store.set_pending(uow.session, actor.person_id, report_id, now)
    item = target.item
    return CommentAsked(report_id, target.round, item.measure, item.division, COMMENT_LIMIT)


def _returnable(core: Core, target: ReviewTarget, now: datetime) -> None:
    _decidable(target, RETURNED)
    if not accepts_answers(target.round, now, core.rules.late_answer_days):
        raise Refused("review_closed", key="review.closed")


async def cancel_comment(core: Core, actor: Actor) -> None:
    """Stop waiting for the comment (the answer is not returned)."""
    _reviewer(actor)
    async with core.uow() as uow:
        if not await store.drop_pending(uow.session, actor.person_id):
            raise Refused("no_comment", key="review.no_comment")


def _fresh(started_at: datetime, now: datetime) -> bool:
    return now - started_at < timedelta(minutes=COMMENT_MINUTES)


async def pending_comment(core: Core, actor: Actor) -> int | None:
    """The answer whose return waits for this person's comment (None: nothing waits).

    A wait that lapsed is dropped, so that the message goes where it would have gone.
    """
    if not may_review(actor):
        return None
    async with core.uow() as uow:
        pending = await store.get_pending(uow.session, actor.person_id)
        if pending is None:
            return None
        if not _fresh(pending.started_at, core.now()):
            await store.drop_pending(uow.session, actor.person_id)
            return None
        return pending.report_id


def _comment(text: str | None) -> str:
    words = clean_text(text or "").strip()
    if not words:
        raise Refused("comment_text", key="review.comment_text")
    if len(words) > COMMENT_LIMIT:
        raise Refused("comment_long", key="review.comment_long", limit=COMMENT_LIMIT)
    return words


async def give_comment(core: Core, actor: Actor, text: str | None) -> Decided:
    """Return the waiting answer with this comment: the review, its audit, the notices."""
    _reviewer(actor)
    now = core.now()
    async with core.uow() as uow:
        s = uow.session
        pending = await store.get_pending(s, actor.person_id)
        if pending is None or not _fresh(pending.started_at, now):
            raise Refused("no_comment", key="review.no_comment")
        comment = _comment(text)
        target = await _target(s, pending.report_id)
        await store.drop_pending(s, actor.person_id)
        try:
            _returnable(core, target, now)
        except Refused:
            await uow.commit()  # it can never be returned now: stop waiting, then say why
            raise
        review_id = await store.add_review(
            s, target.report_id, RETURNED, comment=comment, reviewer_id=actor.person_id, at=now
        )
        item = target.item
        notified = await store.record_return_notices(
            s,
            review_id,
            target.round.id,
            item.division.id,
            due_at=now,
            stale_at=_until(core, target.round),
        )
        await audit.record(
            s,
            audit.REVIEW_RETURNED,
            actor_person_id=actor.person_id,
            detail={**_detail(target), "notified": notified},
            note=comment,
            at=now,
        )
        next_id, left = await _next(s, target.round.plan_id)
    log.info("answer %s returned by person %s", target.report_id, actor.person_id)
    return Decided(RETURNED, target.round, item.measure, item.division, notified, next_id, left)


async def return_notice(core: Core, delivery: DueDelivery) -> ReturnNotice | None:
    """What a return notice says as it is sent; None when its review is gone."""
    review_id = store.review_of_key(delivery.key)
    if review_id is None:
        return None
    async with core.uow() as uow:
        notice = await store.returned_notice(uow.session, review_id, delivery.person_id)
    return ReturnNotice(notice, _until(core, notice.round)) if notice is not None else None
