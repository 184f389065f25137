"""Delivery records: intents written once by natural key, then sending, sent, retry or skipped.

States: pending -> sent | skipped | failed. `sending_since` is set (and committed) just before
a send leaves; a pending row that still carries it was in flight when the process stopped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import String, and_, exists, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.inserts import insert_new
from storage.models import ORG_WIDE_ROLES, SUPERVISOR, Delivery, Membership, Person
from storage.oversight import ESCALATION
from storage.standins import AWAY_REASON, away_now

# The roles a notice was recorded for: a division's notices go to its heads and members,
# the others (digests) to coordinators and admins, escalations to supervisors. The same
# audiences as scheduler/sync.py and scheduler/escalation.py.
DIVISION_ROLES = ("head", "member")

NO_LONGER_HOLDS = "skipped: the recipient no longer holds the role the notice was meant for"


@dataclass(frozen=True)
class Intent:
    """A notification to record once: its natural key and where and when it goes."""

    key: str
    kind: str
    round_id: int | None
    division_id: int | None
    person_id: int
    chat_id: int
    due_at: datetime
    stale_at: datetime | None
    state: str = "pending"
    last_error: str = ""


# 'pending' as a literal in the SQL, not a bound parameter: only then can SQLite, and
# PostgreSQL's generic plans, use the partial index of pending deliveries (ix_delivery_pending),
# whose size follows the open work however many deliveries were sent before.
PENDING = literal("pending", String(16), literal_execute=True)
# Rows (or keys) per statement: asyncpg takes at most 32,767 parameters in one statement, and
# an intent is 10 of them; 6,000 people asked at once would otherwise be 60,000.
CHUNK = 1000


async def add_intents(session: AsyncSession, intents: Sequence[Intent]) -> int:
    """Insert the intents whose key is new; returns how many were inserted.

    The keys already recorded are looked up first, so that a tick re-checking a notice that
    went out long ago (every tick while it is in reach) writes nothing.
    """
    if not intents:
        return 0
    known = await existing_keys(session, [i.key for i in intents])
    new = [i for i in intents if i.key not in known]
    inserted = 0
    for start in range(0, len(new), CHUNK):
        inserted += await _insert_new(session, new[start : start + CHUNK])
    return inserted


async def _insert_new(session: AsyncSession, intents: Sequence[Intent]) -> int:
    rows = [
        {
            "key": i.key,
            "kind": i.kind,
            "round_id": i.round_id,
            "division_id": i.division_id,
            "person_id": i.person_id,
            "chat_id": i.chat_id,
            "due_at": i.due_at,
            "stale_at": i.stale_at,
            "state": i.state,
            "last_error": i.last_error,
        }
        for i in intents
    ]
    # The unique key makes "record once" the database's job, even with two writers at once.
    stmt = insert_new(session, Delivery, key="key", returning="id")
    return len((await session.execute(stmt, rows)).all())


async def existing_keys(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of these keys are already recorded."""
    found: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        part = keys[start : start + CHUNK]
        found.update(await session.scalars(select(Delivery.key).where(Delivery.key.in_(part))))
    return found


