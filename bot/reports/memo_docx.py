"""The cover memo (the Thai official memo form) that puts a report before the mayor.

The standard parts, in order: the form's title, the issuing office, the reference number (left
blank for the registry to fill), the date, the subject, the addressee; a body that states the
plan, what the round or period showed (counted from the same data as the report), and the
request; the coordinator's signature; a space for the executive to acknowledge.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from docx.shared import Cm

from bot.present import STATUS_ORDER, digits, long_date, round_label, round_name, status_name
from bot.reports.docx_common import add_paragraph, to_bytes
from bot.reports.docx_layout import new_document, signature_block
from bot.reports.memo_facts import MemoFacts
from bot.texts import localized, t
from bot.texts.reports import MAYOR_TH, MUNICIPALITY_TH
from storage.read_models import MISSING, NOT_FOLLOWED, RETURNED, RoundInfo

MEMO_TITLE_PT = 29.0  # the form's own size for its title
BODY_INDENT_CM = 2.5


def span(rounds: Sequence[RoundInfo], lang: str) -> str:
    """One round by its label; a period from its first round to its last."""
    if len(rounds) == 1:
        return round_label(rounds[0], lang)
    if not rounds:
        return ""
    first, last = round_name(rounds[0], lang), round_name(rounds[-1], lang)
    return t("memo.period_span", lang, first=first, last=last)


def mayor(org_th: str) -> str:
    """The mayor's title from the municipality's name (the municipality's mayor)."""
    place = org_th.removeprefix(MUNICIPALITY_TH)
    return f"{MAYOR_TH}{place}"


def _tally(statuses: Sequence[str], lang: str) -> str:
    shown = [s for s in STATUS_ORDER if s in statuses]
    return " ".join(
        t("memo.count", lang, status=status_name(s, lang), n=digits(str(statuses.count(s)), lang))
        for s in shown
    )


def _body(facts: MemoFacts, lang: str) -> list[str]:
    h = facts.header
    org = localized(lang, h.org_name_th, h.org_name_en)
    plan = localized(lang, h.title_th, h.title_en)
    owed = len(facts.statuses)
    # A pair whose answers were all returned for more is not counted as answered.
    answered = owed - sum(s in (MISSING, NOT_FOLLOWED, RETURNED) for s in facts.statuses)
    return [
        t("memo.body_plan", lang, org=org, plan=plan),
        t(
            "memo.body_result",
            lang,
            span=span(facts.rounds, lang),
            owed=digits(str(owed), lang),
            answered=digits(str(answered), lang),
            tally=_tally(facts.statuses, lang),
        ),
        t("memo.body_request", lang, org=org),
    ]


def render_memo_docx(
    facts: MemoFacts, tz: tzinfo, generated_at: datetime, lang: str = "th"
) -> bytes:
    """The cover memo for a round's or a period's report, as a .docx file."""
    h = facts.header
    doc = new_document()
    add_paragraph(doc, t("memo.title", lang), MEMO_TITLE_PT, bold=True, center=True)
    org = localized(lang, h.org_name_th, h.org_name_en)
    add_paragraph(doc, t("memo.office", lang, office=org))
    add_paragraph(doc, t("memo.number_date", lang, date=long_date(generated_at, tz, lang)))
    plan = localized(lang, h.title_th, h.title_en)
    add_paragraph(doc, t("memo.subject", lang, plan=plan, span=span(facts.rounds, lang)))
    add_paragraph(doc, t("memo.to", lang, mayor=mayor(h.org_name_th) if lang == "th" else org))
    for text in _body(facts, lang):
        paragraph = add_paragraph(doc, text)
        paragraph.paragraph_format.first_line_indent = Cm(BODY_INDENT_CM)
    signature_block(
        doc,
        [t("report.sign", lang, role=""), t("report.sign_name", lang), t("memo.coordinator", lang)],
        landscape=False,
    )
    signature_block(
        doc,
        [
            t("memo.acknowledged", lang),
            t("report.sign", lang, role=""),
            t("report.sign_name", lang),
        ],
        landscape=False,
    )
    return to_bytes(doc)
