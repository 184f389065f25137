"""Cleaning text that came from outside before it is stored."""

from __future__ import annotations

import re
from typing import Any

# C0 control characters but tab, newline and carriage return. PostgreSQL refuses NUL in text
# and JSON outright, and none of them belongs in an answer, a name or an audit detail.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """The text without control characters (tabs and line breaks kept)."""
    return _CONTROL.sub("", text)


def clean_json(value: Any) -> Any:
    """A JSON-able value with every string in it cleaned."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    return value
