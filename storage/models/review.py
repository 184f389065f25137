"""Reviews of answers: a coordinator accepts an answer or returns it for more, with a comment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime, utcnow

# accepted: รับทราบ/ผ่าน; returned: ขอข้อมูลเพิ่มเติม (the division is asked to answer again).
DECISIONS = ("accepted", "returned")


class Review(Base):
    """One decision on one answer; never updated (a later decision on the same answer wins)."""

    __tablename__ = "review"
    # An answer's reviews, newest last: what the counting rule and every view look up.
    __table_args__ = (Index("ix_review_report", "report_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    decision: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PendingReview(Base):
    """A return waiting for its comment, typed as the reviewer's next message (restart-safe)."""

    __tablename__ = "review_pending"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
