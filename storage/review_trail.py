"""The reviews of a round's answers, as read models: each item's review trail.

Read beside the counting answers (storage.counting): one statement for every review of the
rounds asked about, whoever gave the answer and whoever reviewed it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Person, Report, Review
from storage.read_models import ReviewEvent

# (round id, measure id, division id): one owed item.
ItemKey = tuple[int, int, int]


def report_key(report: Report) -> ItemKey:
    """The item an answer belongs to."""
    return (report.round_id, report.measure_id, report.division_id)


def event_of(review: Review, report: Report, reviewer: str, author: str) -> ReviewEvent:
    """A review row and its answer as a ReviewEvent."""
    return ReviewEvent(
        review_id=review.id,
        report_id=report.id,
        decision=review.decision,
        comment=review.comment,
        reviewer_name=reviewer,
        at=review.at,
        status=report.status,
        text=report.text,
        person_name=author,
        answered_at=report.created_at,
    )


async def review_events(
    session: AsyncSession,
    round_ids: Collection[int],
    *,
    measure_id: int | None = None,
    division_ids: Collection[int] | None = None,
    report_ids: Collection[int] | None = None,
) -> dict[ItemKey, list[ReviewEvent]]:
    """Every review of the rounds' answers (optionally one measure, some divisions), per item.

    Oldest first within an item.
    """
    if not round_ids:
        return {}
    reviewer, author = aliased(Person), aliased(Person)
    q = (
        select(Review, Report, reviewer.name, author.name)
        .join(Report, Report.id == Review.report_id)
        .join(reviewer, reviewer.id == Review.reviewer_id)
        .join(author, author.id == Report.person_id)
        .where(Report.round_id.in_(list(round_ids)))
        .order_by(Review.id)
    )
    if measure_id is not None:
        q = q.where(Report.measure_id == measure_id)
    if division_ids is not None:
        q = q.where(Report.division_id.in_(list(division_ids)))
    if report_ids is not None:
        q = q.where(Report.id.in_(list(report_ids)))
    found: dict[ItemKey, list[ReviewEvent]] = {}
    for review, report, reviewer_name, author_name in (await session.execute(q)).all():
        event = event_of(review, report, reviewer_name, author_name)
        found.setdefault(report_key(report), []).append(event)
    return found


def split_trail(
    report_id: int, events: Sequence[ReviewEvent]
) -> tuple[ReviewEvent | None, tuple[ReviewEvent, ...]]:
    """An answer's newest review, and every other review of its item (oldest first)."""
    own = [e for e in events if e.report_id == report_id]
    latest = own[-1] if own else None
    return latest, tuple(e for e in events if e is not latest)


def latest_by_report(events: dict[ItemKey, list[ReviewEvent]]) -> dict[int, ReviewEvent]:
    """Each reviewed answer's newest review, by report id."""
    latest: dict[int, ReviewEvent] = {}
    for item in events.values():
        for event in item:  # oldest first: the last one seen wins
            latest[event.report_id] = event
    return latest


async def newest_review(session: AsyncSession, report: Report) -> ReviewEvent | None:
    """An answer's newest review (None: not reviewed)."""
    events = await review_events(session, [report.round_id], report_ids=[report.id])
    return latest_by_report(events).get(report.id)
