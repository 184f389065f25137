"""What each report column says: one place for the DOCX reports, the memo and the XLSX.

Each function turns a read model into the lines of one cell; the renderers only lay them out.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import tzinfo

from bot.present import (
    digits,
    evidence_label,
    review_name,
    review_words,
    round_month,
    round_short,
    short_date,
    status_name,
    when,
)
from bot.texts import t
from storage.evidence import LOST, PENDING
from storage.read_models import (
    ACCEPTED,
    AWAITING,
    MISSING,
    NOT_FOLLOWED,
    RETURNED,
    Answer,
    DivisionRef,
    EvidenceRef,
    ItemAnswer,
    ReviewEvent,
)
from storage.report_data import PeriodMeasure, PeriodReport, RoundReport

# Kinds that come without a file name, worded here (bot.present words photos and documents).
_UNNAMED_KINDS = ("video", "voice")


def breakable(text: str) -> str:
    """Let a URL or file name wrap only after its separators (a zero-width space after each)."""
    return "".join(c + "\u200b" if c in "/._-?&=" else c for c in text)


def evidence_name(e: EvidenceRef, lang: str) -> str:
    """An attachment by name, breakable, saying so while its file is not (or never) archived."""
    unnamed = not e.file_name and not e.url and e.kind in _UNNAMED_KINDS
    name = t(f"report.evidence.{e.kind}", lang) if unnamed else breakable(evidence_label(e, lang))
    if e.state == PENDING:
        return t("report.evidence_pending", lang, name=name)
    if e.state == LOST:
        return t("report.evidence_lost", lang, name=name)
    return name


def evidence_cell(items: Sequence[EvidenceRef], lang: str, shown: Collection[int] = ()) -> str:
    """The evidence of an answer by name, except the pictures `shown` (evidence ids) in full."""
    return ", ".join(evidence_name(e, lang) for e in items if e.evidence_id not in shown)


def _evidence_line(answer: Answer, lang: str, shown: Collection[int]) -> str | None:
    named = evidence_cell(answer.evidence, lang, shown)
    return t("report.evidence_line", lang, items=named) if named else None


def status_lines(item: ItemAnswer, lang: str) -> list[str]:
    """The status in words, and the late mark when the answer came after the round closed."""
    lines = [status_name(item.status, lang)]
    if item.answer is not None and item.answer.late:
        lines.append(t("report.late_mark", lang))
    return lines


def answer_lines(
    answer: Answer | None, tz: tzinfo, lang: str, shown: Collection[int] = ()
) -> list[str]:
    """What was done: the answer's text, its evidence, who reported it and when, its review
    and the item's review trail (earlier answers returned for more, with the comments).

    Pictures whose evidence id is in `shown` are in the cell as pictures, so not named.
    """
    if answer is None:
        return []
    lines = [answer.text] if answer.text else []
    evidence = _evidence_line(answer, lang, shown)
    if evidence:
        lines.append(evidence)
    lines.append(
        t(
            "report.reported_by",
            lang,
            name=answer.person_name,
            when=when(answer.created_at, tz, lang),
        )
    )
    return [*lines, *review_lines(answer, tz, lang)]


def _comment(review: ReviewEvent, lang: str) -> list[str]:
    return [t("review.comment", lang, comment=review.comment)] if review.comment else []


def review_lines(answer: Answer, tz: tzinfo, lang: str) -> list[str]:
    """The answer's review (or that it awaits one) and its item's earlier reviews."""
    words = (
        review_words(answer.review, tz, lang, icon=False)
        if answer.review is not None
        else review_name(AWAITING, lang)
    )
    lines = [t("report.review", lang, review=words)]
    if answer.review is not None:
        lines += _comment(answer.review, lang)
    for event in answer.trail:
        line = t(
            "report.trail_line",
            lang,
            answered=short_date(event.answered_at, tz, lang),
            status=status_name(event.status, lang),
            name=event.person_name,
            text=event.text or "–",
            review=review_words(event, tz, lang, icon=False),
        )
        lines += [line, *_comment(event, lang)]
    return lines


def result_lines(item: ItemAnswer, tz: tzinfo, lang: str, shown: Collection[int] = ()) -> list[str]:
    """A concise result for the period report: text, the round and date it came in, evidence."""
    answer = item.answer
    if answer is None:
        return []
    lines = [answer.text] if answer.text else []
    source = t(
        "report.result_when",
        lang,
        round=round_short(item.round, lang),
        date=short_date(answer.created_at, tz, lang),
    )
    evidence = _evidence_line(answer, lang, shown)
    if evidence:
        source = f"{source} {evidence}"
    if answer.review is not None:
        review = review_words(answer.review, tz, lang, icon=False)
        source = f"{source} {t('report.review', lang, review=review)}"
    # One paragraph: a row of the period table stays two lines high where it can.
    return [" ".join([*lines, source])]


def returned_line(item: ItemAnswer, lang: str) -> str:
    """A returned answer left out of the period's count, with the coordinator's comment."""
    review = item.answer.review if item.answer is not None else None
    comment = review.comment if review is not None else ""
    return t("report.returned_latest", lang, round=round_short(item.round, lang), comment=comment)


def count_cells(counts: Sequence[int], lang: str) -> list[list[str]]:
    """Numbers as cells, in Thai digits for Thai."""
    return [[digits(str(n), lang)] for n in counts]


def counted(item: ItemAnswer) -> bool:
    """Whether the item's answer counts in a period report: given, and not returned for more.

    Where a coordinator reviewed an answer only an accepted one counts; one nobody reviewed
    counts as the division gave it.
    """
    return item.answer is not None and item.answer.review_state != RETURNED


def latest_answer(items: Sequence[ItemAnswer]) -> ItemAnswer | None:
    """The last item (in round order) whose answer counts."""
    return next((i for i in reversed(items) if counted(i)), None)


def returned_latest(items: Sequence[ItemAnswer]) -> ItemAnswer | None:
    """The last item with an answer, when that answer was returned for more (not counted)."""
    last = next((i for i in reversed(items) if i.answer is not None), None)
    return last if last is not None and not counted(last) else None


def pair_status(items: Sequence[ItemAnswer]) -> str:
    """A pair's status over a period: its latest counted answer's; RETURNED when its only
    answers were returned for more; else missing if it was ever asked."""
    latest = latest_answer(items)
    if latest is not None:
        return latest.status
    if any(i.answer is not None for i in items):
        return RETURNED
    asked = any(i.round.followed_up for i in items)
    return MISSING if asked else NOT_FOLLOWED


def review_tally(items: Sequence[ItemAnswer]) -> tuple[int, int, int]:
    """How many of the items' answers were accepted, await review, were returned."""
    states = [i.answer.review_state for i in items if i.answer is not None]
    return states.count(ACCEPTED), states.count(AWAITING), states.count(RETURNED)


