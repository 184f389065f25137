"""One logging filter that keeps secrets out of every log record, at every level.

PTB logs the Bot API URL (which holds the bot token) and every call's parameters at DEBUG,
invitation links included; a driver error can echo a database URL with its password. Records
are redacted where they are made (a log record factory), so every logger and every handler
(files, stderr, pytest's caplog) sees only the redacted text: the message with its arguments,
the exception text and the stack. `SecretsFilter` does the same for a handler added by hand.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

MASK = "***"
# What a secret looks like even when it was never registered: a Telegram bot token (bot id,
# a colon, 35 URL-safe characters), an invitation token after `start=` or `/start `, and the
# password between `user:` and `@` in any URL.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![0-9])\d{5,12}:[A-Za-z0-9_-]{30,}"), MASK),
    (re.compile(r"(start(?:=|%3D|\s+))[A-Za-z0-9_-]{16,64}"), rf"\g<1>{MASK}"),
    (re.compile(r"([a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@", re.IGNORECASE), rf"\g<1>{MASK}@"),
)

_lock = threading.Lock()
# Insertion-ordered, so the oldest remembered value goes first when the cap is reached.
_known: dict[str, None] = {}
# Invitation tokens are remembered as they are made: bounded so a long run does not grow it
# without end (an old token still matches the `start` pattern when someone sends it).
MAX_KNOWN = 5000
# The record factory that was in place before install(), to restore (tests); None: not installed.
_previous: Callable[..., logging.LogRecord] | None = None


def remember(*secrets: str | None) -> None:
    """Add exact values to hide (the bot token, a database password) wherever they appear."""
    with _lock:
        # Very short values would mask ordinary words; the patterns still cover their shapes.
        _known.update(dict.fromkeys(s for s in secrets if s and len(s) >= 6))
        while len(_known) > MAX_KNOWN:
            del _known[next(iter(_known))]


def database_password(url: str | None) -> str | None:
    """The password in a database URL, if it has one (decoded as the driver would use it)."""
    if not url:
        return None
    try:
        password = urlsplit(url).password
    except ValueError:  # a malformed URL: the URL pattern still masks its password
        return None
    return unquote(password) if password else None


def redact(text: str) -> str:
    """The text with every remembered secret and every secret-shaped part masked."""
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, MASK)
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_record(record: logging.LogRecord) -> None:
    """Redact a record in place: the merged message, the exception text and the stack."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep the raw parts, redacted, rather than fail
        message = f"{record.msg} {record.args}"
    record.msg, record.args = redact(message), None
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


class SecretsFilter(logging.Filter):
    """A filter that redacts each record passing through (it never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place and let it through."""
        redact_record(record)
        return True


def install(*secrets: str | None) -> None:
    """Redact every record any logger makes from now on; call once at start (again is harmless)."""
    global _previous
    remember(*secrets)
    with _lock:
        if _previous is not None:
            return
        previous = _previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    logging.setLogRecordFactory(factory)
    for handler in logging.getLogger().handlers:
        handler.addFilter(SecretsFilter())


def uninstall() -> None:
    """Restore the record factory and forget the remembered values (for tests)."""
    global _previous
    with _lock:
        if _previous is not None:
            logging.setLogRecordFactory(_previous)
        _previous = None
        _known.clear()
    for handler in logging.getLogger().handlers:
        for found in [f for f in handler.filters if isinstance(f, SecretsFilter)]:
            handler.removeFilter(found)


def install_from(token: str | None, database_url: str | None, extra: Iterable[str] = ()) -> None:
    """Install with the bot token and the database password taken from the settings' values."""
    install(token, database_password(database_url), *extra)
