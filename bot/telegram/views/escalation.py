"""Telegram views of escalation: a supervisor's notice of silent divisions, with nudge buttons."""

from __future__ import annotations

import html
from datetime import tzinfo

from bot.present import division_name, round_title, when
from bot.telegram.replies import View
from bot.telegram.report_keyboards import nudge_keyboard
from bot.telegram.views.reports import fit
from bot.texts import t
from bot.usecases.escalation import EscalatedDivision, EscalationNotice


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _division_lines(d: EscalatedDivision, lang: str, tz: tzinfo) -> list[str]:
    s = d.silent
    measures = ", ".join(str(m.seq) for m in s.missing)
    name = _esc(division_name(s.division, lang))
    lines = [
        t(
            "escalation.division",
            lang,
            name=name,
            answered=s.answered,
            owed=s.owed,
            measures=measures,
        )
    ]
    for r in d.reminded:
        stamp = when(r.sent_at, tz, lang, thai_digits=False)
        lines.append(t("escalation.reminded", lang, name=_esc(r.name), when=stamp))
    if not d.reminded:
        lines.append(t("escalation.nobody_reminded", lang))
    return lines


def escalation_view(notice: EscalationNotice, lang: str, tz: tzinfo) -> View:
    """The notice: the round, each silent division with who was reminded when, nudge buttons."""
    r = notice.round
    intro = "escalation.intro_quarterly" if r.kind == "quarterly" else "escalation.intro_monthly"
    deadline = when(r.meeting_at or r.closes_at, tz, lang, thai_digits=False)
    head = [
        t("rounds.greeting", lang, name=_esc(notice.person_name)),
        "",
        t("escalation.title", lang, round=_esc(round_title(r, lang, tz))),
        t(intro, lang, when=deadline),
    ]
    blocks = ["\n".join(head)]
    blocks.extend("\n".join(_division_lines(d, lang, tz)) for d in notice.divisions)
    markup = nudge_keyboard(r, notice.nudgeable, lang)
    if markup is not None:
        blocks.append(t("escalation.footer", lang))
    return fit(blocks, lang), markup
