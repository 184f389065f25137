"""Migrations: up and down on both databases, and the models match the newest schema."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.migrate import current_revision, downgrade, head_revision, upgrade
from storage.models import Base


async def test_schema_matches_models(engine: AsyncEngine) -> None:
    assert await current_revision(engine) == head_revision()

    def diff(conn: Connection) -> list[Any]:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []


async def test_down_to_base_and_up_again(engine: AsyncEngine) -> None:
    def tables(conn: Connection) -> set[str]:
        return set(inspect(conn).get_table_names()) - {"alembic_version"}

    await downgrade(engine, "base")
    async with engine.connect() as conn:
        assert await conn.run_sync(tables) == set()
    await upgrade(engine)
    async with engine.connect() as conn:
        assert await conn.run_sync(tables) == set(Base.metadata.tables)
    assert await current_revision(engine) == head_revision()


def test_the_head_read_without_alembic_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_an_unmigrated_database_has_no_revision(tmp_path: Any) -> None:
    from storage.db import create_engine

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/empty.db")
    assert await current_revision(engine) is None
    await engine.dispose()


def test_the_running_bot_does_not_load_alembic() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, bot.telegram.app, bot.cli, storage.migrate; "
        "print(sorted(m for m in ('alembic', 'mako', 'matplotlib', 'docx', 'openpyxl') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
