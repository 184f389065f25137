"""The one command-line environment every CLI test runs in."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine


@pytest.fixture
def cli_env(
    db_url: str, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> str:
    """Point the CLI at the (clean) test database, away from any developer .env.

    Runs in `tmp_path` (so no .env is read), with DATABASE_URL set, no bot token (nothing
    reaches Telegram) and a fixed BOT_USERNAME for invitation links. Returns the URL.
    """
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("BOT_USERNAME", "@ita_nst_bot")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return db_url
