"""Evidence in the chat: labels that say what is still being fetched, captions and notes.

Pure and channel-free apart from HTML escaping: the handler (bot.telegram.handlers.evidence)
decides what to upload; these functions only word it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo

from bot.filetypes import default_name, safe_name
from bot.present import evidence_label, short_date
from bot.texts import t
from bot.usecases.evidence import AnswerFiles, Attachment
from storage.evidence import LOST, PENDING, EvidenceFile
from storage.read_models import Answer, EvidenceRef

LINK = "link"


def is_file(e: EvidenceRef | EvidenceFile) -> bool:
    """Whether a piece of evidence is a file (something to upload), not a link."""
    return e.kind != LINK and e.url is None


def has_files(answer: Answer | None) -> bool:
    """Whether an answer carries at least one file (and so gets an evidence button)."""
    return answer is not None and any(is_file(e) for e in answer.evidence)


def marked_label(e: EvidenceRef, lang: str) -> str:
    """One piece of evidence for an HTML view: its label, marked while fetched or when lost."""
    label = html.escape(evidence_label(e, lang), quote=False)
    if e.state == PENDING:
        return t("summary.evidence_pending", lang, label=label)
    if e.state == LOST:
        return t("summary.evidence_lost", lang, label=label)
    return label


def marked_list(items: Iterable[EvidenceRef], lang: str) -> str:
    """The evidence of one answer for an HTML view, escaped, with the fetch marks."""
    return ", ".join(marked_label(e, lang) for e in items)


def upload_name(f: EvidenceFile) -> str:
    """The name a file is uploaded under: its own name made safe, else one from its kind."""
    return safe_name(f.file_name, default_name(f.kind, f.media_type))


def caption(files: AnswerFiles, lang: str, tz: tzinfo, at: datetime | None = None) -> str:
    """A caption naming the measure, division and date (Buddhist era): the answer's by default."""
    at = at or files.owner.created_at
    return t(
        "evidence.caption",
        lang,
        seq=files.owner.measure_seq,
        division=files.owner.division_code,
        date=short_date(at, tz, lang),
    )


def _names(items: Sequence[EvidenceFile]) -> str:
    return ", ".join(upload_name(f) for f in items)


def notes(
    files: AnswerFiles,
    lang: str,
    tz: tzinfo,
    *,
    waiting: Sequence[Attachment] = (),
    missing: Sequence[Attachment] = (),
    failed: Sequence[EvidenceFile] = (),
) -> str | None:
    """One plain-text message after the uploads: links, files still fetched, files lost.

    None when there is nothing to say (every file was uploaded and there are no links).
    """
    links = [a.file.url for a in files.attachments if a.file.url]
    lines = []
    if links:
        lines.append(t("evidence.links", lang, links="\n".join(links)))
    if waiting:
        lines.append(t("evidence.pending", lang, names=_names([a.file for a in waiting])))
    if missing:
        lines.append(t("evidence.unavailable", lang, names=_names([a.file for a in missing])))
    if failed:
        lines.append(t("evidence.not_sent", lang, names=_names(failed)))
    if not files.attachments:
        lines.append(t("evidence.none", lang))
    if not lines:
        return None
    return "\n\n".join([caption(files, lang, tz), *lines])