async def skip_stale(session: AsyncSession, now: datetime) -> int:
    """Pending deliveries whose moment has passed become skipped, unsent; returns how many."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.state == PENDING, Delivery.stale_at.is_not(None))
        .where(Delivery.stale_at <= now)
        .values(state="skipped", last_error="stale: its moment passed before it was sent")
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class DueDelivery:
    """A pending delivery ready to go, with what the sender needs.

    The one record of a send: the tick reads it here, claims it, and hands the claimed copy
    (`claimed()`) to the sender, so the scheduler's `Outgoing` is this same type.
    """

    id: int
    key: str
    kind: str
    round_id: int | None
    division_id: int | None
    person_id: int
    chat_id: int
    language: str
    # As the row has them: read before the claim, this attempt's number once claimed.
    attempts: int
    # Set when an earlier send was interrupted (the process stopped mid-send).
    interrupted: bool

    @property
    def delivery_id(self) -> int:
        """The delivery's id (the sender's name for `id`)."""
        return self.id

    def claimed(self) -> DueDelivery:
        """The delivery as `begin_send` left it: one attempt more."""
        return replace(self, attempts=self.attempts + 1)


async def due_deliveries(
    session: AsyncSession, now: datetime, *, inflight_before: datetime, limit: int
) -> list[DueDelivery]:
    """Pending, due, not stale, to reachable people; in-flight ones only once `inflight_before`."""
    # Columns, not entities: a round's 600 rows are read before its first prompt can leave.
    q = (
        select(
            Delivery.id,
            Delivery.key,
            Delivery.kind,
            Delivery.round_id,
            Delivery.division_id,
            Delivery.person_id,
            Delivery.chat_id,
            Person.language,
            Delivery.attempts,
            Delivery.sending_since,
        )
        .join(Person, Person.id == Delivery.person_id)
        .where(Delivery.state == PENDING, Delivery.due_at <= now)
        .where(or_(Delivery.stale_at.is_(None), Delivery.stale_at > now))
        .where(or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now))
        .where(or_(Delivery.sending_since.is_(None), Delivery.sending_since <= inflight_before))
        .where(Person.unreachable_since.is_(None))
        .order_by(Delivery.due_at, Delivery.id)
        .limit(limit)
    )
    return [
        DueDelivery(
            id=r.id,
            key=r.key,
            kind=r.kind,
            round_id=r.round_id,
            division_id=r.division_id,
            person_id=r.person_id,
            chat_id=r.chat_id,
            language=r.language,
            attempts=r.attempts,
            interrupted=r.sending_since is not None,
        )
        for r in (await session.execute(q)).all()
    ]


async def recently_asked(
    session: AsyncSession, round_id: int, kinds: Sequence[str], since: datetime
) -> set[int]:
    """People whose request of these kinds for the round is pending or was sent since `since`."""
    q = select(Delivery.person_id).where(
        Delivery.round_id == round_id,
        Delivery.kind.in_(list(kinds)),
        or_(
            Delivery.state == "pending",
            and_(Delivery.state == "sent", Delivery.sent_at >= since),
        ),
    )
    return set((await session.scalars(q)).all())


async def begin_send(
    session: AsyncSession, delivery_id: int, now: datetime, seen_attempts: int
) -> bool:
    """Claim the send; False when the row is no longer as we read it.

    The claim is a compare-and-set on `attempts`: of two senders (a second replica, or a tick
    running late) that read the same pending row, only the first one's update matches.
    """
    # Checked in the same transaction as the claim, just before the send leaves: a person
    # removed after the notice was recorded gets nothing (and no stale division buttons).
    if not await _still_holds_role(session, delivery_id):
        await mark_final(session, delivery_id, "skipped", NO_LONGER_HOLDS)
        return False
    if await away_now(session, delivery_id, now):  # the stand-in gets the division's copy
        await mark_final(session, delivery_id, "skipped", AWAY_REASON)
        return False
    result = await session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.state == "pending",
            Delivery.attempts == seen_attempts,
        )
        .values(sending_since=now, attempts=Delivery.attempts + 1)
    )
    return bool(getattr(result, "rowcount", 0))


async def _still_holds_role(session: AsyncSession, delivery_id: int) -> bool:
    """Whether the delivery's recipient still has an active role of the notice's audience."""
    division_role = and_(
        Membership.division_id == Delivery.division_id, Membership.role.in_(DIVISION_ROLES)
    )
    org_role = and_(
        Delivery.division_id.is_(None),
        Delivery.kind != ESCALATION,
        Membership.role.in_(ORG_WIDE_ROLES),
    )
    supervisor = and_(Delivery.kind == ESCALATION, Membership.role == SUPERVISOR)
    holds = exists().where(
        Membership.person_id == Delivery.person_id,
        Membership.revoked_at.is_(None),
        or_(division_role, org_role, supervisor),
    )
    found = await session.scalar(select(holds).where(Delivery.id == delivery_id))
    return bool(found)


async def skip_revoked(session: AsyncSession, person_id: int | None = None) -> int:
    """Record pending deliveries whose recipient lost the role as skipped (one person's or all)."""
    q = select(Delivery.id).where(Delivery.state == PENDING)
    if person_id is not None:
        q = q.where(Delivery.person_id == person_id)
    pending = list(await session.scalars(q))
    skipped = 0
    for delivery_id in pending:
        if not await _still_holds_role(session, delivery_id):
            await mark_final(session, delivery_id, "skipped", NO_LONGER_HOLDS)
            skipped += 1
    return skipped


async def mark_sent(session: AsyncSession, delivery_id: int, message_id: int, at: datetime) -> None:
    """Telegram accepted the message: keep its id."""
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(state="sent", telegram_message_id=message_id, sent_at=at, last_error="")
    )


async def mark_retry(
    session: AsyncSession, delivery_id: int, next_attempt_at: datetime | None, error: str
) -> None:
    """The send did not go through; try again at `next_attempt_at` (None: when reachable)."""
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(sending_since=None, next_attempt_at=next_attempt_at, last_error=error[:2000])
    )


async def mark_final(session: AsyncSession, delivery_id: int, state: str, reason: str) -> None:
    """Close a delivery unsent: `skipped` (stale, already answered) or `failed`."""
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.state == "pending")
        .values(state=state, sending_since=None, last_error=reason[:2000])
    )


async def deliveries(
    session: AsyncSession, *, kind: str | None = None, state: str | None = None
) -> list[Delivery]:
    """Delivery rows (optionally of one kind and state), oldest first."""
    q = select(Delivery).order_by(Delivery.id)
    conditions = []
    if kind is not None:
        conditions.append(Delivery.kind == kind)
    if state is not None:
        conditions.append(Delivery.state == state)
    if conditions:
        q = q.where(and_(*conditions))
    return list(await session.scalars(q))
