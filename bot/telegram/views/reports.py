"""Telegram views of /summary, /missing, /history and /export: pure, escaped, under 4096 chars."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime, tzinfo

from bot.present import (
    STATUS_ORDER,
    division_name,
    measure_title,
    review_icon,
    review_name,
    round_label,
    round_short,
    short,
    status_icon,
    status_name,
    when,
)
from bot.telegram.replies import View
from bot.telegram.report_keyboards import (
    detail_keyboard,
    history_keyboard,
    nudge_keyboard,
    summary_keyboard,
)
from bot.telegram.views.evidence import has_files, marked_list
from bot.telegram.views.length import drop_lines, visible_len
from bot.telegram.views.review_lines import review_lines
from bot.texts import t
from bot.usecases.exports import ReportFile, RoundExport
from bot.usecases.nudges import MissingView
from bot.usecases.refusals import Refused
from bot.usecases.summaries import HistoryChoices, SummaryView
from storage.read_models import (
    ACCEPTED,
    AWAITING,
    RETURNED,
    DivisionDetail,
    DivisionRef,
    History,
    ItemAnswer,
    MeasureDetail,
    MeasureSummary,
    RoundInfo,
    RoundSummary,
    SilentDivision,
)

# The review states in the order they are counted and listed.
REVIEW_STATES = (ACCEPTED, RETURNED, AWAITING)
# Telegram's limit is 4096 characters; keep room for the truncation note.
LIMIT = 3900
# One long answer must not push every other division off the screen; /export has it whole.
TEXT_CHARS = 1200


def esc(text: str) -> str:
    """Escape database text for HTML parse mode."""
    return html.escape(text, quote=False)


def fit(blocks: Sequence[str], lang: str, limit: int = LIMIT) -> str:
    """Join blocks with blank lines, dropping whole blocks past the limit (tags stay balanced)."""
    out: list[str] = []
    size = 0
    for i, block in enumerate(blocks):
        # Telegram counts the visible text in UTF-16 units (tags and entities do not count).
        if size + visible_len(block) + 2 > limit:
            note = t("summary.truncated", lang)
            if i == 0:  # a single huge block: cut its plain tail (blocks open no tag across lines)
                out.append(drop_lines(block, limit - visible_len(note)))
            out.append(note)
            break
        out.append(block)
        size += visible_len(block) + 2
    return "\n\n".join(out)


def legend(lang: str) -> str:
    """Icon legend lines: the statuses, then the review states."""
    items = " ".join(f"{status_icon(s)} {status_name(s, lang)}" for s in STATUS_ORDER)
    states = " ".join(f"{review_icon(s)} {review_name(s, lang)}" for s in REVIEW_STATES)
    return t("summary.legend", lang, legend=items) + "\n" + t("review.legend", lang, legend=states)


def _states(m: MeasureSummary | RoundSummary) -> tuple[int, int, int]:
    return (m.accepted, m.returned, m.awaiting)


def review_counts(summary: RoundSummary, lang: str) -> str:
    """The round's answers by review state, in one line."""
    accepted, returned, awaiting = _states(summary)
    return t("review.counts", lang, accepted=accepted, returned=returned, awaiting=awaiting)


def _window(r: RoundInfo, tz: tzinfo, now: datetime, lang: str) -> list[str]:
    key = "summary.open_until" if now < r.closes_at else "summary.closed_at"
    lines = [t(key, lang, when=when(r.closes_at, tz, lang))]
    if r.meeting_at is not None:
        lines.append(t("summary.meeting", lang, when=when(r.meeting_at, tz, lang)))
    return lines


def summary_message(
    summary: RoundSummary,
    *,
    lang: str,
    tz: tzinfo,
    now: datetime,
    own_only: bool,
    other_open: Sequence[RoundInfo] = (),
) -> str:
    """One phone screen: the round, one line per measure with icons, who is missing."""
    r = summary.round
    head = [t("summary.title", lang, round=esc(round_label(r, lang))), *_window(r, tz, now, lang)]
    if own_only:
        head.append(t("summary.own_only", lang))
    head.append(
        t(
            "summary.totals",
            lang,
            answered=summary.answered,
            owed=summary.owed,
            late=summary.late,
        )
    )
    if summary.answered:
        head.append(review_counts(summary, lang))
    lines = []
    for m in summary.measures:
        icons = " ".join(f"{status_icon(s)}{m.count(s)}" for s in STATUS_ORDER if m.count(s) > 0)
        line = f"<b>{m.measure.seq}.</b> {esc(short(measure_title(m.measure, lang)))}\n"
        line += f"    {m.answered}/{m.owed} {icons}"
        if m.late:
            line += " · " + t("summary.late", lang, n=m.late)
        reviewed = [(s, n) for s, n in zip(REVIEW_STATES, _states(m), strict=True) if n]
        if reviewed:
            line += " · " + " ".join(f"{review_icon(s)}{n}" for s, n in reviewed)
        lines.append(line)
    blocks = ["\n".join(head), "\n".join(lines)]
    missing = summary.missing_divisions
    if missing:
        names = ", ".join(esc(division_name(d, lang)) for d in missing)
        blocks.append(t("summary.missing", lang, names=names))
    if other_open:
        rounds = ", ".join(f"{esc(round_label(o, lang))} ({o.key})" for o in other_open)
        blocks.append(t("summary.other_open", lang, rounds=rounds))
    blocks.append(legend(lang))
    return fit(blocks, lang)


