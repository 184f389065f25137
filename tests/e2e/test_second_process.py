"""`ita-followup run` as a process while another holds the bot: it stops with one line, exit 2.

On SQLite any second process on the same file; on PostgreSQL a second poller (webhook replicas
are the way to run several). The first process is stood in for by the test holding its claim.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.botprocess import cli_result
from bot.telegram.serving import claim_process
from tests.bot.harness import bot_settings
from tests.conftest import ROOT
from tests.fakebot import FakeBotApiServer, FakeTelegram

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("db_url", "needle"),
    [
        ("sqlite", "another bot process already runs on"),
        ("postgresql", "another bot process already polls Telegram"),
    ],
    indirect=["db_url"],
)
async def test_a_second_process_stops_with_its_line(
    db_url: str, needle: str, tmp_path: Path
) -> None:
    fake = FakeTelegram(token="4343:SECOND-token")
    first = await claim_process(bot_settings(fake, db_url), webhook=False)
    try:
        async with FakeBotApiServer(fake) as server:
            env = {
                k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))
            }
            env.update(
                PYTHONPATH=str(ROOT),
                TELEGRAM_BOT_TOKEN=fake.token,
                TELEGRAM_API_URL=server.base_url,
                DATABASE_URL=db_url,
                EVIDENCE_DIR=str(tmp_path / "evidence"),
            )
            status, _, err = await cli_result(env, "run", timeout=90)
    finally:
        await first.release()
    lines = err.strip().splitlines()
    assert status == 2, err
    assert len(lines) == 1 and needle in lines[0], err
    assert not any(c.method == "getUpdates" for c in fake.calls)  # it never polled
