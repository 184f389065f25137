"""Message length as Telegram counts it: UTF-16 code units of the text after HTML parsing.

Telegram's 4,096 limit counts UTF-16 code units, not Python characters: an emoji outside the
Basic Multilingual Plane is two units (Thai letters are one). In HTML parse mode it counts
the text the reader sees: tags do not count and `&lt;` is one unit, so an answer of `<`
characters is four times longer escaped than it is to Telegram. Every view measures and cuts
with these helpers.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
# A callback query answer (toast or alert) shows at most 200 characters.
ALERT_LIMIT = 200
ELLIPSIS = "…"

_TAG = re.compile(r"<[^>]*>")


def utf16_len(text: str) -> int:
    """The text's length in UTF-16 code units (what Telegram's limits count)."""
    return len(text.encode("utf-16-le")) // 2


def visible_len(markup: str) -> int:
    """The length Telegram counts for an HTML-mode message: tags dropped, entities as one."""
    return utf16_len(html.unescape(_TAG.sub("", markup)))


def cut(text: str, limit: int, mark: str = ELLIPSIS) -> str:
    """Plain text cut to at most `limit` UTF-16 units, ending in `mark` when it was cut.

    Cuts between characters, never inside a surrogate pair; cut plain text before escaping.
    """
    if utf16_len(text) <= limit:
        return text
    room = max(0, limit - utf16_len(mark))
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > room:
            return text[:index].rstrip() + mark
    return text  # not reached: the whole text was longer than the limit


def drop_lines(markup: str, limit: int) -> str:
    """HTML cut to `limit` visible units by dropping whole lines from the end (tags stay whole).

    For blocks that open no tag across lines; a single line too long on its own is dropped.
    """
    lines = markup.split("\n")
    while lines and visible_len("\n".join(lines)) > limit:
        lines.pop()
    return "\n".join(lines)


def fits(markup: str, limit: int = MESSAGE_LIMIT) -> bool:
    """Whether an HTML-mode message is within Telegram's limit."""
    return visible_len(markup) <= limit


def pack(lines: Sequence[str], limit: int) -> list[str]:
    """Join HTML lines into messages of at most `limit` visible units, breaking between lines."""
    pages: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        size_of_line = visible_len(line)
        if current and size + size_of_line + 1 > limit:
            pages.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += size_of_line + 1
    if current:
        pages.append("\n".join(current))
    return pages
