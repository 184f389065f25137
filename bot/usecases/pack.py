"""The publication pack: one ZIP the municipality can put on its website as it is.

It holds the report as DOCX and PDF (the meeting report for a round, the end-of-period
report for the period), the answers table (XLSX), every archived evidence file under
`evidence/<measure seq>/<division code>/<date>_<name>` (bot.reports.pack_paths) and an
offline index.html (bot.reports.pack_index). Shared by `ita-followup pack` and /export.

Only coordinators, admins and the operator may pack: the pack is the whole organisation's
data, and heads and members see their own divisions only. Reading is one transaction;
rendering, the PDF conversion and the ZIP run in worker threads, and evidence is copied
from the archive in chunks, so memory does not grow with the pack's size.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from bot.reports.pack_index import IndexFacts, render_index
from bot.reports.pack_paths import EvidenceLocator, PackEntry, evidence_paths
from bot.reports.pack_zip import DiskEntry, MemoryEntry, write_zip
from bot.reports.pdf import docx_to_pdf
from bot.usecases.core import Core
from bot.usecases.exports import ReportFile, export_period, export_round
from bot.usecases.refusals import Refused
from bot.usecases.summaries import chosen_plan, pick_round
from scheduler.plan_years import current_plan
from storage.counting import item_answers
from storage.people import Actor
from storage.read_models import EvidenceRef, ItemAnswer, RoundInfo
from storage.report_data import PlanHeader, plan_header
from storage.summary import plan_rounds

# The report files of a pack (the PDF is converted from the DOCX).
PACK_FORMATS = ("docx", "xlsx")
INDEX_NAME = "index.html"


@dataclass(frozen=True)
class PackResult:
    """A written pack: where, how many files, how many of them evidence, and its size."""

    path: Path
    files: int
    evidence: int
    # Files still being fetched from Telegram: listed in the index, not in the ZIP.
    pending: int
    size: int


@dataclass(frozen=True)
class _Content:
    """What a pack is made of, read in one transaction."""

    header: PlanHeader
    rounds: tuple[RoundInfo, ...]
    period: bool
    items: Sequence[ItemAnswer]


class PackTooLarge(Exception):
    """The evidence alone is larger than the caller can take (a bot's upload limit)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"the evidence alone is {size} bytes")
        self.size = size


def may_pack(actor: Actor | None) -> None:
    """Refuse anyone but coordinators, admins and the operator (actor None)."""
    if actor is not None and not actor.is_coordinator:
        raise Refused("not_allowed", key="summary.not_allowed", audit=True, action="pack")


async def pack_round_by_key(core: Core, key: str) -> RoundInfo:
    """The round a key names, for the operator; Refused when there is no plan or no such round."""
    async with core.uow() as uow:
        plan = await current_plan(uow.session, core.today())
        if plan is None:
            raise Refused("no_plan")
        return await pick_round(uow.session, None, core.now(), key, plan_id=plan.id)


async def _round_content(core: Core, round_: RoundInfo) -> _Content:
    async with core.uow() as uow:
        header = await plan_header(uow.session, round_.plan_id)
        if header is None:
            raise Refused("no_plan")
        items = await item_answers(uow.session, [round_])
    return _Content(header, (round_,), False, items)


async def _period_content(core: Core, plan_code: str | None) -> _Content:
    async with core.uow() as uow:
        plan = await chosen_plan(uow.session, core, plan_code)
        header = await plan_header(uow.session, plan.id)
        if header is None:
            raise Refused("no_plan")
        rounds = await plan_rounds(uow.session, plan.id)
        items = await item_answers(uow.session, rounds)
    return _Content(header, rounds, True, items)


async def pack_round(
    core: Core,
    actor: Actor | None,
    round_: RoundInfo,
    target: Path,
    lang: str = "th",
    *,
    max_bytes: int | None = None,
) -> PackResult:
    """Write the pack of one round (its meeting report) to `target`.

    With `max_bytes`, PackTooLarge is raised before anything is rendered or written when the
    evidence files alone are larger (the ZIP would be larger still).
    """
    may_pack(actor)
    content = await _round_content(core, round_)
    if max_bytes is not None:
        size = await asyncio.to_thread(
            evidence_bytes, content, core.rules.evidence_dir, core.rules.tz
        )
        if size > max_bytes:
            raise PackTooLarge(size)
    files = (await export_round(core, None, round_, PACK_FORMATS, lang)).files
    return await _finish(core, content, files, target, lang)


async def pack_period(
    core: Core, actor: Actor | None, target: Path, lang: str = "th", plan_code: str | None = None
) -> PackResult:
    """Write the pack of a plan's whole period (default: the current plan's), its year report."""
    may_pack(actor)
    content = await _period_content(core, plan_code)
    files = await export_period(core, PACK_FORMATS, lang, plan_code=plan_code)
    return await _finish(core, content, files, target, lang)


async def _finish(
    core: Core, content: _Content, files: Sequence[ReportFile], target: Path, lang: str
) -> PackResult:
    """Convert the DOCX to PDF, then write the ZIP (both in worker threads)."""
    docx = next(f for f in files if f.format == "docx")
    pdf = await asyncio.to_thread(docx_to_pdf, docx.data)
    reports = [
        MemoryEntry(docx.name, docx.data),
        MemoryEntry(docx.name.removesuffix(".docx") + ".pdf", pdf),
        *(MemoryEntry(f.name, f.data) for f in files if f.format != "docx"),
    ]
    now, tz, root = core.now(), core.rules.tz, core.rules.evidence_dir
    return await asyncio.to_thread(write_pack, content, reports, root, target, now, tz, lang)


def _entries(items: Sequence[ItemAnswer]) -> list[PackEntry]:
    return [
        (i.measure.seq, i.division.code, ev)
        for i in items
        if i.answer is not None
        for ev in i.answer.evidence
    ]


def _on_disk(
    entries: Sequence[PackEntry], root: Path, tz: tzinfo
) -> tuple[dict[int, str], list[DiskEntry]]:
    """Pack paths of the archived files really on disk, and each path's file once."""
    locator = EvidenceLocator(root)
    by_id: dict[int, EvidenceRef] = {ev.evidence_id: ev for _, _, ev in entries}
    paths: dict[int, str] = {}
    disk: dict[str, DiskEntry] = {}
    for evidence_id, path in evidence_paths(entries, tz).items():
        ev = by_id[evidence_id]
        source = locator.file(ev)
        if source is None:
            continue  # the database says archived, the file is gone: listed as not in the pack
        paths[evidence_id] = path
        at = ev.received_at.astimezone(tz).replace(tzinfo=None) if ev.received_at else None
        disk.setdefault(path, DiskEntry(path, source, at))
    return paths, [disk[p] for p in sorted(disk)]


def evidence_bytes(content: _Content, root: Path, tz: tzinfo) -> int:
    """The size of the evidence files a pack of `content` would hold (blocking: stats files)."""
    return sum(e.source.stat().st_size for e in _on_disk(_entries(content.items), root, tz)[1])


def write_pack(
    content: _Content,
    reports: Sequence[MemoryEntry],
    root: Path,
    target: Path,
    now: datetime,
    tz: tzinfo,
    lang: str,
) -> PackResult:
    """Index the content and write the ZIP (blocking: run it in a worker thread)."""
    entries = _entries(content.items)
    paths, disk = _on_disk(entries, root, tz)
    facts = IndexFacts(
        content.header,
        content.rounds,
        content.period,
        content.items,
        [r.name for r in reports],
        now,
    )
    index = MemoryEntry(INDEX_NAME, render_index(facts, paths, tz, lang).encode("utf-8"))
    local_now = now.astimezone(tz).replace(tzinfo=None)
    stats = write_zip(target, [index, *reports], disk, local_now)
    pending = len({ev.evidence_id for _, _, ev in entries if ev.state == "pending"})
    return PackResult(target, stats.entries, len(disk), pending, stats.size)
