"""Reviews as rows: decisions, the return waiting for its comment, the queue, return notices.

Queries only: who may review, and when an answer may be returned, is decided in
bot/usecases/reviews.py. A return's notice is recorded here as `delivery` rows (kind
RETURN_NOTICE, one per head and member of the division, keyed by the review), in the same
transaction as the review; the scheduler's tick sends them like every other notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.counting import division_ref, item_answers, latest_report_id, measure_ref
from storage.deliveries import DIVISION_ROLES, Intent, add_intents
from storage.keys import delivery_key
from storage.models import (
    Division,
    Measure,
    Membership,
    PendingReview,
    Person,
    Report,
    Review,
    RoundItem,
)
from storage.read_models import DivisionRef, ItemAnswer, MeasureRef, ReviewEvent, RoundInfo
from storage.review_trail import event_of
from storage.summary import plan_rounds, round_by_id

# The delivery kind of the notice a returned answer sends its division.
RETURN_NOTICE = "review_returned"
_SLOT = "review-"


@dataclass(frozen=True)
class ReviewTarget:
    """An answer asked about for review, with its item as the summary shows it."""

    report_id: int
    round: RoundInfo
    # The item with the answer that counts now (its evidence, newest review and trail).
    item: ItemAnswer

    @property
    def counts(self) -> bool:
        """Whether the answer is the one that counts for its item (not superseded)."""
        return self.item.answer is not None and self.item.answer.report_id == self.report_id


async def target(session: AsyncSession, report_id: int) -> ReviewTarget | None:
    """The answer by id with its item; None when there is no such answer."""
    report = await session.get(Report, report_id)
    round_ = await round_by_id(session, report.round_id) if report is not None else None
    if report is None or round_ is None:
        return None
    items = await item_answers(
        session, [round_], measure_id=report.measure_id, division_ids=[report.division_id]
    )
    return ReviewTarget(report_id, round_, items[0]) if items else None


async def add_review(
    session: AsyncSession,
    report_id: int,
    decision: str,
    *,
    comment: str,
    reviewer_id: int,
    at: datetime,
) -> int:
    """Record one decision on an answer; returns the review's id."""
    review = Review(
        report_id=report_id, decision=decision, comment=comment, reviewer_id=reviewer_id, at=at
    )
    session.add(review)
    await session.flush()
    return review.id


async def get_pending(session: AsyncSession, person_id: int) -> PendingReview | None:
    """The return waiting for this person's comment, if any."""
    return await session.scalar(select(PendingReview).where(PendingReview.person_id == person_id))


async def set_pending(session: AsyncSession, person_id: int, report_id: int, at: datetime) -> None:
    """Wait for this person's comment on returning `report_id` (replacing another wait)."""
    await drop_pending(session, person_id)
    session.add(PendingReview(person_id=person_id, report_id=report_id, started_at=at))
    await session.flush()


async def drop_pending(session: AsyncSession, person_id: int) -> bool:
    """Stop waiting for this person's comment; whether there was a wait."""
    done = delete(PendingReview).where(PendingReview.person_id == person_id)
    result = await session.execute(done)
    return bool(getattr(result, "rowcount", 0))


@dataclass(frozen=True)
class Waiting:
    """An answer that counts and nobody has reviewed: one line of /review."""

    report_id: int
    round: RoundInfo
    measure: MeasureRef
    division: DivisionRef
    person_name: str
    answered_at: datetime


async def waiting(session: AsyncSession, plan_id: int, limit: int) -> tuple[list[Waiting], int]:
    """The plan's counting answers nobody has reviewed, oldest first (at most `limit`); total."""
    rounds = {r.id: r for r in await plan_rounds(session, plan_id)}
    if not rounds:
        return [], 0
    counting = (
        select(latest_report_id())
        .select_from(RoundItem)
        .where(RoundItem.round_id.in_(list(rounds)))
    )
    wanted = (Report.id.in_(counting), ~exists().where(Review.report_id == Report.id))
    total = await session.scalar(select(func.count(Report.id)).where(*wanted))
    q = (
        select(Report, Measure, Division, Person.name)
        .join(Measure, Measure.id == Report.measure_id)
        .join(Division, Division.id == Report.division_id)
        .join(Person, Person.id == Report.person_id)
        .where(*wanted)
        .order_by(Report.created_at, Report.id)
        .limit(limit)
    )
    found = [
        Waiting(r.id, rounds[r.round_id], measure_ref(m), division_ref(d), name, r.created_at)
        for r, m, d, name in (await session.execute(q)).all()
    ]
    return found, int(total or 0)


def review_slot(review_id: int) -> str:
    """The slot of a return notice's key: one notice per review and person."""
    return f"{_SLOT}{review_id}"


def review_of_key(key: str) -> int | None:
    """The review a return notice's key names (None: not a return notice's key)."""
    slot = key.rsplit(":", 1)[-1]
    number = slot.removeprefix(_SLOT)
    return int(number) if slot.startswith(_SLOT) and number.isdigit() else None


async def division_people(session: AsyncSession, division_id: int) -> list[tuple[int, int]]:
    """(person id, chat id) of the division's active heads and members, each once."""
    q = (
        select(Person.id, Person.chat_id)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.division_id == division_id,
            Membership.revoked_at.is_(None),
            Membership.role.in_(DIVISION_ROLES),
        )
        .distinct()
        .order_by(Person.id)
    )
    return [(pid, chat) for pid, chat in (await session.execute(q)).all()]


async def record_return_notices(
    session: AsyncSession,
    review_id: int,
    round_id: int,
    division_id: int,
    *,
    due_at: datetime,
    stale_at: datetime,
) -> int:
    """One pending notice of the return to each head and member of the division; how many.

    Keyed by the review: recorded once however often this runs, sent once by the tick.
    """
    people = await division_people(session, division_id)
    slot = review_slot(review_id)
    intents = [
        Intent(
            key=delivery_key(RETURN_NOTICE, round_id, division_id, pid, slot=slot),
            kind=RETURN_NOTICE,
            round_id=round_id,
            division_id=division_id,
            person_id=pid,
            chat_id=chat,
            due_at=due_at,
            stale_at=stale_at,
        )
        for pid, chat in people
    ]
    await add_intents(session, intents)
    return len(people)


@dataclass(frozen=True)
class ReturnedNotice:
    """What a return notice says: the item, the review with its comment, the recipient."""

    round: RoundInfo
    measure: MeasureRef
    division: DivisionRef
    review: ReviewEvent
    person_name: str | None


async def returned_notice(
    session: AsyncSession, review_id: int, person_id: int
) -> ReturnedNotice | None:
    """The return notice of a review as it is sent; None when the review is gone."""
    reviewer, author = aliased(Person), aliased(Person)
    row = (
        await session.execute(
            select(Review, Report, reviewer.name, author.name, Measure, Division)
            .join(Report, Report.id == Review.report_id)
            .join(reviewer, reviewer.id == Review.reviewer_id)
            .join(author, author.id == Report.person_id)
            .join(Measure, Measure.id == Report.measure_id)
            .join(Division, Division.id == Report.division_id)
            .where(Review.id == review_id)
        )
    ).first()
    if row is None:
        return None
    review, report, reviewer_name, author_name, measure, division = row
    round_ = await round_by_id(session, report.round_id)
    if round_ is None:
        return None
    person = await session.get(Person, person_id)
    return ReturnedNotice(
        round=round_,
        measure=measure_ref(measure),
        division=division_ref(division),
        review=event_of(review, report, reviewer_name, author_name),
        person_name=person.name if person is not None else None,
    )
