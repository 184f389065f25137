"""The command line's error lines never print a database password (issue 13, hole 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

PASSWORD = "Very-s3cret"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+asyncpg://ita:{PASSWORD}@db.example:notaport/ita",
        f"postgresql+asyncpg://ita:{PASSWORD}@127.0.0.1:1/ita",
        f"mysql://ita:{PASSWORD}@db.example/ita",
    ],
)
def test_a_bad_database_url_is_reported_without_its_password(
    url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["members"]) == 2
    out = capsys.readouterr()
    assert "DATABASE_URL" in out.err
    assert PASSWORD not in out.err + out.out
