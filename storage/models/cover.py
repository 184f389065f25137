"""Escalation and stand-ins: which divisions a supervisor oversees, and who stands in for a head."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime, utcnow


class Oversight(Base):
    """One division a supervisor's role oversees; no division means every division.

    It belongs to the supervisor's membership: revoking the role ends the oversight too.
    """

    __tablename__ = "oversight"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    division_id: Mapped[int | None] = mapped_column(ForeignKey("division.id"), nullable=True)


class StandIn(Base):
    """A head away for a range of local days, and the person of the division who stands in.

    `starts_at` and `ends_at` are the local midnights that bound the days (UTC-aware), so that
    the delivery path can compare them with `now` without knowing the zone.
    """

    __tablename__ = "stand_in"
    __table_args__ = (Index("ix_stand_in_ends_at", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    head_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    stand_in_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    division_id: Mapped[int] = mapped_column(ForeignKey("division.id"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    via: Mapped[str] = mapped_column(String(8), default="bot")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), nullable=True)
