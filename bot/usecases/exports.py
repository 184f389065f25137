"""Report files for a round or the whole plan period: read in one unit of work, then render.

Shared by /export, `ita-followup report` and the publication pack (`pack_material`). Heads
and members get their own divisions' data only (bot.usecases.summaries.visible_divisions).
Rendering runs in a worker thread so a large chart or document, or LibreOffice making a PDF,
does not stall the bot's event loop. The documents show the archived photos of the answers
they report; the spreadsheets give each archived file's path inside the publication pack.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.reports.cells import period_statuses, round_statuses
from bot.reports.memo_facts import MemoFacts
from bot.reports.pack_paths import EvidenceLocator, PackEntry, evidence_paths
from bot.reports.pdf import docx_to_pdf
from bot.texts import localized
from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from bot.usecases.summaries import (
    Scope,
    chosen_plan,
    current_plan_id,
    pick_round,
    visible_divisions,
)
from scheduler.plan_years import current_plan
from storage.people import Actor
from storage.read_models import DivisionRef, EvidenceRef, ItemAnswer, RoundInfo, RoundSummary
from storage.report_data import (
    ExportRow,
    PeriodReport,
    PlanHeader,
    RoundReport,
    export_rows,
    period_report,
    plan_header,
    round_report,
)
from storage.summary import plan_rounds, round_summaries

FORMATS = ("xlsx", "docx", "csv", "png", "memo")
# The report document as PDF (LibreOffice, seconds a file): made only when asked for by name,
# so neither /export nor the demo (which makes every one of FORMATS) needs LibreOffice.
PDF = "pdf"
# The order files are rendered and returned in: the PDF after the DOCX it is converted from.
RENDER_ORDER = (*FORMATS, PDF)
# The file extension of each format (the memo is a Word document too).
EXTENSIONS = {
    "xlsx": "xlsx",
    "docx": "docx",
    "csv": "csv",
    "png": "png",
    "memo": "docx",
    PDF: "pdf",
}
# What a publication pack holds of the reports: the document, as DOCX and PDF, and the table.
PACK_FORMATS = ("docx", PDF, "xlsx")
# What /export sends: the answers table, the meeting report and the chart.
CHAT_FORMATS = ("xlsx", "docx", "png")
# The second argument of the export button that asks for the cover memo instead.
MEMO = 1


class NoPlanError(LookupError):
    """The round's plan is gone (cannot happen with foreign keys, but say so if it does)."""


@dataclass(frozen=True)
class ReportFile:
    """One rendered file."""

    format: str
    name: str
    data: bytes


@dataclass(frozen=True)
class RoundExport:
    """A round's files, and whose data they hold (None: every division's)."""

    round: RoundInfo
    files: tuple[ReportFile, ...]
    own_divisions: tuple[DivisionRef, ...] | None


@dataclass(frozen=True)
class _Material:
    """What the files are made of, read in one transaction; rendering needs no session."""

    stem: str
    rows: Sequence[ExportRow]
    summaries: Sequence[RoundSummary]
    # The chart's rounds: a round's chart shows how each measure moved up to it.
    chart: Sequence[RoundSummary]
    # The report document's data: a round's meeting report or a period's (None: not asked).
    report: RoundReport | PeriodReport | None
    header: PlanHeader
    memo: MemoFacts | None
    # Every owed item with its counting answer (the report document's rows; empty without it).
    items: tuple[ItemAnswer, ...]
    # The counting answers' attachments: (measure seq, division code, evidence).
    entries: tuple[PackEntry, ...]


def file_name(stem: str, fmt: str, division_codes: Sequence[str] = ()) -> str:
    """An ASCII file name such as ita-2565-01-FIN.xlsx (Telegram and mail clients like ASCII)."""
    suffix = "-" + "-".join(division_codes) if division_codes else ""
    return f"ita-{stem}{suffix}.{fmt}"


def _own(actor: Actor | None, scope: Scope) -> tuple[tuple[DivisionRef, ...] | None, list[str]]:
    """The actor's own divisions (None when they see all) and the codes the file names carry."""
    if actor is None or scope is None:
        return None, []
    own = tuple(
        DivisionRef(
            r.division_id, r.division_code or "", r.division_name_th or "", r.division_name_en or ""
        )
        for r in actor.roles
        if r.division_id is not None
    )
    codes = sorted({r.division_code for r in actor.roles if r.division_code}) if scope else []
    return own, codes


async def _header(session: AsyncSession, plan_id: int) -> PlanHeader:
    header = await plan_header(session, plan_id)
    if header is None:
        raise NoPlanError(plan_id)
    return header


def _wants_report(formats: Collection[str]) -> bool:
    return bool({"docx", "memo", PDF} & set(formats))


def _tabular(formats: Collection[str]) -> bool:
    return "xlsx" in formats or "csv" in formats


