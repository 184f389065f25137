"""Shared fixtures: a migrated database on SQLite and, when configured, on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Base

ROOT = Path(__file__).resolve().parents[1]
SEED_PLAN = ROOT / "plans" / "nst-city-2565.yaml"
BACKENDS = ("sqlite", "postgresql")


def _pg_admin_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


_PG_LEFT_OUT = pytest.StashKey[int]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without TEST_DATABASE_URL, leave the PostgreSQL half out (one summary line, not 100)."""
    if _pg_admin_url() is not None or os.environ.get("CI"):
        return  # under CI the pg_url fixture fails instead: that half must run there
    left_out = [
        item
        for item in items
        if getattr(item, "callspec", None) is not None
        and item.callspec.params.get("db_url") == "postgresql"  # type: ignore[attr-defined]
    ]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        kept = set(map(id, left_out))
        items[:] = [item for item in items if id(item) not in kept]
        config.stash[_PG_LEFT_OUT] = len(left_out)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The one line that says the PostgreSQL half did not run, and how to run it."""
    left_out = config.stash.get(_PG_LEFT_OUT, 0)
    # With pytest-xdist the workers collect (and count); this process only knows it was left out.
    pg_left_out = _pg_admin_url() is None and not os.environ.get("CI")
    if left_out or pg_left_out:
        count = f"{left_out} tests deselected" if left_out else "deselected"
        terminalreporter.write_line(
            f"PostgreSQL half not run ({count}): set "
            "TEST_DATABASE_URL=postgresql+asyncpg://USER@HOST:5432/DB to run it"
        )


async def _pg_create(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()


async def _pg_drop(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await engine.dispose()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session (dropped at the end)."""
    admin = _pg_admin_url()
    if admin is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but TEST_DATABASE_URL is not: the PostgreSQL half must run")
        pytest.skip("set TEST_DATABASE_URL=postgresql+asyncpg://... to run on PostgreSQL")
    name = f"ita_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_pg_create(admin, name))
    except (OSError, Exception) as exc:  # connection refused, auth, etc.
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at TEST_DATABASE_URL is unreachable under CI: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_migrate(url))
    yield url
    asyncio.run(_pg_drop(admin, name))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies (migrating once is faster)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database on each backend."""
    if request.param == "sqlite":
        target = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite+aiosqlite:///{target}"
    return str(request.getfixturevalue("pg_url"))


async def truncate_all(engine: AsyncEngine) -> None:
    """Empty every table (PostgreSQL tests share one migrated database)."""
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a clean, migrated database."""
    eng = create_engine(db_url)
    if eng.dialect.name == "postgresql":
        await truncate_all(eng)
    yield eng
    await eng.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """A session maker on the clean database."""
    return session_factory(engine)


@pytest.fixture(autouse=True)
def evidence_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test archives evidence in its own folder (never in the checkout's data/)."""
    folder = tmp_path / "evidence"
    monkeypatch.setenv("EVIDENCE_DIR", str(folder))
    return folder
