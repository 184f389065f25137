"""Every catalog key is used somewhere in bot/: dead texts rot and mislead translators."""

from __future__ import annotations

import re
from pathlib import Path

from bot.texts import CATALOGS

BOT = Path(__file__).resolve().parents[2] / "bot"
TEXTS = BOT / "texts"
# A key written out in the code: "summary.title" or 'summary.title'.
LITERAL = re.compile(r"""["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")
# The fixed start of a key built in an f-string: f"status.{status}" -> "status.".
DYNAMIC = re.compile(r"""\bf["']([a-z][a-z0-9_]*\.[a-z0-9_.]*)\{""")
# Keys that are deliberately unused (none today); each needs a comment saying why.
KNOWN_UNUSED: frozenset[str] = frozenset()


def _sources() -> str:
    # The catalogs themselves do not count as a use of their own keys; bot/texts/__init__.py
    # (lookup and small text helpers) does.
    files = (p for p in sorted(BOT.rglob("*.py")) if p.parent != TEXTS or p.name == "__init__.py")
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def _used(source: str) -> tuple[set[str], tuple[str, ...]]:
    return set(LITERAL.findall(source)), tuple(sorted(set(DYNAMIC.findall(source))))


def test_the_scan_sees_both_kinds_of_use() -> None:
    literal, prefixes = _used('t("summary.title", lang)\nt(f"status.{s}", lang)')
    assert literal == {"summary.title"}
    assert prefixes == ("status.",)


def test_every_catalog_key_is_used_in_bot() -> None:
    literal, prefixes = _used(_sources())
    assert prefixes, "no f-string keys found: is the scan still right?"
    unused = sorted(
        key
        for key in CATALOGS["th"]
        if key not in literal and not key.startswith(prefixes) and key not in KNOWN_UNUSED
    )
    assert not unused, f"catalog keys used nowhere in bot/: {unused}"
