"""The end-of-period report: the source document's measures table with what was done.

Columns follow the municipality's own table (measure, actions, responsible, period) and add
the results month by month per division, the evidence, and the problems reported.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot.present import (
    digits,
    division_name,
    evidence_list,
    measure_title,
    round_name,
    round_short,
    status_name,
    when,
)
from bot.reports.docx_common import add_paragraph, add_row, add_table, finish, open_document
from bot.reports.fonts import ThaiFont
from bot.texts import localized, t
from storage.read_models import ItemAnswer
from storage.report_data import PeriodMeasure, PeriodReport

COLUMNS = ("measure", "actions", "responsible", "period", "results", "evidence", "problems")
# Landscape A4 less 2 cm margins leaves 25.7 cm.
WIDTHS_CM = (4.0, 4.5, 2.8, 2.4, 6.5, 3.0, 2.5)


def _who(item: ItemAnswer, lang: str) -> str:
    return f"{round_short(item.round, lang)} {division_name(item.division, lang)}"


def _results(m: PeriodMeasure, lang: str) -> list[str]:
    lines = []
    for item in m.items:
        line = f"{_who(item, lang)}: {status_name(item.status, lang)}"
        if item.answer is not None:
            if item.answer.text:
                line += f" – {item.answer.text}"
            if item.answer.late:
                line += " " + t("report.late_mark", lang)
        lines.append(line)
    return lines or [t("report.no_results", lang)]


def _evidence(m: PeriodMeasure, lang: str) -> list[str]:
    lines = [
        f"{_who(i, lang)}: {evidence_list(i.answer.evidence, lang)}"
        for i in m.items
        if i.answer is not None and i.answer.evidence
    ]
    return lines or [t("report.none", lang)]


def _problems(m: PeriodMeasure, lang: str) -> list[str]:
    lines = [
        f"{_who(i, lang)}: {i.answer.text or status_name('problem', lang)}"
        for i in m.items
        if i.answer is not None and i.answer.status == "problem"
    ]
    return lines or [t("report.none", lang)]


def _row(m: PeriodMeasure, lang: str) -> list[list[str]]:
    seq = digits(str(m.measure.seq), lang)
    responsible = (
        [t("plan.responsible_all", lang)]
        if m.responsible_all
        else [division_name(d, lang) for d in m.responsible]
    )
    period = m.period_text_th or f"{m.period_start.isoformat()} – {m.period_end.isoformat()}"
    return [
        [f"{seq}. {measure_title(m.measure, lang)}"],
        [f"{digits(str(n), lang)}. {a}" for n, a in enumerate(m.actions_th, start=1)],
        responsible,
        [period],
        _results(m, lang),
        _evidence(m, lang),
        _problems(m, lang),
    ]


def render_period_docx(
    report: PeriodReport, tz: tzinfo, font: ThaiFont, generated_at: datetime, lang: str = "th"
) -> bytes:
    """The end-of-period report as a landscape .docx file."""
    header = report.header
    plan = localized(lang, header.title_th, header.title_en)
    org = localized(lang, header.org_name_th, header.org_name_en)
    title = t("report.period_title", lang, plan=plan)
    doc = open_document(font, title, org, landscape=True)
    if report.rounds:
        span = t(
            "report.rounds_span",
            lang,
            count=digits(str(len(report.rounds)), lang),
            first=round_name(report.rounds[0], lang),
            last=round_name(report.rounds[-1], lang),
        )
        add_paragraph(doc, span, font, center=True)
    table = add_table(doc, [t(f"report.col.{c}", lang) for c in COLUMNS], font, WIDTHS_CM)
    for m in report.measures:
        add_row(table, _row(m, lang), font, WIDTHS_CM)
    return finish(doc, font, t("report.generated", lang, when=when(generated_at, tz, lang)))
