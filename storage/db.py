"""Engines and sessions: SQLite (WAL, foreign keys on) by default, PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
# The default URL's folder (sqlite+aiosqlite:///data/ita.db), relative to the working directory:
# the one folder made on demand, so that `make run` works from a fresh clone.
DEFAULT_DATA_DIR = Path("data")


class DatabaseUrlError(ValueError):
    """The database URL cannot be used; the message says how to fix it."""


def check_database_url(url: str) -> str:
    """Return the URL if it names a supported async driver, else raise DatabaseUrlError."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUrlError(
            f"DATABASE_URL {url!r} is not a database URL; expected for example "
            "sqlite+aiosqlite:///data/ita.db or postgresql+asyncpg://user@host/db"
        ) from exc
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise DatabaseUrlError(
            f"DATABASE_URL uses driver {parsed.drivername!r}; use one of "
            + ", ".join(SUPPORTED_DRIVERS)
        )
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the bot read while the CLI writes; SQLite ignores foreign keys unless asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_folder(database: Path) -> None:
    """Make the default data/ folder; any other missing folder is a mistyped URL, not a wish."""
    folder = database.parent
    if folder.is_dir():
        return
    if folder.resolve() == DEFAULT_DATA_DIR.resolve():
        folder.mkdir(parents=True, exist_ok=True)
        return
    raise DatabaseUrlError(
        f"DATABASE_URL points into the folder {folder}, which does not exist; "
        "create it, or fix the URL (only the default data/ folder is created)"
    )


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create an async engine for a checked URL (a SQLite file's folder must exist, data/ aside)."""
    check_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            _sqlite_folder(Path(database))
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """A session maker whose objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
