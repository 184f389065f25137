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
