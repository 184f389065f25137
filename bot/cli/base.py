"""What every `ita-followup` subcommand shares: one dispatch, a migrated database, the core."""

from __future__ import annotations

import argparse
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings
from bot.usecases.core import Core
from storage.db import create_engine, session_factory
from storage.migrate import current_revision, head_revision

PROG = "ita-followup"


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


@dataclass(frozen=True)
class CliApp:
    """What a command runs with: the settings, the engine and the use cases' core."""

    settings: Settings
    engine: AsyncEngine
    core: Core


Command = Callable[[argparse.Namespace, CliApp], Awaitable[int | None]]


def command(
    parser: argparse.ArgumentParser, handler: Command, *, migrated: bool = True
) -> argparse.ArgumentParser:
    """Make `handler` what this (sub)command runs; `migrated`: refuse an old schema first."""
    parser.set_defaults(handler=handler, migrated=migrated)
    return parser


def subcommands(sub: Any, name: str, help_text: str, dest: str) -> Any:
    """A command group such as `invite create|list|revoke`; one of its commands is required."""
    return sub.add_parser(name, help=help_text).add_subparsers(dest=dest, required=True)


async def require_migrated(engine: AsyncEngine) -> None:
    """Refuse to work on a database whose schema is not the newest, saying what to run."""
    current = await current_revision(engine)
    if current != head_revision():
        raise CliError(
            f"the database is at schema {current or 'none'}, this version needs "
            f"{head_revision()}: run `{PROG} db upgrade` first"
        )


async def run_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run the parsed command with an engine on DATABASE_URL, disposed afterwards."""
    engine = create_engine(settings.database_url)
    try:
        if args.migrated:
            await require_migrated(engine)
        core = Core(sessions=session_factory(engine), rules=settings.rules())
        status = await args.handler(args, CliApp(settings, engine, core))
        return int(status or 0)
    finally:
        await engine.dispose()


def check_writable(path: Path) -> None:
    """Refuse an output file that is a folder, or whose folder is missing or not writable."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise CliError(f"cannot write {path}: it is a directory")
    if not parent.is_dir():
        raise CliError(f"cannot write {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CliError(f"cannot write {path}: permission denied")
