"""Every error a command can meet, as the lines it prints (each `ita-followup: error: ...`)."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from bot.cli.base import PROG, CliError
from bot.reports.fonts import FontMissingError
from bot.settings import ConfigError
from storage.db import DatabaseUrlError
from storage.plan_file import PlanFileError

# What the operator can fix; anything else is a bug and keeps its traceback.
KNOWN = (
    ConfigError,
    CliError,
    DatabaseUrlError,
    FontMissingError,
    PlanFileError,
    DBAPIError,
    OSError,
)


def error_lines(exc: BaseException) -> list[str]:
    """The one line (a plan file: one per problem) that says what is wrong and how to fix it."""
    if isinstance(exc, PlanFileError):
        return [f"{PROG}: error: {problem}" for problem in exc.problems]
    if isinstance(exc, DBAPIError | OSError) and not isinstance(exc, FontMissingError):
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return [
            f"{PROG}: error: cannot use the database at DATABASE_URL ({reason}); "
            "check that it is running and the URL is right"
        ]
    return [f"{PROG}: error: {exc}"]