def answer_block(item: ItemAnswer, subject: str, tz: tzinfo, lang: str) -> str:
    """One item's counting answer: status, text, evidence, who and when, its review (HTML)."""
    answer = item.answer
    late = t("summary.late_mark", lang) if answer and answer.late else ""
    first = (
        f"{status_icon(item.status)} <b>{esc(subject)}</b> – {status_name(item.status, lang)}{late}"
    )
    lines = [first]
    if answer is None:
        return first
    if answer.carried:
        lines.append(t("summary.carried", lang))
    if answer.text:
        lines.append(esc(short(answer.text, TEXT_CHARS)))
    if answer.evidence:
        # Escaped item by item; a file still being fetched (or lost) says so beside its name.
        lines.append(t("summary.evidence", lang, items=marked_list(answer.evidence, lang)))
    lines.append(
        t(
            "summary.answer_by",
            lang,
            name=esc(answer.person_name),
            when=when(answer.created_at, tz, lang),
        )
    )
    lines.extend(review_lines(answer, tz, lang))
    return "\n".join(lines)


def measure_message(detail: MeasureDetail, *, lang: str, tz: tzinfo) -> str:
    """Each division's counting answer to one measure, with text, evidence, who and when."""
    title = t(
        "summary.measure_title",
        lang,
        seq=detail.measure.seq,
        title=esc(measure_title(detail.measure, lang)),
        round=esc(round_label(detail.round, lang)),
    )
    blocks = [title]
    blocks += [answer_block(i, division_name(i.division, lang), tz, lang) for i in detail.items]
    return fit(blocks, lang)


def division_message(detail: DivisionDetail, *, lang: str, tz: tzinfo) -> str:
    """One division's counting answers to every measure it owes in the round."""
    title = (
        f"<b>{esc(division_name(detail.division, lang))}</b>\n"
        f"{esc(round_label(detail.round, lang))}"
    )
    blocks = [title]
    blocks += [
        answer_block(i, f"{i.measure.seq}. {short(measure_title(i.measure, lang))}", tz, lang)
        for i in detail.items
    ]
    return fit(blocks, lang)


def _with_files(items: Sequence[ItemAnswer]) -> list[tuple[ItemAnswer, int]]:
    return [(i, i.answer.report_id) for i in items if i.answer is not None and has_files(i.answer)]


def _to_review(items: Sequence[ItemAnswer], reviewer: bool) -> list[tuple[ItemAnswer, str, int]]:
    """The answered items with their review state and report id, for a reviewer's buttons."""
    if not reviewer:
        return []
    return [(i, i.answer.review_state, i.answer.report_id) for i in items if i.answer is not None]


def measure_view(detail: MeasureDetail, lang: str, tz: tzinfo, *, reviewer: bool = False) -> View:
    """sm: the measure's answers, buttons for their files and (a reviewer's) review, and back."""
    buttons = [
        (t("summary.btn_evidence_division", lang, code=i.division.code), report_id)
        for i, report_id in _with_files(detail.items)
    ]
    review = [
        (t("summary.btn_review_division", lang, icon=review_icon(s), code=i.division.code), rid)
        for i, s, rid in _to_review(detail.items, reviewer)
    ]
    text = measure_message(detail, lang=lang, tz=tz)
    return text, detail_keyboard(detail.round.id, buttons, lang, review)


def division_view(detail: DivisionDetail, lang: str, tz: tzinfo, *, reviewer: bool = False) -> View:
    """sd: the division's answers, buttons for their files and (a reviewer's) review, and back."""
    buttons = [
        (t("summary.btn_evidence_measure", lang, seq=i.measure.seq), report_id)
        for i, report_id in _with_files(detail.items)
    ]
    review = [
        (t("summary.btn_review_measure", lang, icon=review_icon(s), seq=i.measure.seq), rid)
        for i, s, rid in _to_review(detail.items, reviewer)
    ]
    text = division_message(detail, lang=lang, tz=tz)
    return text, detail_keyboard(detail.round.id, buttons, lang, review)