def _pack_entries(items: Sequence[ItemAnswer], rows: Sequence[ExportRow]) -> tuple[PackEntry, ...]:
    """The counting answers' attachments: from the report's items when read, else the rows'."""
    found: Iterable[tuple[int, str, Sequence[EvidenceRef]]]
    if items:
        found = ((i.measure.seq, i.division.code, i.answer.evidence) for i in items if i.answer)
    else:  # the latest row of an item is its counting answer
        found = ((r.measure.seq, r.division.code, r.evidence) for r in rows if r.latest)
    return tuple((seq, code, ev) for seq, code, evidence in found for ev in evidence)


async def round_material(
    session: AsyncSession, round_: RoundInfo, formats: Collection[str], scope: Scope
) -> _Material:
    """Everything one round's files are rendered from, read in the caller's transaction."""
    header = await _header(session, round_.plan_id)
    rows = await export_rows(session, [round_], scope) if _tabular(formats) else []
    summary = await round_summaries(session, [round_], scope)
    wanted = _wants_report(formats)
    report = await round_report(session, header, round_, scope) if wanted else None
    memo = MemoFacts(header, (round_,), round_statuses(report)) if report else None
    items = tuple(i for d in report.measures for i in d.items) if report else ()
    chart = summary
    if "png" in formats:
        every = await plan_rounds(session, round_.plan_id)
        earlier = [r for r in every if r.closes_at <= round_.closes_at]
        chart = await round_summaries(session, earlier, scope)
    entries = _pack_entries(items, rows)
    return _Material(round_.key, rows, summary, chart, report, header, memo, items, entries)


async def _period_material(
    session: AsyncSession,
    plan_id: int,
    formats: Collection[str],
    scope: Scope,
    span: Span | None = None,
) -> _Material:
    header = await _header(session, plan_id)
    rounds = [r for r in await plan_rounds(session, plan_id) if span is None or span.holds(r)]
    if not rounds and span is not None:
        raise Refused("no_round_in_span", start=span.start, end=span.end)
    rows = await export_rows(session, rounds, scope) if _tabular(formats) else []
    summaries = await round_summaries(session, rounds, scope)
    wanted = _wants_report(formats)
    report = await period_report(session, header, rounds, scope) if wanted else None
    memo = MemoFacts(header, tuple(rounds), period_statuses(report)) if report else None
    items = tuple(i for m in report.measures for i in m.items) if report else ()
    stem = f"{header.code}-period" + (f"-{span.start}_{span.end}" if span else "")
    entries = _pack_entries(items, rows)
    return _Material(stem, rows, summaries, summaries, report, header, memo, items, entries)


def _document(
    material: _Material, tz: tzinfo, now: datetime, lang: str, evidence: EvidenceLocator
) -> bytes:
    """The report document: the meeting report of a round, or the end-of-period report."""
    report = material.report
    assert report is not None
    if isinstance(report, RoundReport):
        from bot.reports.meeting_docx import render_meeting_docx  # loaded on first use

        return render_meeting_docx(report, tz, now, lang, evidence=evidence)
    from bot.reports.period_docx import render_period_docx  # loaded on first use

    return render_period_docx(report, tz, now, lang, evidence=evidence)


def locator_for(material: _Material, root: Path | None, tz: tzinfo) -> EvidenceLocator:
    """Where the files' renderers find the archived evidence, and its paths in the pack."""
    return EvidenceLocator(root, evidence_paths(material.entries, tz))


def _render_one(
    fmt: str,
    material: _Material,
    evidence: EvidenceLocator,
    made: dict[str, bytes],
    tz: tzinfo,
    now: datetime,
    lang: str,
) -> bytes:
    """One format's bytes; `made` keeps the DOCX, so a PDF beside it is converted from it."""
    # The renderers (python-docx, openpyxl, matplotlib and numpy) load on the first report,
    # not at start: an idle bot does not carry them (issue 16).
    from bot.reports.chart import render_chart
    from bot.reports.fonts import thai_font
    from bot.reports.memo_docx import render_memo_docx
    from bot.reports.tables import render_csv, render_xlsx

    if fmt == "xlsx":
        return render_xlsx(material.rows, material.summaries, tz, lang, evidence=evidence)
    if fmt == "csv":
        return render_csv(material.rows, tz, lang, evidence=evidence)
    if fmt in ("docx", PDF):
        thai_font()  # the documents name the office font; still refuse without a Thai one
        if "docx" not in made:
            made["docx"] = _document(material, tz, now, lang, evidence)
        return made["docx"] if fmt == "docx" else docx_to_pdf(made["docx"])
    if fmt == "memo":
        thai_font()
        assert material.memo is not None
        return render_memo_docx(material.memo, tz, now, lang)
    org = localized(lang, material.header.org_name_th, material.header.org_name_en)
    return render_chart(material.chart, thai_font(), lang, org)


def render_files(
    material: _Material,
    formats: Collection[str],
    codes: Sequence[str],
    tz: tzinfo,
    now: datetime,
    lang: str,
    *,
    evidence_root: Path | None = None,
) -> tuple[ReportFile, ...]:
    """Render the asked formats, in RENDER_ORDER (the same loop for a round and a period).

    `evidence_root` is the evidence archive (EVIDENCE_DIR): the documents show its photos.
    A PDF raises PdfUnavailable when LibreOffice is missing or fails.
    """
    evidence = locator_for(material, evidence_root, tz)
    made: dict[str, bytes] = {}
    out = []
    for fmt in [f for f in RENDER_ORDER if f in formats]:
        data = _render_one(fmt, material, evidence, made, tz, now, lang)
        stem = f"{material.stem}-memo" if fmt == "memo" else material.stem
        out.append(ReportFile(fmt, file_name(stem, EXTENSIONS[fmt], codes), data))
    return tuple(out)


