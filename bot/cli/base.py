"""What every `ita-followup` subcommand shares: the name, one-line errors, a migrated engine."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings
from storage.db import create_engine
from storage.migrate import current_revision, head_revision

PROG = "ita-followup"


class CliError(Exception):
    """A problem the user can fix; printed as one line."""


async def with_engine(settings: Settings, work: Callable[[AsyncEngine], Awaitable[Any]]) -> Any:
    """Run `work` with an engine on DATABASE_URL, disposed afterwards."""
    engine = create_engine(settings.database_url)
    try:
        return await work(engine)
    finally:
        await engine.dispose()


async def require_migrated(engine: AsyncEngine) -> None:
    """Refuse to work on a database whose schema is not the newest, saying what to run."""
    current = await current_revision(engine)
    if current != head_revision():
        raise CliError(
            f"the database is at schema {current or 'none'}, this version needs "
            f"{head_revision()}: run `{PROG} db upgrade` first"
        )
