"""People, their roles in divisions, one-time invitations, and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.models.plan import Division
from storage.types import UTCDateTime, utcnow

# Appended, never inserted: /invite buttons carry a role by its index here.
ROLES = ("admin", "coordinator", "head", "member", "supervisor")
# Roles that see and manage every division; the others act for their own division only.
ORG_WIDE_ROLES = ("admin", "coordinator")
# Oversees some divisions (or all): sees their summaries, is told when they stay silent.
SUPERVISOR = "supervisor"


class Person(Base):
    """A Telegram user who was enrolled with an invitation."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(255))
    username: Mapped[str | None] = mapped_column(String(64), nullable=True)
    language: Mapped[str] = mapped_column(String(8), default="th")
    # Set when Telegram answered 403 (blocked or deleted); cleared when the person writes again.
    unreachable_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="person", foreign_keys="Membership.person_id", order_by="Membership.id"
    )


class Membership(Base):
    """One role of one person, in one division (none for admin and coordinator)."""

    __tablename__ = "membership"
    __table_args__ = (Index("ix_membership_division_active", "division_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    division_id: Mapped[int | None] = mapped_column(ForeignKey("division.id"), nullable=True)
    role: Mapped[str] = mapped_column(String(16))
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invite.id"), nullable=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), nullable=True)

    person: Mapped[Person] = relationship(back_populates="memberships", foreign_keys=[person_id])
    division: Mapped[Division | None] = relationship()


class Invite(Base):
    """A one-time enrolment token; only its SHA-256 hash is stored."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    division_id: Mapped[int | None] = mapped_column(ForeignKey("division.id"), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A supervisor invitation's divisions: a list of division ids, or None for every division.
    oversees: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)

    division: Mapped[Division | None] = relationship()


class AuditEvent(Base):
    """Who did what, when: enrolments, revocations, refused tokens and refused actions."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(64))
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