def missing_message(round_: RoundInfo, silent: Sequence[SilentDivision], *, lang: str) -> str:
    """Silent divisions with what they owe, their people and whether each is reachable."""
    blocks = [t("missing.title", lang, round=esc(round_label(round_, lang)))]
    if not silent:
        blocks.append(t("missing.none", lang))
        return fit(blocks, lang)
    for s in silent:
        lines = [
            t(
                "missing.division",
                lang,
                name=esc(division_name(s.division, lang)),
                answered=s.answered,
                owed=s.owed,
                measures=", ".join(str(m.seq) for m in s.missing),
            )
        ]
        if s.nudged_today:
            lines[0] += " " + t("missing.nudged_today", lang)
        for p in s.people:
            role = t(f"role.{p.role}", lang)
            name = esc(p.name) + (f" @{esc(p.username)}" if p.username else "")
            if p.reachable:
                lines.append(f"• {name} ({role})")
            else:
                lines.append(t("missing.person_unreachable", lang, name=name, role=role))
        if not s.people:
            lines.append(t("missing.no_people", lang))
        blocks.append("\n".join(lines))
    return fit(blocks, lang)


def history_message(h: History, *, lang: str) -> str:
    """Status round by round: one block per division (measure history) or per measure."""
    if h.measure is not None:
        title = t(
            "history.title_measure",
            lang,
            seq=h.measure.seq,
            title=esc(short(measure_title(h.measure, lang))),
        )
    else:
        assert h.division is not None
        title = t("history.title_division", lang, name=esc(division_name(h.division, lang)))
    blocks = [title]
    for row in h.rows:
        if h.measure is not None:
            label = esc(division_name(row.division, lang))
        else:
            label = esc(f"{row.measure.seq}. {short(measure_title(row.measure, lang), 40)}")
        # Decided reviews only: a mark on every unreviewed answer would drown the statuses.
        decided = [v if v in (ACCEPTED, RETURNED) else None for v in row.reviews]
        marks = decided or [None] * len(row.cells)
        cells = [
            f"{round_short(r, lang)} {status_icon(c)}{review_icon(v) if v else ''}"
            for r, c, v in zip(h.rounds, row.cells, marks, strict=True)
            if c is not None
        ]
        blocks.append(f"<b>{label}</b>\n" + " · ".join(cells))
    blocks.append(legend(lang))
    return fit(blocks, lang)


def summary_view(view: SummaryView, lang: str, tz: tzinfo) -> View:
    """/summary and its back button: the round at a glance, buttons to drill down and export."""
    text = summary_message(
        view.summary,
        lang=lang,
        tz=tz,
        now=view.now,
        own_only=view.own_only,
        other_open=view.other_open,
    )
    measures = [m.measure for m in view.summary.measures]
    return text, summary_keyboard(view.summary.round, measures, view.divisions, lang)


def missing_view(view: MissingView, lang: str) -> View:
    """/missing: the silent divisions, with a nudge button for each the reader may nudge."""
    markup = nudge_keyboard(view.round, view.nudgeable, lang)
    return missing_message(view.round, view.silent, lang=lang), markup


def history_choice_view(choices: HistoryChoices, lang: str) -> View:
    """/history: choose a measure or a division."""
    return t("history.choose", lang), history_keyboard(choices.measures, choices.divisions, lang)


def history_view(h: History | None, lang: str) -> View:
    """A status history, or the plain line that there is none yet (not HTML)."""
    return (history_message(h, lang=lang) if h else t("history.none", lang)), None


def named(refusal: Refused, lang: str) -> Refused:
    """A nudge refusal with its division's name worded in the reader's language.

    Use cases refuse with the division itself; its name depends on who reads it.
    """
    division = refusal.values.get("division")
    if isinstance(division, DivisionRef):
        refusal.values["name"] = division_name(division, lang)
    return refusal


def nudged_text(division: DivisionRef, created: int, lang: str) -> str:
    """The alert after a nudge was recorded."""
    return t("missing.nudge_created", lang, name=division_name(division, lang), count=created)


def file_caption(export: RoundExport, f: ReportFile, lang: str) -> str:
    """A sent file's caption: what it is, and whose data when not every division's."""
    caption = t(f"export.caption_{f.format}", lang, round=round_label(export.round, lang))
    if export.own_divisions is not None:
        names = ", ".join(division_name(d, lang) for d in export.own_divisions)
        caption += "\n" + t("export.own_division", lang, names=names)
    return caption
