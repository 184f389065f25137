"""The plan as the coordinator wrote it: organization, divisions, measures, assessment."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.types import UTCDateTime, utcnow


class Organization(Base):
    """A municipality (or any body that owns plans and divisions)."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_th: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")

    divisions: Mapped[list[Division]] = relationship(
        back_populates="organization", order_by="Division.id"
    )


class Division(Base):
    """A responsible unit (สำนัก/กอง). Removed from the plan file means inactive, never deleted."""

    __tablename__ = "division"
    __table_args__ = (UniqueConstraint("organization_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    code: Mapped[str] = mapped_column(String(32))
    name_th: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")
    in_all: Mapped[bool] = mapped_column(Boolean, default=True)
    example: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Where the plan file lists it: reports and views show divisions as the organisation does.
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    organization: Mapped[Organization] = relationship(back_populates="divisions")


class Plan(Base):
    """One fiscal year's measures (the seed is ita-2565)."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title_th: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text, default="")
    fiscal_year_be: Mapped[int] = mapped_column(Integer)
    meeting_name_th: Mapped[str] = mapped_column(String(255))
    meeting_name_en: Mapped[str] = mapped_column(String(255), default="")
    meeting_rule: Mapped[str] = mapped_column(String(64))
    assessment_total: Mapped[float | None] = mapped_column(Float, nullable=True)
    assessment_level: Mapped[str | None] = mapped_column(String(8), nullable=True)
    source_file: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship()
    indicators: Mapped[list[AssessmentIndicator]] = relationship(
        back_populates="plan", order_by="AssessmentIndicator.seq", cascade="all, delete-orphan"
    )
    measures: Mapped[list[Measure]] = relationship(back_populates="plan", order_by="Measure.seq")


class AssessmentIndicator(Base):
    """One ITA indicator score (IIT, EIT or OIT) that the plan answers."""

    __tablename__ = "assessment_indicator"
    __table_args__ = (UniqueConstraint("plan_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    seq: Mapped[int] = mapped_column(Integer)
    tool: Mapped[str] = mapped_column(String(8))
    name_th: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")
    score: Mapped[float] = mapped_column(Float)

    plan: Mapped[Plan] = relationship(back_populates="indicators")


class Measure(Base):
    """A measure (มาตรการ/แนวทาง) with its period and follow-up cadence."""

    __tablename__ = "measure"
    # The tick looks for plans still running by their measures' end (scheduler.tick).
    __table_args__ = (
        UniqueConstraint("plan_id", "seq"),
        Index("ix_measure_period_end", "period_end"),
        # /history finds the same measure in other plan years by its key.
        Index("ix_measure_key", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    seq: Mapped[int] = mapped_column(Integer)
    # Stable across plan years (the plan file's `key`, else "m<seq>"): one measure's history.
    key: Mapped[str] = mapped_column(String(64), default="", server_default="")
    title_th: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text, default="")
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    period_text_th: Mapped[str] = mapped_column(String(255), default="")
    followup_cadence: Mapped[str] = mapped_column(String(32))
    followup_text_th: Mapped[str] = mapped_column(Text, default="")
    responsible_all: Mapped[bool] = mapped_column(Boolean, default=False)
    indicator_seqs: Mapped[list[int]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    plan: Mapped[Plan] = relationship(back_populates="measures")
    actions: Mapped[list[MeasureAction]] = relationship(
        back_populates="measure", order_by="MeasureAction.seq", cascade="all, delete-orphan"
    )
    responsibilities: Mapped[list[MeasureResponsibility]] = relationship(
        back_populates="measure", cascade="all, delete-orphan"
    )


class MeasureAction(Base):
    """One numbered วิธีดำเนินการ of a measure, verbatim."""

    __tablename__ = "measure_action"
    __table_args__ = (UniqueConstraint("measure_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    text_th: Mapped[str] = mapped_column(Text)

    measure: Mapped[Measure] = relationship(back_populates="actions")


class MeasureResponsibility(Base):
    """Which division answers for which measure (ALL is expanded at import)."""

    __tablename__ = "measure_responsibility"

    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True
    )
    division_id: Mapped[int] = mapped_column(ForeignKey("division.id"), primary_key=True)

    measure: Mapped[Measure] = relationship(back_populates="responsibilities")
    division: Mapped[Division] = relationship()
