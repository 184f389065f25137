"""The `ita-followup` command line: one parser, one dispatch, one way to report an error.

Each command module registers its parsers with `command(parser, handler)`; `main` parses,
loads the settings, runs the handler with a migrated database and maps every error the
operator can fix to one line and exit status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from bot import secrets_filter
from bot.cli import away, backup, demo, holidays, pack, people, privacy, reports, schedule, setup
from bot.cli.base import PROG, CliError, run_command
from bot.cli.errors import KNOWN, error_lines
from bot.settings import load_settings

__all__ = ["PROG", "CliError", "main"]


class _Parser(argparse.ArgumentParser):
    """argparse with its errors on one line (subcommands inherit the class)."""

    def error(self, message: str) -> NoReturn:
        """Print one line and exit 2, like every other operator error (no usage block)."""
        self.exit(2, f"{PROG}: error: {message} (see `{self.prog} --help`)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="ITA measures follow-up bot")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (setup, people, away, schedule, holidays, reports, pack, demo, privacy, backup):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    # Before anything can log: no record at any level carries a secret (bot token, invitation
    # tokens, the database password), whatever library writes it.
    secrets_filter.install()
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        token = settings.telegram_bot_token
        secrets_filter.install_from(
            token.get_secret_value() if token else None, settings.database_url
        )
        logging.basicConfig(
            level=settings.log_level,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        # Libraries that narrate every request, migration check and job run at INFO: the
        # operator's INFO is the bot's own lines (the tick says what it did, in one line).
        for chatty in ("httpx", "alembic", "apscheduler"):
            logging.getLogger(chatty).setLevel(logging.WARNING)
        if getattr(args, "standalone", None) is not None:  # a command with its own database
            return int(args.standalone(args, settings))
        if getattr(args, "run_bot", None) is not None:
            return int(args.run_bot(settings))
        return asyncio.run(run_command(args, settings))
    except BrokenPipeError:
        # `schedule | head -1`: the reader has gone, which is no error. Point stdout at
        # /dev/null so that the interpreter's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KNOWN as exc:
        for line in error_lines(exc):
            print(secrets_filter.redact(line), file=sys.stderr)
        return 2
