"""The message catalog: every text a user sees, Thai first, English second."""

from __future__ import annotations

import string
from collections.abc import Mapping
from types import ModuleType

from bot.texts import answer, cover, en, enrol, evidence, meetings, reports, review, rounds, th

# Each feature keeps its texts in its own module (TH and EN dicts) beside the core catalog.
FEATURE_MODULES: tuple[ModuleType, ...] = (
    answer,
    cover,
    enrol,
    evidence,
    meetings,
    reports,
    review,
    rounds,
)


def _merge(lang: str, core: Mapping[str, str]) -> dict[str, str]:
    merged = dict(core)
    for module in FEATURE_MODULES:
        part: Mapping[str, str] = getattr(module, lang.upper())
        clash = merged.keys() & part.keys()
        if clash:
            raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
        merged.update(part)
    return merged


CATALOGS: Mapping[str, Mapping[str, str]] = {
    "th": _merge("th", th.MESSAGES),
    "en": _merge("en", en.MESSAGES),
}
DEFAULT_LANGUAGE = "th"


def pick_language(language_code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Map a Telegram language code to a catalog; Thai unless the person uses English."""
    if language_code and language_code.split("-")[0].lower() in CATALOGS:
        return language_code.split("-")[0].lower()
    return default


def localized(lang: str, th: str | None, en: str | None) -> str:
    """Data stored in both languages (names, titles): English only where it exists."""
    return en if lang == "en" and en else (th or "")


def has_text(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    """Whether the catalog (or its Thai fallback) words `key`."""
    return key in CATALOGS.get(lang, CATALOGS[DEFAULT_LANGUAGE]) or key in CATALOGS["th"]


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The text for `key` in `lang` (falling back to Thai), with `values` filled in."""
    catalog = CATALOGS.get(lang, CATALOGS[DEFAULT_LANGUAGE])
    template = catalog.get(key) or CATALOGS[DEFAULT_LANGUAGE][key]
    return template.format(**values) if values else template


# Thai grammar for meeting_title (not wording: the plan file supplies the meeting's name).
_TH_MEETING_VERB = "ประชุม"
_TH_NOUN_PREFIX = "การ"
_TH_MONTHLY = "ประจำเดือน"


def meeting_title(series: str, month: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """One meeting of the plan's meeting series, as a heading names it.

    The plan names the series ("ประชุมหัวหน้าส่วนราชการประจำเดือน"); one meeting of it reads
    "การประชุมหัวหน้าส่วนราชการประจำเดือนมกราคม ๒๕๖๕", not "…ประจำเดือน ประจำเดือนมกราคม…".
    `month` comes formatted ("มกราคม ๒๕๖๕", "January 2022"); a series named without
    "ประจำเดือน" or already as a noun ("การประชุม…") reads the same.
    """
    series = series.strip()
    if lang == "th":
        if series.startswith(_TH_MEETING_VERB):
            series = _TH_NOUN_PREFIX + series
        series = series.removesuffix(_TH_MONTHLY).rstrip()
    return t("meeting.title", lang, meeting=series, month=month)


def placeholders(template: str) -> set[str]:
    """The `{names}` a template expects (used to check the catalogs agree)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
