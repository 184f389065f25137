"""Evidence files: archived after the answer is confirmed, and given back to who may see them.

The answer never waits for its files: `confirm` commits the answer with its files `pending`
and wakes the archiver; `archive_due` downloads what is due through a `Fetcher` (the channel
that received the files), keeps each file once by its SHA-256 and records it. A failed
download is tried again with a growing pause (a minute, doubling, at most an hour) until it
is archived; only a file Telegram says it no longer has is given up, after a few tries.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from bot.usecases.summaries import visible_divisions
from storage import evidence as store
from storage.blobs import BlobStore
from storage.people import Actor

log = logging.getLogger(__name__)

# A claimed download belongs to its process this long; after it another may try.
LEASE = timedelta(minutes=10)
FIRST_PAUSE = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(hours=1)
# Telegram saying "no such file" can be a passing fault: give up only after this many.
PERMANENT_TRIES = 3
CONCURRENT_DOWNLOADS = 4


class FetchFailed(Exception):
    """A download failed; `permanent` when Telegram will not serve the file again."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Fetcher(Protocol):
    """The channel's side of archiving: put one file's bytes at `dest`."""

    async def download(self, file_id: str, dest: Path) -> None:
        """Download the file into `dest`, or raise FetchFailed (or OSError)."""


@dataclass
class ArchiveReport:
    """What one pass did."""

    archived: int = 0
    reused: int = 0
    retried: int = 0
    lost: int = 0
    # The pass took as many files as it may: more may be due (a burst of answers with files).
    full: bool = False


def pause_after(attempts: int) -> timedelta:
    """How long to wait after the attempts so far before trying again."""
    doubled: timedelta = FIRST_PAUSE * (2 ** min(max(attempts - 1, 0), 10))
    return min(doubled, LONGEST_PAUSE)


async def _fetch_one(
    core: Core, fetcher: Fetcher, blobs: BlobStore, job: store.FetchJob, report: ArchiveReport
) -> None:
    now = core.now()
    async with core.uow() as uow:
        if not await store.claim_fetch(uow.session, job, now + LEASE):
            return  # another tick or process has it
        known = await store.archived_as(uow.session, job.file_unique_id)
    media = job.mime_type or "application/octet-stream"
    if known is not None and blobs.has(known):
        async with core.uow() as uow:
            await store.mark_archived(uow.session, job.evidence_id, known, 0, media, core.now())
        report.reused += 1
        return
    try:
        with blobs.incoming() as part:
            await fetcher.download(job.file_id, part)
            kept = await asyncio.to_thread(blobs.keep, part)
    except (FetchFailed, OSError) as exc:
        await _failed(core, job, exc, report)
        return
    async with core.uow() as uow:
        await store.mark_archived(
            uow.session, job.evidence_id, kept.sha256, kept.size, media, core.now()
        )
    report.archived += 1


async def _failed(core: Core, job: store.FetchJob, exc: Exception, report: ArchiveReport) -> None:
    tries = job.attempts + 1
    give_up = isinstance(exc, FetchFailed) and exc.permanent and tries >= PERMANENT_TRIES
    retry_at = None if give_up else core.now() + pause_after(tries)
    reason = f"{type(exc).__name__}: {exc}"
    async with core.uow() as uow:
        await store.mark_fetch_failed(uow.session, job.evidence_id, reason, retry_at)
    if give_up:
        report.lost += 1
        log.error("evidence %s lost after %s tries (%s)", job.evidence_id, tries, reason)
    else:
        report.retried += 1
        log.warning("evidence %s not fetched (%s); again at %s", job.evidence_id, reason, retry_at)


async def archive_due(core: Core, fetcher: Fetcher, limit: int = 20) -> ArchiveReport:
    """Download and archive the files whose fetch is due (a few at a time)."""
    report = ArchiveReport()
    blobs = core.blobs()
    async with core.uow() as uow:
        jobs = await store.due_fetches(uow.session, core.now(), limit)
    report.full = len(jobs) >= limit
    gate = asyncio.Semaphore(CONCURRENT_DOWNLOADS)

    async def one(job: store.FetchJob) -> None:
        async with gate:
            await _fetch_one(core, fetcher, blobs, job, report)

    await asyncio.gather(*(one(job) for job in jobs))
    return report


@dataclass(frozen=True)
class Attachment:
    """One attachment to give back: its record and, when archived, where its bytes are."""

    file: store.EvidenceFile
    path: Path | None


@dataclass(frozen=True)
class AnswerFiles:
    """An answer's attachments with whose answer it is."""

    owner: store.ReportOwner
    attachments: tuple[Attachment, ...]

    @property
    def pending(self) -> int:
        """How many files are still being fetched."""
        return sum(1 for a in self.attachments if a.file.state == store.PENDING)


async def answer_files(core: Core, actor: Actor | None, report_id: int) -> AnswerFiles:
    """An answer's files for the actor: coordinators and admins any, a division its own."""
    async with core.uow() as uow:
        owner = await store.report_owner(uow.session, report_id)
        scope = visible_divisions(actor)
        if owner is None or (scope is not None and owner.division_id not in scope):
            who = actor.person_id if actor else "-"
            log.warning("evidence of report %s refused to person %s", report_id, who)
            raise Refused("not_allowed", key="summary.not_allowed")
        files = await store.report_files(uow.session, report_id)
    blobs = core.blobs()
    attachments = tuple(
        Attachment(f, blobs.path_of(f.sha256) if f.sha256 and blobs.has(f.sha256) else None)
        for f in files
    )
    return AnswerFiles(owner, attachments)