def problem_lines(items: Sequence[ItemAnswer], lang: str) -> list[str]:
    """The latest problem a pair reported, with its round; empty when it reported none."""
    found = next(
        (i for i in reversed(items) if i.answer is not None and i.answer.status == "problem"),
        None,
    )
    if found is None or found.answer is None:
        return []
    text = found.answer.text or status_name("problem", lang)
    return [f"{round_month(found.round, lang)}: {text}"]


def pairs(m: PeriodMeasure) -> list[tuple[DivisionRef, list[ItemAnswer]]]:
    """Each responsible division of a period's measure with its items, in plan order."""
    return [(d, [i for i in m.items if i.division.id == d.id]) for d in m.responsible]


def period_cell(item: ItemAnswer, lang: str) -> str:
    """One round of a pair in the period's annex: the status, marked when returned for more."""
    name = status_name(item.status, lang)
    return (
        f"{name} {t('report.returned_mark', lang)}" if not counted(item) and item.answer else name
    )


def round_statuses(report: RoundReport) -> tuple[str, ...]:
    """Each owed item's status in a round (what the meeting report's summary counts)."""
    return tuple(i.status for d in report.measures for i in d.items)


def period_statuses(report: PeriodReport) -> tuple[str, ...]:
    """Each (measure, division) pair's status over a period (what the period report shows)."""
    return tuple(pair_status(items) for m in report.measures for _, items in pairs(m))
