"""Versioned schema migrations (Alembic), run on an async engine through run_sync.

Alembic (and Mako under it, about 11 MiB) is loaded only to migrate: the start-up check of
`run` reads the revisions without it, so the running bot does not carry it (issue 16).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_REVISION = re.compile(r'^revision = "([^"]+)"$', re.M)
_DOWN = re.compile(r'^down_revision = (?:"([^"]+)"|None)$', re.M)


def alembic_config() -> Config:
    """An Alembic config pointing at this package's migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def known_revisions() -> set[str]:
    """Every revision this code has a migration for."""
    revisions = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        if (found := _REVISION.search(script.read_text(encoding="utf-8"))) is not None:
            revisions.add(found[1])
    return revisions


def head_revision() -> str:
    """The newest revision this code knows: the one no other revision comes down from."""
    revisions, parents = set(), set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        if (found := _REVISION.search(source)) is None:
            continue  # __init__.py
        revisions.add(found[1])
        if (down := _DOWN.search(source)) is not None and down[1]:
            parents.add(down[1])
    heads = revisions - parents
    assert len(heads) == 1, f"migrations must have one head, found {sorted(heads)}"
    return heads.pop()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Migrate the database up to `revision` in one transaction."""
    from alembic import command

    cfg = alembic_config()

    def _run(connection: Connection) -> None:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(_run)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Migrate the database down to `revision`."""
    from alembic import command

    cfg = alembic_config()

    def _run(connection: Connection) -> None:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(_run)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""

    def _get(connection: Connection) -> str | None:
        # What Alembic's MigrationContext.get_current_revision reads, for a single-head history.
        if not inspect(connection).has_table("alembic_version"):
            return None
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return str(found) if found is not None else None

    async with engine.connect() as conn:
        return await conn.run_sync(_get)
