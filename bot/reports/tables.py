"""Spreadsheet exports: XLSX (answers sheet and per-measure summary sheet) and CSV.

Beside each answer's evidence, the paths its archived files have inside the publication
pack (bot.reports.pack_paths), one a line, so a reader of the pack finds each file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime, tzinfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.cells import inert_csv_row, inert_xlsx
from bot.present import (
    division_name,
    evidence_list,
    measure_title,
    review_name,
    review_words,
    round_label,
    status_name,
    when,
)
from bot.reports.pack_paths import NO_EVIDENCE, EvidenceLocator
from bot.texts import t
from storage.read_models import (
    ACCEPTED,
    AWAITING,
    MISSING,
    NOT_FOLLOWED,
    RETURNED,
    MeasureSummary,
    RoundSummary,
)
from storage.report_data import ExportRow

ANSWER_COLUMNS = (
    "round_key",
    "round",
    "measure",
    "division",
    "status",
    "text",
    "evidence",
    "pack_path",
    "who",
    "when",
    "late",
    "version",
    "review",
)
_STATUSES = ("done", "in_progress", "not_started", "problem")
# Excel's Thai Buddhist calendar (07) for the Thai locale (041E): real dates that sort, shown
# with B.E. years ("20 ม.ค. 2565 14:00"); LibreOffice reads the same code.
BE_DATETIME = "[$-107041E]d mmm yyyy hh:mm"
# Excel refuses sheet names over 31 characters.
_SHEET_NAME_MAX = 31
_WIDTHS = {
    "round_key": 10,
    "measure": 40,
    "text": 60,
    "evidence": 30,
    "pack_path": 45,
    "division": 28,
    "when": 24,
    "round": 24,
    "review": 50,
}
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_LATE_FILL = PatternFill("solid", fgColor="FCE4D6")


def answer_headings(lang: str) -> list[str]:
    """The answer table's column headings."""
    return [t(f"export.col.{c}", lang) for c in ANSWER_COLUMNS]


def pack_paths_cell(row: ExportRow, evidence: EvidenceLocator) -> str:
    """The pack paths of a row's archived files, one a line (empty: none in the pack)."""
    paths = (evidence.pack_path(e) for e in row.evidence)
    return "\n".join(p for p in paths if p)


def answer_values(
    row: ExportRow, tz: tzinfo, lang: str, evidence: EvidenceLocator = NO_EVIDENCE
) -> list[str | datetime]:
    """One answer as table values; the time a local datetime (naive: spreadsheets want that)."""
    answered = row.status != MISSING and row.status != NOT_FOLLOWED
    return [
        row.round.key,
        round_label(row.round, lang),
        f"{row.measure.seq}. {measure_title(row.measure, lang)}",
        division_name(row.division, lang),
        status_name(row.status, lang),
        row.text,
        evidence_list(row.evidence, lang),
        pack_paths_cell(row, evidence),
        row.person_name,
        row.created_at.astimezone(tz).replace(tzinfo=None) if row.created_at else "",
        (t("export.yes", lang) if row.late else t("export.no", lang)) if answered else "",
        t("export.latest" if row.latest else "export.superseded", lang) if answered else "",
        review_cell(row, tz, lang) if answered else "",
    ]


def review_cell(row: ExportRow, tz: tzinfo, lang: str) -> str:
    """An answer's review: the decision, by whom and when, and the comment on a second line.

    The counting answer nobody reviewed awaits review; a superseded one was never reviewed.
    """
    if row.review is None:
        return review_name(AWAITING, lang) if row.latest else ""
    lines = [review_words(row.review, tz, lang, thai_digits=False, icon=False)]
    if row.review.comment:
        lines.append(t("review.comment", lang, comment=row.review.comment))
    return "\n".join(lines)


def answer_cells(
    row: ExportRow, tz: tzinfo, lang: str, evidence: EvidenceLocator = NO_EVIDENCE
) -> list[str]:
    """One answer as text cells (the time with a B.E. year and Arabic digits), for CSV."""
    values = answer_values(row, tz, lang, evidence)
    when_at = ANSWER_COLUMNS.index("when")
    if row.created_at is not None:
        values[when_at] = when(row.created_at, tz, lang, thai_digits=False)
    return [str(v) for v in values]


def render_csv(
    rows: Sequence[ExportRow],
    tz: tzinfo,
    lang: str = "th",
    *,
    evidence: EvidenceLocator = NO_EVIDENCE,
) -> bytes:
    """The answer table as CSV, UTF-8 with a BOM so that Excel shows Thai."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(answer_headings(lang))
    # People's words go into cells: anything a spreadsheet could run stays text (OWASP).
    writer.writerows(inert_csv_row(answer_cells(r, tz, lang, evidence)) for r in rows)
    return out.getvalue().encode("utf-8-sig")


def _sheet_title(key: str, lang: str) -> str:
    return t(key, lang)[:_SHEET_NAME_MAX]


def render_xlsx(
    rows: Sequence[ExportRow],
    summaries: Sequence[RoundSummary],
    tz: tzinfo,
    lang: str = "th",
    *,
    evidence: EvidenceLocator = NO_EVIDENCE,
) -> bytes:
    """An XLSX workbook: one row per answer, then a summary sheet (one row per round×measure)."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook always has one worksheet
    ws.title = _sheet_title("export.sheet_answers", lang)
    ws.append(answer_headings(lang))
    late_col = ANSWER_COLUMNS.index("late") + 1
    when_col = ANSWER_COLUMNS.index("when") + 1
    for row in rows:
        ws.append(answer_values(row, tz, lang, evidence))
        inert_xlsx(ws[ws.max_row])  # a typed `=...` stays the person's words, never a formula
        ws.cell(ws.max_row, when_col).number_format = BE_DATETIME
        if row.late:
            ws.cell(ws.max_row, late_col).fill = _LATE_FILL
    _style(ws, [_WIDTHS.get(c, 16) for c in ANSWER_COLUMNS])

    ss = wb.create_sheet(_sheet_title("export.sheet_summary", lang))
    ss.append(
        [
            t("export.col.round", lang),
            t("export.col.measure", lang),
            t("export.col.owed", lang),
            t("export.col.answered", lang),
            *(status_name(s, lang) for s in _STATUSES),
            *(review_name(s, lang) for s in (ACCEPTED, RETURNED, AWAITING)),
            t("export.col.late", lang),
            t("export.col.missing", lang),
        ]
    )
    for summary in summaries:
        for m in summary.measures:
            ss.append(
                [
                    round_label(summary.round, lang),
                    f"{m.measure.seq}. {measure_title(m.measure, lang)}",
                    m.owed,
                    m.answered,
                    *(m.count(s) for s in _STATUSES),
                    m.accepted,
                    m.returned,
                    m.awaiting,
                    m.late,
                    _silent(m, lang),
                ]
            )
    _style(ss, [24, 40, 12, 12, 12, 12, 12, 12, 12, 12, 12, 10, 50])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _silent(m: MeasureSummary, lang: str) -> str:
    """Who did not answer; a round nobody was asked in says so instead of naming everyone."""
    if not m.missing:
        return ""
    if not m.followed_up:
        return status_name(NOT_FOLLOWED, lang)
    return ", ".join(division_name(d, lang) for d in m.missing)


def _style(ws: Worksheet, widths: Sequence[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = wrap
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
