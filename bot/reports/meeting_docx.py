"""The monthly meeting report: a summary table, then for each measure who answered what."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from docx.document import Document as DocxDocument

from bot.present import (
    STATUS_ORDER,
    digits,
    division_name,
    long_date,
    measure_title,
    round_label,
    round_month,
    status_name,
)
from bot.reports.cells import answer_lines, count_cells, review_tally, status_lines
from bot.reports.docx_common import (
    add_paragraph,
    add_row,
    add_table,
    allow_split,
    scale_widths,
)
from bot.reports.docx_layout import finish, heading_block, new_document, text_width_cm
from bot.reports.docx_pictures import PictureSource, add_pictures
from bot.reports.pack_paths import NO_EVIDENCE, EvidenceLocator
from bot.texts import localized, meeting_title, t
from storage.read_models import MISSING, NOT_FOLLOWED, MeasureDetail
from storage.report_data import RoundReport

# Division, status, what was done: the results column takes most of the width.
WEIGHTS = (3.0, 2.1, 10.0)
# Measure (its number: the titles head the tables below), owed, answered, the four answer
# statuses, then the silent ones; wide enough that a status heading breaks between words.
SUMMARY_WEIGHTS = (2.0, 2.0, 1.9, 1.9, 2.4, 2.1, 1.9, 2.1)
SUMMARY_PT = 13.0
# The tallest a picture may be: two photos and their captions fit a page beside their text.
PICTURE_MAX_CM = 8.0
_ANSWERED = STATUS_ORDER[:4]


def _summary_headings(followed_up: bool, lang: str) -> list[str]:
    silent = MISSING if followed_up else NOT_FOLLOWED
    return [
        t("report.col.measure", lang),
        t("export.col.owed", lang),
        t("export.col.answered", lang),
        *(status_name(s, lang) for s in _ANSWERED),
        status_name(silent, lang),
    ]


def _summary_row(label: str, details: Sequence[MeasureDetail], lang: str) -> list[list[str]]:
    statuses = [i.status for d in details for i in d.items]
    silent = sum(s in (MISSING, NOT_FOLLOWED) for s in statuses)
    counts = [len(statuses), len(statuses) - silent, *(statuses.count(s) for s in _ANSWERED)]
    return [[label], *count_cells([*counts, silent], lang)]


def _summary_table(doc: DocxDocument, report: RoundReport, lang: str) -> None:
    widths = scale_widths(SUMMARY_WEIGHTS, text_width_cm(False))
    add_paragraph(doc, t("report.summary_heading", lang), bold=True, keep_next=True)
    table = add_table(doc, _summary_headings(report.round.followed_up, lang), widths, SUMMARY_PT)
    for d in report.measures:
        label = digits(str(d.measure.seq), lang)
        add_row(table, _summary_row(label, [d], lang), widths, SUMMARY_PT)
    total = _summary_row(t("report.col.total", lang), report.measures, lang)
    add_row(table, total, widths, SUMMARY_PT, bold=True)
    accepted, awaiting, returned = review_tally([i for d in report.measures for i in d.items])
    counts = {"accepted": accepted, "returned": returned, "awaiting": awaiting}
    tally = t("review.counts", lang, **{k: digits(str(n), lang) for k, n in counts.items()})
    add_paragraph(doc, tally, SUMMARY_PT)


def _measure_table(
    doc: DocxDocument, detail: MeasureDetail, pictures: PictureSource, tz: tzinfo, lang: str
) -> None:
    seq = digits(str(detail.measure.seq), lang)
    title = t("report.measure_heading", lang, seq=seq, title=measure_title(detail.measure, lang))
    add_paragraph(doc, "", keep_next=True)
    add_paragraph(doc, title, bold=True, keep_next=True)
    answered = sum(i.answer is not None for i in detail.items)
    counts = t(
        "report.measure_counts",
        lang,
        answered=digits(str(answered), lang),
        owed=digits(str(len(detail.items)), lang),
    )
    add_paragraph(doc, counts, keep_next=True)
    widths = scale_widths(WEIGHTS, text_width_cm(False))
    headings = [t(f"report.col.{c}", lang) for c in ("division", "status", "done")]
    table = add_table(doc, headings, widths)
    for item in detail.items:
        shown = pictures.of(item.answer, item.division)
        cells = [
            [division_name(item.division, lang)],
            status_lines(item, lang),
            answer_lines(item.answer, tz, lang, {p.evidence_id for p in shown}),
        ]
        row = add_row(table, cells, widths)
        if shown:
            add_pictures(row.cells[-1], shown, widths[-1], PICTURE_MAX_CM)
            allow_split(row)


def render_meeting_docx(
    report: RoundReport,
    tz: tzinfo,
    generated_at: datetime,
    lang: str = "th",
    *,
    evidence: EvidenceLocator = NO_EVIDENCE,
) -> bytes:
    """The meeting report of one round as a .docx file, archived photos shown in their rows."""
    header = report.header
    doc = new_document()
    lines = [localized(lang, header.org_name_th, header.org_name_en)]
    if report.round.kind == "monthly":
        series = localized(lang, header.meeting_name_th, header.meeting_name_en)
        meeting = meeting_title(series, round_month(report.round, lang), lang)
        held = report.round.meeting_at or report.round.closes_at
        lines.append(
            t("report.meeting_line", lang, meeting=meeting, date=long_date(held, tz, lang))
        )
    lines.append(t("report.round_line", lang, round=round_label(report.round, lang)))
    heading_block(doc, t("report.title", lang), lines)
    _summary_table(doc, report, lang)
    pictures = PictureSource(evidence, tz, lang)
    for detail in report.measures:
        _measure_table(doc, detail, pictures, tz, lang)
    return finish(doc, long_date(generated_at, tz, lang), lang, landscape=False)
