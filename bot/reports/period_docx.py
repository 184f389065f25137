"""The six-month and year-end report: one row per measure and division, history in an annex.

The main table follows the municipality's own (measure with its actions and period, the
responsible division) and adds the latest status and a concise result: the latest counting
answer with its date, evidence and review, and the latest problem reported. Where a
coordinator reviewed an answer only an accepted one counts (a returned one is named and left
out); the note under the heading says so with the tally. The annex gives each
(measure, division) pair's status round by round. Rounds nobody was asked in read
"not followed up", never "not reported".
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.table import Table

from bot.present import (
    digits,
    division_name,
    long_date,
    measure_title,
    round_name,
    round_short,
    status_name,
)
from bot.reports.cells import (
    latest_answer,
    pair_status,
    pairs,
    period_cell,
    problem_lines,
    result_lines,
    returned_latest,
    returned_line,
    review_tally,
)
from bot.reports.docx_common import (
    add_paragraph,
    add_row,
    add_run,
    add_table,
    allow_split,
    scale_widths,
    shade,
    to_bytes,
)
from bot.reports.docx_layout import (
    heading_block,
    new_document,
    sign_lines,
    signature_block,
    text_width_cm,
)
from bot.reports.docx_pictures import PictureSource, add_pictures
from bot.reports.pack_paths import NO_EVIDENCE, EvidenceLocator
from bot.texts import localized, t
from storage.read_models import DivisionRef, ItemAnswer
from storage.report_data import PeriodMeasure, PeriodReport

COLUMNS = ("responsible", "status", "results", "problems")
# The results column takes most of the width; each measure heads its rows across all four.
WEIGHTS = (3.8, 2.9, 13.6, 4.4)
ANNEX_PT = 10.5
TABLE_PT = 12.0
# The tallest a picture may be on a landscape page (16.5 cm of text height).
PICTURE_MAX_CM = 6.0


def _measure_lines(m: PeriodMeasure, lang: str) -> list[str]:
    seq = digits(str(m.measure.seq), lang)
    actions = " ".join(f"{digits(str(n), lang)}) {a}" for n, a in enumerate(m.actions_th, start=1))
    lines = [
        f"{seq}. {measure_title(m.measure, lang)}",
        f"{t('report.col.actions', lang)}: {actions}",
    ]
    if m.period_text_th:
        lines.append(f"{t('report.col.period', lang)}: {m.period_text_th}")
    return lines


def _measure_row(table: Table, m: PeriodMeasure, widths: tuple[float, ...], lang: str) -> None:
    """The measure, its actions and period in one cell across the table, kept with its rows."""
    row = add_row(table, [_measure_lines(m, lang), [], [], []], widths, TABLE_PT)
    merged = row.cells[0].merge(row.cells[-1])
    for extra in merged.paragraphs[len(_measure_lines(m, lang)) :]:
        # merge() keeps the empty cells' paragraphs: blank lines that cost a page in all.
        extra._p.getparent().remove(extra._p)
    for paragraph in merged.paragraphs:
        paragraph.paragraph_format.keep_with_next = True
    shade(merged)


def _pair_row(
    table: Table,
    division: DivisionRef,
    items: list[ItemAnswer],
    widths: tuple[float, ...],
    pictures: PictureSource,
    tz: tzinfo,
    lang: str,
) -> None:
    """One division's row: its status, latest result with its photos, latest problem."""
    latest = latest_answer(items)
    shown = pictures.of(latest.answer, division) if latest else ()
    result = result_lines(latest, tz, lang, {p.evidence_id for p in shown}) if latest else []
    returned = returned_latest(items)
    if returned is not None:  # said, not counted: the coordinators asked for more
        result.append(returned_line(returned, lang))
    cells = [
        [division_name(division, lang)],
        [status_name(pair_status(items), lang)],
        result or [t("report.no_results", lang)],
        problem_lines(items, lang) or [t("report.none", lang)],
    ]
    row = add_row(table, cells, widths, TABLE_PT)
    if shown:
        results = COLUMNS.index("results")
        add_pictures(row.cells[results], shown, widths[results], PICTURE_MAX_CM)
        allow_split(row)


def _main_table(
    doc: DocxDocument, report: PeriodReport, pictures: PictureSource, tz: tzinfo, lang: str
) -> None:
    widths = scale_widths(WEIGHTS, text_width_cm(True))
    table = add_table(doc, [t(f"report.col.{c}", lang) for c in COLUMNS], widths, TABLE_PT)
    for m in report.measures:
        _measure_row(table, m, widths, lang)
        for division, items in pairs(m):
            _pair_row(table, division, items, widths, pictures, tz, lang)


def _review_note(doc: DocxDocument, report: PeriodReport, lang: str) -> None:
    """What the report counts: accepted answers where a coordinator reviewed, and the tally."""
    accepted, awaiting, returned = review_tally([i for m in report.measures for i in m.items])
    note = t(
        "report.period_review_note",
        lang,
        accepted=digits(str(accepted), lang),
        awaiting=digits(str(awaiting), lang),
        returned=digits(str(returned), lang),
    )
    add_paragraph(doc, note, TABLE_PT, keep_next=True)


def _annex(doc: DocxDocument, report: PeriodReport, lang: str) -> None:
    add_run(doc.add_paragraph(), "").add_break(WD_BREAK.PAGE)
    add_paragraph(doc, t("report.annex_heading", lang), bold=True, center=True, keep_next=True)
    rounds = report.rounds
    weights = (4.2, *([2.5] * len(rounds)))
    widths = scale_widths(weights, text_width_cm(True))
    headings = [t("report.col.pair", lang), *(round_short(r, lang) for r in rounds)]
    table = add_table(doc, headings, widths, ANNEX_PT)
    for m in report.measures:
        for division, items in pairs(m):
            by_round = {i.round.id: period_cell(i, lang) for i in items}
            label = f"{digits(str(m.measure.seq), lang)}. {division_name(division, lang)}"
            cells = [[label]]
            cells += [[by_round.get(r.id, "–")] for r in rounds]
            add_row(table, cells, widths, ANNEX_PT)


def render_period_docx(
    report: PeriodReport,
    tz: tzinfo,
    generated_at: datetime,
    lang: str = "th",
    *,
    evidence: EvidenceLocator = NO_EVIDENCE,
) -> bytes:
    """The end-of-period report as a landscape .docx file, latest photos shown in their rows."""
    header = report.header
    doc = new_document(landscape=True)
    plan = localized(lang, header.title_th, header.title_en)
    lines = [localized(lang, header.org_name_th, header.org_name_en)]
    if report.rounds:
        first, last = report.rounds[0], report.rounds[-1]
        lines.append(
            t(
                "report.rounds_span",
                lang,
                count=digits(str(len(report.rounds)), lang),
                first=round_name(first, lang),
                last=round_name(last, lang),
            )
        )
    heading_block(doc, t("report.period_title", lang, plan=plan), lines)
    _review_note(doc, report, lang)
    _main_table(doc, report, PictureSource(evidence, tz, lang), tz, lang)
    prepared = sign_lines(t("report.preparer", lang), long_date(generated_at, tz, lang), lang)
    signature_block(doc, prepared, landscape=True)
    if report.rounds:
        _annex(doc, report, lang)
    return to_bytes(doc)