async def rendered(
    core: Core, material: _Material, formats: Collection[str], codes: Sequence[str], lang: str
) -> tuple[ReportFile, ...]:
    """render_files by the core's renderer (the bot: a worker process), clock and zone, with
    its evidence archive."""
    return await core.renderer.run(
        render_files,
        material,
        formats,
        codes,
        core.rules.tz,
        core.now(),
        lang,
        evidence_root=core.blobs().root,
    )


async def export_round(
    core: Core,
    actor: Actor | None,
    round_: RoundInfo,
    formats: Collection[str] = CHAT_FORMATS,
    lang: str = "th",
) -> RoundExport:
    """The files of one round: answers table, meeting report, chart (plan rounds up to it)."""
    scope = visible_divisions(actor)
    own, codes = _own(actor, scope)
    async with core.uow() as uow:
        material = await round_material(uow.session, round_, formats, scope)
    return RoundExport(round_, await rendered(core, material, formats, codes, lang), own)


async def export_period(
    core: Core,
    formats: Collection[str],
    lang: str = "th",
    span: Span | None = None,
    plan_code: str | None = None,
) -> tuple[ReportFile, ...]:
    """The operator's files of a plan's period (or of the rounds inside `span`).

    The plan is `plan_code`'s, else the current one (scheduler.plan_years): last year's
    year-end report is written after the new year began. A span is a part of the period such
    as the six-month report's October to March: the rounds whose whole reporting period lies
    inside it. Refused when there is no plan, or when no round lies inside the span.
    """
    async with core.uow() as uow:
        plan = await chosen_plan(uow.session, core, plan_code)
        material = await _period_material(uow.session, plan.id, formats, None, span)
    return await rendered(core, material, formats, [], lang)


@dataclass(frozen=True)
class PackMaterial:
    """What a publication pack holds of a round or of the plan period, from one read.

    `round` is the round (None: the period, or the part of it a span names).
    `files` are ReportFiles in PACK_FORMATS order: the report document as DOCX (the meeting
    report of a round, the end-of-period report of the period) with the archived photos in
    it, the same document as PDF, and the XLSX answers table whose pack-path column matches
    `paths`. `items` are the report's rows: every owed item (ItemAnswer: round, measure with
    seq and titles, division with code and names, `.status`) with its counting answer (None:
    not answered), whose text, person, time and evidence refs (EvidenceRef: kind, file name or
    URL, state, sha256, media type, received_at) the index of the pack shows. `entries` are
    those answers' attachments as (measure seq, division code, EvidenceRef), the input of
    `evidence_paths`; `paths` maps the evidence id of each archived one to its path inside the
    pack (evidence/<seq>/<code>/<date>_<name>); links and files not archived (pending, lost)
    have none. `locator.file(ev)` is an archived file's place on disk, to copy into the pack.
    """

    round: RoundInfo | None
    files: tuple[ReportFile, ...]
    items: tuple[ItemAnswer, ...]
    entries: tuple[PackEntry, ...]
    paths: Mapping[int, str]
    locator: EvidenceLocator


async def pack_material(
    core: Core, round_key: str | None, lang: str = "th", span: Span | None = None
) -> PackMaterial:
    """The reports (DOCX, PDF, XLSX), items and evidence paths of a round or the period.

    Every division's data (the pack is the operator's). Refused as /summary and the exports
    refuse: an unknown round key, no plan, no round inside `span`. Raises PdfUnavailable when
    LibreOffice cannot make the PDF.
    """
    async with core.uow() as uow:
        session = uow.session
        round_: RoundInfo | None = None
        if round_key is not None:
            plan_id = await current_plan_id(session, core)
            round_ = await pick_round(session, None, core.now(), round_key, plan_id=plan_id)
            material = await round_material(session, round_, PACK_FORMATS, None)
        else:
            plan = await current_plan(session, core.today())
            if plan is None:
                raise Refused("no_plan")
            material = await _period_material(session, plan.id, PACK_FORMATS, None, span)
    made = await rendered(core, material, PACK_FORMATS, [], lang)
    files = tuple(sorted(made, key=lambda f: PACK_FORMATS.index(f.format)))
    locator = locator_for(material, core.blobs().root, core.rules.tz)
    return PackMaterial(round_, files, material.items, material.entries, locator.paths, locator)


@dataclass(frozen=True)
class Span:
    """A part of the plan period, first and last day included (e.g. 2021-10-01 to 2022-03-31)."""

    start: date
    end: date

    def holds(self, r: RoundInfo) -> bool:
        """Whether the round's whole reporting period lies inside the span."""
        return self.start <= r.covers_start and r.covers_end <= self.end
