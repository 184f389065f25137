"""The monthly meeting report: for one round, a table per measure of who answered what."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot.present import (
    digits,
    division_name,
    evidence_list,
    long_date,
    measure_title,
    round_label,
    round_month,
    status_name,
    when,
)
from bot.reports.docx_common import add_paragraph, add_row, add_table, finish, open_document
from bot.reports.fonts import ThaiFont
from bot.texts import localized, meeting_title, t
from storage.read_models import ItemAnswer
from storage.report_data import RoundReport

WIDTHS_CM = (4.5, 3.5, 9.0)


def _what_was_done(item: ItemAnswer, tz: tzinfo, lang: str) -> list[str]:
    answer = item.answer
    if answer is None:
        return []
    lines = [answer.text] if answer.text else []
    if answer.evidence:
        lines.append(t("report.evidence_line", lang, items=evidence_list(answer.evidence, lang)))
    lines.append(
        t(
            "report.reported_by",
            lang,
            name=answer.person_name,
            when=when(answer.created_at, tz, lang),
        )
    )
    return lines


def _status_cell(item: ItemAnswer, lang: str) -> list[str]:
    lines = [status_name(item.status, lang)]
    if item.answer is not None and item.answer.late:
        lines.append(t("report.late_mark", lang))
    return lines


def render_meeting_docx(
    report: RoundReport, tz: tzinfo, font: ThaiFont, generated_at: datetime, lang: str = "th"
) -> bytes:
    """The meeting report of one round as a .docx file."""
    header = report.header
    org = localized(lang, header.org_name_th, header.org_name_en)
    doc = open_document(font, t("report.title", lang), org)
    series = localized(lang, header.meeting_name_th, header.meeting_name_en)
    meeting = meeting_title(series, round_month(report.round, lang), lang)
    held = report.round.meeting_at or report.round.closes_at
    if report.round.kind == "monthly":
        add_paragraph(
            doc,
            t("report.meeting_line", lang, meeting=meeting, date=long_date(held, tz, lang)),
            font,
            center=True,
        )
    add_paragraph(
        doc, t("report.round_line", lang, round=round_label(report.round, lang)), font, center=True
    )
    for detail in report.measures:
        seq = digits(str(detail.measure.seq), lang)
        add_paragraph(
            doc,
            t("report.measure_heading", lang, seq=seq, title=measure_title(detail.measure, lang)),
            font,
            bold=True,
        )
        answered = sum(i.answer is not None for i in detail.items)
        add_paragraph(
            doc,
            t(
                "report.measure_counts",
                lang,
                answered=digits(str(answered), lang),
                owed=digits(str(len(detail.items)), lang),
            ),
            font,
        )
        table = add_table(
            doc,
            [t(f"report.col.{c}", lang) for c in ("division", "status", "done")],
            font,
            WIDTHS_CM,
        )
        for item in detail.items:
            add_row(
                table,
                [
                    [division_name(item.division, lang)],
                    _status_cell(item, lang),
                    _what_was_done(item, tz, lang),
                ],
                font,
                WIDTHS_CM,
            )
    return finish(doc, font, t("report.generated", lang, when=when(generated_at, tz, lang)))
