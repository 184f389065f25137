"""Telegram updates already taken by a replica, so that a re-delivered one is not handled twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class ProcessedUpdate(Base):
    """One update id, claimed when a replica takes it; kept a day (storage/updates.py)."""

    __tablename__ = "processed_update"
    __table_args__ = (Index("ix_processed_update_chat", "chat_id", "update_id"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The chat the update came from (None: an update without one); orders a chat's updates.
    chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # None while a replica is handling it (or was killed doing so).
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
