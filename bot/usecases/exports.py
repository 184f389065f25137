"""Report files for a round or the whole plan period: read with storage, render with bot.reports.

Shared by /export and `ita-followup report`. Reading happens in one session; rendering runs
in a worker thread so a large chart or document does not stall the bot's event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reports.chart import render_chart
from bot.reports.fonts import thai_font
from bot.reports.meeting_docx import render_meeting_docx
from bot.reports.period_docx import render_period_docx
from bot.reports.tables import render_csv, render_xlsx
from storage.report_data import (
    ExportRow,
    export_rows,
    period_report,
    plan_header,
    round_report,
)
from storage.summary import RoundInfo, RoundSummary, plan_rounds, round_summaries

FORMATS = ("xlsx", "docx", "csv", "png")
MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv",
    "png": "image/png",
}


class NoPlanError(LookupError):
    """The round's plan is gone (cannot happen with foreign keys, but say so if it does)."""


@dataclass(frozen=True)
class ReportFile:
    """One rendered file."""

    format: str
    name: str
    data: bytes


def file_name(stem: str, fmt: str, division_codes: Sequence[str] = ()) -> str:
    """An ASCII file name such as ita-2565-01-FIN.xlsx (Telegram and mail clients like ASCII)."""
    suffix = "-" + "-".join(division_codes) if division_codes else ""
    return f"ita-{stem}{suffix}.{fmt}"


async def round_files(
    sessions: async_sessionmaker[AsyncSession],
    round_: RoundInfo,
    formats: Collection[str],
    *,
    tz: tzinfo,
    now: datetime,
    division_ids: Collection[int] | None = None,
    division_codes: Sequence[str] = (),
    lang: str = "th",
) -> list[ReportFile]:
    """The files of one round: answers table, meeting report, chart (plan rounds up to it)."""
    async with sessions() as session:
        header = await plan_header(session, round_.plan_id)
        if header is None:
            raise NoPlanError(round_.plan_id)
        rows = await export_rows(session, [round_], division_ids) if _tabular(formats) else []
        summary = await round_summaries(session, [round_], division_ids)
        report = (
            await round_report(session, header, round_, division_ids) if "docx" in formats else None
        )
        chart: tuple[RoundSummary, ...] = summary
        if "png" in formats:
            # The chart shows how each measure moved up to this round, round by round.
            every = await plan_rounds(session, round_.plan_id)
            earlier = [r for r in every if r.closes_at <= round_.closes_at]
            chart = await round_summaries(session, earlier, division_ids)

    def docx() -> bytes:
        assert report is not None
        return render_meeting_docx(report, tz, thai_font(), now, lang)

    return await _render(formats, rows, summary, chart, docx, round_.key, division_codes, tz, lang)


async def period_files(
    sessions: async_sessionmaker[AsyncSession],
    plan_id: int,
    formats: Collection[str],
    *,
    tz: tzinfo,
    now: datetime,
    division_ids: Collection[int] | None = None,
    division_codes: Sequence[str] = (),
    lang: str = "th",
) -> list[ReportFile]:
    """The files of the whole plan period: end-of-period report, all answers, the chart."""
    async with sessions() as session:
        header = await plan_header(session, plan_id)
        if header is None:
            raise NoPlanError(plan_id)
        rounds = await plan_rounds(session, plan_id)
        rows = await export_rows(session, rounds, division_ids) if _tabular(formats) else []
        summaries = await round_summaries(session, rounds, division_ids)
        report = (
            await period_report(session, header, rounds, division_ids)
            if "docx" in formats
            else None
        )
    stem = f"{header.code}-period"

    def docx() -> bytes:
        assert report is not None
        return render_period_docx(report, tz, thai_font(), now, lang)

    return await _render(formats, rows, summaries, summaries, docx, stem, division_codes, tz, lang)


async def _render(
    formats: Collection[str],
    rows: Sequence[ExportRow],
    summaries: Sequence[RoundSummary],
    chart: Sequence[RoundSummary],
    docx: Callable[[], bytes],
    stem: str,
    division_codes: Sequence[str],
    tz: tzinfo,
    lang: str,
) -> list[ReportFile]:
    """Render the asked formats in a worker thread (the same for a round and a period)."""

    def render() -> list[ReportFile]:
        out = []
        for fmt in [f for f in FORMATS if f in formats]:
            if fmt == "xlsx":
                data = render_xlsx(rows, summaries, tz, lang)
            elif fmt == "csv":
                data = render_csv(rows, tz, lang)
            elif fmt == "docx":
                data = docx()
            else:
                data = render_chart(chart, thai_font(), lang)
            out.append(ReportFile(fmt, file_name(stem, fmt, division_codes), data))
        return out

    return await asyncio.to_thread(render)


def _tabular(formats: Collection[str]) -> bool:
    return "xlsx" in formats or "csv" in formats
