"""How rounds, statuses and people are named on screen (B.E. dates, Thai first)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.reports.labels import status_icon, status_name
from bot.texts import t
from scheduler.fiscal import quarter_from_key
from scheduler.thaidate import format_date, format_datetime
from storage.models import Round


def round_label(rnd: Round, lang: str, tz: ZoneInfo) -> str:
    """The round's name: its month and meeting date (B.E.), or its fiscal quarter and range."""
    if rnd.kind == "quarterly":
        quarter = quarter_from_key(rnd.key)
        return t(
            "round.quarterly",
            lang,
            quarter=quarter.label(lang),
            range=quarter.range_label(lang),
        )
    month = rnd.closes_at.astimezone(tz).date().replace(day=1)
    return t(
        "round.monthly",
        lang,
        month=format_date(month, lang=lang, style="month"),
        meeting=format_datetime(rnd.closes_at, tz, lang=lang),
    )


def status_label(status: str | None, lang: str) -> str:
    """The icon and name of a status, as the summaries and reports show it."""
    return f"{status_icon(status)} {status_name(status, lang)}" if status else "–"
