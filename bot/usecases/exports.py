"""Report files for a round or the whole plan period: read in one unit of work, then render.

Shared by /export and `ita-followup report`. Heads and members get their own divisions' data
only (bot.usecases.summaries.visible_divisions). Rendering runs in a worker thread so a large
chart or document does not stall the bot's event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.reports.cells import period_statuses, round_statuses
from bot.reports.chart import render_chart
from bot.reports.fonts import thai_font
from bot.reports.meeting_docx import render_meeting_docx
from bot.reports.memo_docx import MemoFacts, render_memo_docx
from bot.reports.period_docx import render_period_docx
from bot.reports.tables import render_csv, render_xlsx
from bot.texts import localized
from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from bot.usecases.summaries import Scope, visible_divisions
from storage.people import Actor
from storage.plan_queries import current_plan
from storage.read_models import DivisionRef, RoundInfo, RoundSummary
from storage.report_data import (
    ExportRow,
    PlanHeader,
    export_rows,
    period_report,
    plan_header,
    round_report,
)
from storage.summary import plan_rounds, round_summaries

FORMATS = ("xlsx", "docx", "csv", "png", "memo")
# The file extension of each format (the memo is a Word document too).
EXTENSIONS = {"xlsx": "xlsx", "docx": "docx", "csv": "csv", "png": "png", "memo": "docx"}
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
    docx: Callable[[tzinfo, datetime, str], bytes]
    header: PlanHeader
    memo: MemoFacts | None


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


async def round_material(
    session: AsyncSession, round_: RoundInfo, formats: Collection[str], scope: Scope
) -> _Material:
    """Everything one round's files are rendered from, read in the caller's transaction."""
    header = await _header(session, round_.plan_id)
    rows = await export_rows(session, [round_], scope) if _tabular(formats) else []
    summary = await round_summaries(session, [round_], scope)
    wants_report = "docx" in formats or "memo" in formats
    report = await round_report(session, header, round_, scope) if wants_report else None
    memo = MemoFacts(header, (round_,), round_statuses(report)) if report else None
    chart = summary
    if "png" in formats:
        every = await plan_rounds(session, round_.plan_id)
        earlier = [r for r in every if r.closes_at <= round_.closes_at]
        chart = await round_summaries(session, earlier, scope)

    def docx(tz: tzinfo, now: datetime, lang: str) -> bytes:
        assert report is not None
        return render_meeting_docx(report, tz, now, lang)

    return _Material(round_.key, rows, summary, chart, docx, header, memo)


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
    wants_report = "docx" in formats or "memo" in formats
    report = await period_report(session, header, rounds, scope) if wants_report else None
    memo = MemoFacts(header, tuple(rounds), period_statuses(report)) if report else None

    def docx(tz: tzinfo, now: datetime, lang: str) -> bytes:
        assert report is not None
        return render_period_docx(report, tz, now, lang)

    stem = f"{header.code}-period" + (f"-{span.start}_{span.end}" if span else "")
    return _Material(stem, rows, summaries, summaries, docx, header, memo)


def render_files(
    material: _Material,
    formats: Collection[str],
    codes: Sequence[str],
    tz: tzinfo,
    now: datetime,
    lang: str,
) -> tuple[ReportFile, ...]:
    """Render the asked formats, in FORMATS order (the same loop for a round and a period)."""
    out = []
    for fmt in [f for f in FORMATS if f in formats]:
        if fmt == "xlsx":
            data = render_xlsx(material.rows, material.summaries, tz, lang)
        elif fmt == "csv":
            data = render_csv(material.rows, tz, lang)
        elif fmt == "docx":
            thai_font()  # the documents name the office font; still refuse without a Thai one
            data = material.docx(tz, now, lang)
        elif fmt == "memo":
            thai_font()
            assert material.memo is not None
            data = render_memo_docx(material.memo, tz, now, lang)
        else:
            org = localized(lang, material.header.org_name_th, material.header.org_name_en)
            data = render_chart(material.chart, thai_font(), lang, org)
        stem = f"{material.stem}-memo" if fmt == "memo" else material.stem
        out.append(ReportFile(fmt, file_name(stem, EXTENSIONS[fmt], codes), data))
    return tuple(out)


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
    files = await asyncio.to_thread(
        render_files, material, formats, codes, core.rules.tz, core.now(), lang
    )
    return RoundExport(round_, files, own)


async def export_period(
    core: Core, formats: Collection[str], lang: str = "th", span: Span | None = None
) -> tuple[ReportFile, ...]:
    """The operator's files of the current plan's period (or of the rounds inside `span`).

    A span is a part of the period such as the six-month report's October to March: the
    rounds whose whole reporting period lies inside it. Refused when there is no plan, or
    when no round lies inside the span.
    """
    async with core.uow() as uow:
        plan = await current_plan(uow.session)
        if plan is None:
            raise Refused("no_plan")
        material = await _period_material(uow.session, plan.id, formats, None, span)
    return await asyncio.to_thread(
        render_files, material, formats, [], core.rules.tz, core.now(), lang
    )


@dataclass(frozen=True)
class Span:
    """A part of the plan period, first and last day included (e.g. 2021-10-01 to 2022-03-31)."""

    start: date
    end: date

    def holds(self, r: RoundInfo) -> bool:
        """Whether the round's whole reporting period lies inside the span."""
        return self.start <= r.covers_start and r.covers_end <= self.end


def _tabular(formats: Collection[str]) -> bool:
    return "xlsx" in formats or "csv" in formats
