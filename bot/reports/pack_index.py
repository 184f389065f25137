"""The publication pack's index.html: one offline page listing every measure, answer and file.

Opens from the unpacked folder in any browser, without a network: UTF-8, a small inline
style sheet, no scripts, no external resources. Every text is escaped with html.escape
(answers are written by people and may hold anything). Files in the pack are linked by
relative paths; links people sent as evidence are listed as external links (http and https
only, opened apart with rel="noopener"); files not yet archived are said to be still
being fetched, so nothing points at a file the pack does not hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import escape
from urllib.parse import quote, urlsplit

from bot.present import (
    digits,
    division_name,
    long_date,
    measure_title,
    review_name,
    review_words,
    round_label,
    round_name,
    short_date,
    status_name,
)
from bot.texts import has_text, localized, t
from storage.read_models import EvidenceRef, ItemAnswer, MeasureRef, RoundInfo
from storage.report_data import PlanHeader

STYLE = (
    "body{font-family:'TH Sarabun New',Sarabun,'Noto Sans Thai',Tahoma,sans-serif;"
    "font-size:1.05rem;line-height:1.6;color:#222;max-width:72rem;margin:2rem auto;"
    "padding:0 1rem}"
    "h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin-top:2rem;"
    "border-bottom:2px solid #2a5d84;padding-bottom:.2rem}"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0}"
    "th,td{border:1px solid #b8c4ce;padding:.35rem .5rem;vertical-align:top;text-align:left}"
    "th{background:#eef3f7}.text{white-space:pre-line}.note{color:#5a6570;font-size:.95rem}"
    "ul{margin:.2rem 0;padding-left:1.2rem}a{color:#1d5a8c}"
)
# Report files of the pack, by extension, and the words that name them.
REPORT_LABELS = {"docx": "pack.doc_docx", "pdf": "pack.doc_pdf", "xlsx": "pack.doc_xlsx"}


@dataclass(frozen=True)
class IndexFacts:
    """What the index shows: whose plan, which rounds, the answers and the report files."""

    header: PlanHeader
    rounds: tuple[RoundInfo, ...]
    # True: the end-of-period pack (a column says which round each answer belongs to).
    period: bool
    items: Sequence[ItemAnswer]
    # The report files in the pack's top folder (names such as ita-2565-01.docx).
    reports: Sequence[str]
    now: datetime


def _href(path: str) -> str:
    return escape(quote(path, safe="/"), quote=True)


def _external(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _kind(ev: EvidenceRef, lang: str) -> str:
    """The kind of attachment in words (photo, document, video...)."""
    for key in (f"report.evidence.{ev.kind}", f"pack.kind.{ev.kind}"):
        if has_text(key, lang):
            return t(key, lang)
    return ev.kind


def _label(ev: EvidenceRef, lang: str) -> str:
    return ev.file_name or ev.url or _kind(ev, lang)


def evidence_item(ev: EvidenceRef, paths: Mapping[int, str], lang: str) -> str:
    """One attachment as a list item: a link into the pack, an external link, or a note."""
    label = escape(_label(ev, lang))
    if ev.evidence_id in paths:
        link = f'<a href="{_href(paths[ev.evidence_id])}">{label}</a>'
        kind = _kind(ev, lang)
        return f"<li>{link}</li>" if ev.file_name is None else f"<li>{link} ({escape(kind)})</li>"
    if ev.url:
        if not _external(ev.url):
            return f"<li>{label}</li>"
        href, note = escape(ev.url, quote=True), escape(t("pack.external", lang))
        return f'<li><a href="{href}" rel="noopener" target="_blank">{label}</a> ({note})</li>'
    state = "pack.fetching" if ev.state == "pending" else "pack.unavailable"
    return f'<li>{label} <span class="note">({escape(t(state, lang))})</span></li>'


def _result(item: ItemAnswer, tz: tzinfo, lang: str) -> str:
    a = item.answer
    if a is None:
        return f'<td class="note">{escape(t("report.no_results", lang))}</td>'
    words = [escape(a.text)] if a.text else []
    if a.carried:
        words.append(escape(t("summary.carried", lang)))
    when = t("pack.reported_on", lang, date=short_date(a.created_at, tz, lang))
    return f'<td class="text">{" ".join(words)}<br><span class="note">{escape(when)}</span></td>'


def _review(item: ItemAnswer, tz: tzinfo, lang: str) -> str:
    """The answer's review state: accepted or returned by whom and when (and why), or waiting."""
    a = item.answer
    if a is None:
        return "<td></td>"
    if a.review is None:
        return f'<td class="note">{escape(review_name(a.review_state, lang))}</td>'
    words = escape(review_words(a.review, tz, lang, icon=False))
    if a.review.comment:
        comment = escape(t("review.comment", lang, comment=a.review.comment))
        words += f'<br><span class="note">{comment}</span>'
    return f"<td>{words}</td>"


