"""Evidence rows on their way to the archive: due fetches, claims, outcomes, and reading back.

States of a file's row: pending -> archived | lost. A fetch is claimed by moving its
`fetch_after` past a lease and counting the attempt in one conditional UPDATE, so two ticks
(or two processes) never download the same row at once; a claim whose process died simply
expires and the row is fetched again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.inserts import dialect_insert
from storage.models import Division, Evidence, EvidenceBlob, Measure, Report

PENDING, ARCHIVED, LOST = "pending", "archived", "lost"


@dataclass(frozen=True)
class FetchJob:
    """One file to download: its row, Telegram's ids for it, and how often it was tried."""

    evidence_id: int
    file_id: str
    file_unique_id: str | None
    kind: str
    mime_type: str | None
    attempts: int


@dataclass(frozen=True)
class EvidenceFile:
    """An attachment as the chat and the pack read it back."""

    evidence_id: int
    report_id: int
    kind: str
    file_name: str | None
    media_type: str | None
    url: str | None
    state: str
    sha256: str | None
    received_at: datetime | None


async def due_fetches(session: AsyncSession, now: datetime, limit: int = 20) -> list[FetchJob]:
    """Pending files whose next try is due, oldest first."""
    rows = await session.execute(
        select(
            Evidence.id,
            Evidence.file_id,
            Evidence.file_unique_id,
            Evidence.kind,
            Evidence.mime_type,
            Evidence.fetch_attempts,
        )
        .where(Evidence.fetch_state == PENDING, Evidence.fetch_after <= now)
        .order_by(Evidence.fetch_after, Evidence.id)
        .limit(limit)
    )
    return [FetchJob(r[0], r[1] or "", r[2], r[3], r[4], r[5]) for r in rows]


async def claim_fetch(session: AsyncSession, job: FetchJob, until: datetime) -> bool:
    """Take the fetch until `until` and count the attempt; False if someone else took it."""
    result = await session.execute(
        update(Evidence)
        .where(
            Evidence.id == job.evidence_id,
            Evidence.fetch_state == PENDING,
            Evidence.fetch_attempts == job.attempts,
        )
        .values(fetch_after=until, fetch_attempts=job.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


async def archived_as(session: AsyncSession, file_unique_id: str | None) -> str | None:
    """The hash of a file Telegram knows by this unique id, if one is archived already."""
    if not file_unique_id:
        return None
    return await session.scalar(
        select(Evidence.sha256)
        .where(Evidence.file_unique_id == file_unique_id, Evidence.fetch_state == ARCHIVED)
        .limit(1)
    )


async def mark_archived(
    session: AsyncSession, evidence_id: int, sha256: str, size: int, media_type: str, at: datetime
) -> None:
    """Record the file as archived (its blob row once, however many answers carry it)."""
    values = {"sha256": sha256, "size": size, "media_type": media_type, "stored_at": at}
    await session.execute(
        dialect_insert(session, EvidenceBlob).values(values).on_conflict_do_nothing()
    )
    await session.execute(
        update(Evidence)
        .where(Evidence.id == evidence_id)
        .values(sha256=sha256, fetch_state=ARCHIVED, fetch_after=None, fetch_error=None)
        .execution_options(synchronize_session=False)
    )


async def mark_fetch_failed(
    session: AsyncSession, evidence_id: int, error: str, retry_at: datetime | None
) -> None:
    """Record a failed download: try again at `retry_at`, or give up (None: lost)."""
    values: dict[str, object] = {"fetch_error": error[:200], "fetch_after": retry_at}
    if retry_at is None:
        values["fetch_state"] = LOST
    await session.execute(
        update(Evidence)
        .where(Evidence.id == evidence_id, Evidence.fetch_state == PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _file(e: Evidence) -> EvidenceFile:
    return EvidenceFile(
        e.id,
        e.report_id,
        e.kind,
        e.file_name,
        e.mime_type,
        e.url,
        e.fetch_state,
        e.sha256,
        e.received_at,
    )


async def report_files(session: AsyncSession, report_id: int) -> list[EvidenceFile]:
    """One answer's attachments, in the order they were sent."""
    rows = await session.scalars(
        select(Evidence).where(Evidence.report_id == report_id).order_by(Evidence.id)
    )
    return [_file(e) for e in rows]


@dataclass(frozen=True)
class ReportOwner:
    """Whose answer a report is: its division (for authorization) and measure."""

    report_id: int
    division_id: int
    division_code: str
    measure_seq: int
    created_at: datetime


async def report_owner(session: AsyncSession, report_id: int) -> ReportOwner | None:
    """The division and measure a report belongs to (None: no such report)."""
    row = (
        await session.execute(
            select(Report.id, Report.division_id, Division.code, Measure.seq, Report.created_at)
            .join(Division, Division.id == Report.division_id)
            .join(Measure, Measure.id == Report.measure_id)
            .where(Report.id == report_id)
        )
    ).first()
    return ReportOwner(*row) if row else None


async def all_archived(session: AsyncSession) -> Sequence[str]:
    """Every archived file's hash the database knows (for backups and checks)."""
    return list(await session.scalars(select(EvidenceBlob.sha256).order_by(EvidenceBlob.sha256)))
