"""Follow-up over time: meetings, rounds, what each division owes, deliveries, answers, drafts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.models.people import Person
from storage.models.plan import Division, Measure, Plan
from storage.types import UTCDateTime, utcnow

ROUND_KINDS = ("monthly", "quarterly")
STATUSES = ("done", "in_progress", "not_started", "problem")
DELIVERY_STATES = ("pending", "sent", "skipped", "failed")


class Meeting(Base):
    """A monthly heads-of-division meeting; from the plan's rule unless a coordinator set it."""

    __tablename__ = "meeting"
    # The tick looks for plans still running by their meetings too (a meeting moved by hand).
    __table_args__ = (
        UniqueConstraint("plan_id", "month"),
        Index("ix_meeting_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    # The first day of the month the meeting belongs to (its reporting month).
    month: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Round(Base):
    """One follow-up round: a monthly meeting's, or one fiscal quarter's evaluation."""

    __tablename__ = "round"
    # The current round is found by time: without these indexes that query scans every round.
    __table_args__ = (
        UniqueConstraint("plan_id", "key"),
        Index("ix_round_closes_at", "closes_at"),
        Index("ix_round_opens_at", "opens_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    kind: Mapped[str] = mapped_column(String(16))
    # "2565-01" (B.E. year and month of the meeting) or "2565-Q1" (fiscal quarter).
    key: Mapped[str] = mapped_column(String(16))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), nullable=True)
    covers_start: Mapped[date] = mapped_column(Date)
    covers_end: Mapped[date] = mapped_column(Date)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[Plan] = relationship()
    items: Mapped[list[RoundItem]] = relationship(back_populates="round", order_by="RoundItem.id")


class RoundItem(Base):
    """One measure one division owes in a round (frozen when the round is created)."""

    __tablename__ = "round_item"
    __table_args__ = (UniqueConstraint("round_id", "measure_id", "division_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id"))
    division_id: Mapped[int] = mapped_column(ForeignKey("division.id"), index=True)

    round: Mapped[Round] = relationship(back_populates="items")
    measure: Mapped[Measure] = relationship()
    division: Mapped[Division] = relationship()


class Delivery(Base):
    """One notification with its natural key; intent is written before the send, the id after."""

    __tablename__ = "delivery"
    __table_args__ = (
        Index("ix_delivery_due", "state", "due_at"),
        # Only the pending ones, however many were sent before: what the tick reads each time
        # (its queries write 'pending' into the SQL so that both databases can use it).
        Index(
            "ix_delivery_pending",
            "due_at",
            sqlite_where=text("state = 'pending'"),
            postgresql_where=text("state = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # kind:round:division:person:slot — unique, so a notification can never be recorded twice.
    key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id"), nullable=True, index=True)
    division_id: Mapped[int | None] = mapped_column(ForeignKey("division.id"), nullable=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Past this moment the message is stale (e.g. a prompt after the meeting): skipped, not sent.
    stale_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Set just before the request leaves; a crash between this and `sent_at` is the
    # one ambiguous window (the message may or may not have reached Telegram).
    sending_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship()


class Report(Base):
    """One confirmed answer for a measure in a round; never updated, only superseded."""

    __tablename__ = "report"
    __table_args__ = (Index("ix_report_item", "round_id", "measure_id", "division_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id"))
    division_id: Mapped[int] = mapped_column(ForeignKey("division.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    status: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    # Copied forward from the previous round ("no change since last month").
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"), nullable=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="report", order_by="Evidence.id", cascade="all, delete-orphan"
    )


class Evidence(Base):
    """A photo, document, video, voice note or link attached to an answer.

    A file is archived under EVIDENCE_DIR by its SHA-256 (`sha256`, see EvidenceBlob) after
    the answer is confirmed; until then `fetch_state` is `pending` and the tick retries.
    """

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_fetch", "fetch_state", "fetch_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # photo | document | video | voice | link
    file_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    file_unique_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    file_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    mime_type: Mapped[str | None] = mapped_column(String(128), nullable=True)
    file_size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Who sent the file and when it reached the bot (carried answers keep the first sender's).
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # none (a link) | pending | archived | lost (Telegram no longer has it); see storage.evidence.
    fetch_state: Mapped[str] = mapped_column(String(16), default="none")
    fetch_attempts: Mapped[int] = mapped_column(Integer, default=0)
    fetch_after: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    fetch_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    sha256: Mapped[str | None] = mapped_column(
        ForeignKey("evidence_blob.sha256"), nullable=True, index=True
    )

    report: Mapped[Report] = relationship(back_populates="evidence")


class EvidenceBlob(Base):
    """One archived file, stored once however many answers carry it (named by its SHA-256)."""

    __tablename__ = "evidence_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(128))
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Draft(Base):
    """A half-finished answer; lives in the database so that a restart loses nothing."""

    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id"))
    division_id: Mapped[int] = mapped_column(ForeignKey("division.id"))
    # What the bot waits for next: a value of bot.usecases.drafts.DraftStep
    # (text | evidence | carry_confirm); the state machine there decides every change.
    step: Mapped[str] = mapped_column(String(16), default="text")
    status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
