"""One process per SQLite file, one poller per bot, polling never over a webhook; settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli import main
from bot.settings import ConfigError
from bot.telegram.serving import ProcessRefused, claim_process, refuse_polling_over_webhook
from tests.bot.harness import bot_settings
from tests.fakebot import FakeTelegram, fake_bot


async def test_a_second_process_on_sqlite_is_refused(tmp_path: object) -> None:
    fake = FakeTelegram()
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    settings = bot_settings(fake, url)
    first = await claim_process(settings, webhook=False)
    try:
        for webhook in (False, True):  # replicas need PostgreSQL
            with pytest.raises(ProcessRefused, match="another bot process already runs on"):
                await claim_process(settings, webhook=webhook)
    finally:
        await first.release()
    again = await claim_process(settings, webhook=False)  # the first has gone: free again
    await again.release()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_a_second_poller_stops_with_its_line(engine: AsyncEngine, db_url: str) -> None:
    settings = bot_settings(FakeTelegram(), db_url)
    first = await claim_process(settings, webhook=False)
    try:
        with pytest.raises(ProcessRefused) as refused:
            await claim_process(settings, webhook=False)
        assert "another bot process already polls Telegram" in str(refused.value)
        assert "\n" not in str(refused.value)
        replica = await claim_process(settings, webhook=True)  # webhook replicas are welcome
        await replica.release()
    finally:
        await first.release()
    after = await claim_process(settings, webhook=False)
    await after.release()


async def test_polling_is_refused_while_a_webhook_is_set() -> None:
    fake = FakeTelegram()
    async with fake_bot(fake) as bot:
        await refuse_polling_over_webhook(bot)  # no webhook: fine
        await bot.set_webhook("https://bot.test/telegram", secret_token="s")
        with pytest.raises(ProcessRefused, match="a webhook is set for this bot"):
            await refuse_polling_over_webhook(bot)
        with pytest.raises(Exception, match="webhook is active"):
            await bot.get_updates()


@pytest.mark.parametrize(
    ("overrides", "fault"),
    [
        ({}, "WEBHOOK_URL"),
        ({"webhook_url": "http://bot.test/telegram", "webhook_secret": "s"}, "WEBHOOK_URL"),
        ({"webhook_url": "https://bot.test/telegram"}, "WEBHOOK_SECRET"),
        ({"webhook_url": "https://bot.test/t", "webhook_secret": "with space"}, "WEBHOOK_SECRET"),
        ({"webhook_url": "https://bot.test/t", "webhook_secret": "x" * 257}, "WEBHOOK_SECRET"),
    ],
)
def test_webhook_settings_are_checked(overrides: dict[str, str], fault: str) -> None:
    settings = bot_settings(FakeTelegram(), "sqlite+aiosqlite:///x.db", **overrides)
    with pytest.raises(ConfigError, match=fault):
        settings.webhook()


def test_good_webhook_settings() -> None:
    settings = bot_settings(
        FakeTelegram(),
        "sqlite+aiosqlite:///x.db",
        webhook_url="https://bot.test/telegram",
        webhook_secret="A-z_09" * 40,
    )
    assert settings.webhook() == ("https://bot.test/telegram", "A-z_09" * 40)


def test_run_webhook_without_its_settings_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("WEBHOOK_URL", "WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/bot.db")
    assert main(["run", "--webhook"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "WEBHOOK_URL must be the public https URL" in lines[0], lines
