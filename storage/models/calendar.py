"""The municipality's own calendar: special non-working days no holiday library knows."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime, utcnow


class SpecialHoliday(Base):
    """A non-working day declared locally (a cabinet resolution, a provincial day, a closure).

    Organization-wide, like the public holidays it adds to: every plan's working days skip it.
    """

    __tablename__ = "special_holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(255))
    # "command line" or "plan <code>": a plan's re-import updates or drops only its own days.
    source: Mapped[str] = mapped_column(String(80), default="command line")
    # Who added it (the operator at the command line, or the plan file's path).
    added_by: Mapped[str] = mapped_column(String(255), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
