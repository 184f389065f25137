"""End to end: `ita-followup run` as a separate process against the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_PLAN
from tests.fakebot import FakeBotApiServer, FakeTelegram

pytestmark = pytest.mark.e2e


async def _cli(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        cwd=str(ROOT),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _check(*args: str, env: dict[str, str]) -> str:
    proc = await _cli(*args, env=env)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, (args, out.decode(), err.decode())
    return out.decode()


async def test_bot_process_enrols_a_head_and_stops_on_sigterm(tmp_path: Path) -> None:
    fake = FakeTelegram(token="4242:E2E-token")
    fake.add_user(2001, first_name="วิภา", language_code="th")
    async with FakeBotApiServer(fake) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
        env.update(
            PYTHONPATH=str(ROOT),
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_API_URL=server.base_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/e2e.db",
            SCHEDULER_TICK_SECONDS="1",
        )
        await _check("db", "upgrade", env=env)
        await _check("plan", "import", str(SEED_PLAN), env=env)
        # No BOT_USERNAME: the command line asks the (fake) Bot API with getMe.
        out = await _check("invite", "create", "--division", "FIN", "--role", "head", env=env)
        link = re.search(r"https://t\.me/ita_test_bot\?start=(\S+)", out)
        assert link is not None, out
        proc = await _cli("run", env=env)
        try:
            fake.send_text(2001, f"/start {link.group(1)}")
            reply = await fake.wait_for_message(2001, timeout=60)
            assert "สำนักคลัง" in (reply.text or "")
            assert fake.commands_for("default"), "the command menu was set"
            assert fake.commands_for("chat", 2001), "the head's own menu was set"
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, err.decode()
        assert "update" in err.decode()  # one log line per update handled