def _row(item: ItemAnswer, period: bool, paths: Mapping[int, str], tz: tzinfo, lang: str) -> str:
    status = status_name(item.status, lang)
    if item.answer is not None and item.answer.late:
        status += " " + t("report.late_mark", lang)
    files = item.answer.evidence if item.answer else ()
    listed = "".join(evidence_item(ev, paths, lang) for ev in files)
    cells = [
        f"<td>{escape(round_label(item.round, lang))}</td>" if period else "",
        f"<td>{escape(division_name(item.division, lang))}</td>",
        f"<td>{escape(status)}</td>",
        _result(item, tz, lang),
        _review(item, tz, lang),
        f"<td><ul>{listed}</ul></td>" if listed else f"<td>{escape(t('report.none', lang))}</td>",
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def _by_measure(items: Sequence[ItemAnswer]) -> list[tuple[MeasureRef, list[ItemAnswer]]]:
    """Items grouped by measure in plan order, each group keeping the items' order."""
    groups: dict[int, tuple[MeasureRef, list[ItemAnswer]]] = {}
    for item in items:
        groups.setdefault(item.measure.id, (item.measure, []))[1].append(item)
    return sorted(groups.values(), key=lambda g: g[0].seq)


def _measure_section(
    measure: MeasureRef,
    items: Sequence[ItemAnswer],
    facts: IndexFacts,
    paths: Mapping[int, str],
    tz: tzinfo,
    lang: str,
) -> str:
    seq = digits(str(measure.seq), lang)
    heading = t("report.measure_heading", lang, seq=seq, title=measure_title(measure, lang))
    columns = [
        *(["export.col.round"] if facts.period else []),
        "report.col.division",
        "report.col.status",
        "report.col.results",
        "export.col.review",
        "report.col.evidence",
    ]
    head = "".join(f"<th>{escape(t(c, lang))}</th>" for c in columns)
    rows = "".join(_row(i, facts.period, paths, tz, lang) for i in items)
    return (
        f'<section id="m{measure.seq}"><h2>{escape(heading)}</h2>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _title(facts: IndexFacts, lang: str) -> tuple[str, str]:
    """The page's heading and the line under it (the round, or the period's rounds)."""
    h = facts.header
    if not facts.period:
        line = t("report.round_line", lang, round=round_label(facts.rounds[0], lang))
        return t("report.title", lang), line
    title = t("report.period_title", lang, plan=localized(lang, h.title_th, h.title_en))
    if not facts.rounds:
        return title, ""
    first, last = facts.rounds[0], facts.rounds[-1]
    span = t(
        "report.rounds_span",
        lang,
        count=digits(str(len(facts.rounds)), lang),
        first=round_name(first, lang),
        last=round_name(last, lang),
    )
    return title, span


def _reports_list(reports: Sequence[str], lang: str) -> str:
    items = []
    for name in reports:
        key = REPORT_LABELS.get(name.rsplit(".", 1)[-1].lower())
        label = escape(t(key, lang)) if key else escape(name)
        items.append(f'<li><a href="{_href(name)}">{label}</a> ({escape(name)})</li>')
    return "<ul>" + "".join(items) + "</ul>"


def _contents_line(m: MeasureRef, lang: str) -> str:
    number = t("report.chart_measure", lang, seq=digits(str(m.seq), lang))
    return f'<li><a href="#m{m.seq}">{escape(number)}</a> {escape(measure_title(m, lang))}</li>'


def render_index(facts: IndexFacts, paths: Mapping[int, str], tz: tzinfo, lang: str = "th") -> str:
    """The index page; `paths` maps each evidence id in the pack to its path there."""
    title, subtitle = _title(facts, lang)
    org = localized(lang, facts.header.org_name_th, facts.header.org_name_en)
    groups = _by_measure(facts.items)
    contents = "".join(_contents_line(m, lang) for m, _ in groups)
    sections = "".join(_measure_section(m, rows, facts, paths, tz, lang) for m, rows in groups)
    prepared = t("pack.prepared", lang, date=long_date(facts.now, tz, lang))
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} {escape(subtitle)}</title><style>{STYLE}</style></head><body>"
        f"<header><p>{escape(org)}</p><h1>{escape(title)}</h1><p>{escape(subtitle)}</p>"
        f'<p class="note">{escape(prepared)}</p></header>'
        f"<h2>{escape(t('pack.documents', lang))}</h2>{_reports_list(facts.reports, lang)}"
        f"<h2>{escape(t('pack.contents', lang))}</h2><ul>{contents}</ul>"
        f'{sections}<p class="note">{escape(t("pack.footer", lang))}</p>'
        "</body></html>\n"
    )
