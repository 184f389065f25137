"""Start-up that survives: Telegram unreachable at start is waited out; a rejected token is one
line without the token and its own exit status. In process (connect) and as a real process."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram import Bot

from bot.cli.setup import EXIT_TOKEN_REJECTED
from bot.telegram.app import TokenRejected, connect
from tests.conftest import ROOT
from tests.e2e.launch import START_ENV
from tests.fakebot import FakeBotApiServer, FakeTelegram

START = dt.datetime(2023, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Bangkok"))


async def test_connect_retries_with_backoff_one_line_each(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeTelegram(token="4242:RETRY-token")
    fake.fail_next("getMe", kind="5xx", count=3)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:  # the clock is ours: no real waiting
        waits.append(seconds)

    async with FakeBotApiServer(fake) as server:
        bot = Bot(fake.token, base_url=server.base_url)
        with caplog.at_level(logging.WARNING, logger="bot.telegram.app"):
            await connect(bot, sleep=sleep)
        assert bot.username == "ita_test_bot"
        await bot.shutdown()
    assert waits == [1.0, 2.0, 4.0]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3, lines
    assert all("Telegram unreachable at start" in line for line in lines)
    assert "attempt 3" in lines[2]
    assert not any(r.exc_info for r in caplog.records)


async def test_connect_refuses_a_rejected_token_without_printing_it() -> None:
    fake = FakeTelegram(token="4242:RIGHT-token")
    async with FakeBotApiServer(fake) as server:
        bot = Bot("4242:WRONG-token", base_url=server.base_url)
        with pytest.raises(TokenRejected) as info:
            await connect(bot, sleep=lambda _: asyncio.sleep(0))
        await bot.shutdown()
    assert "WRONG" not in str(info.value)
    assert info.value.__suppress_context__ and info.value.__cause__ is None


def _env(tmp_path: Path, token: str, api_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p),
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_URL=api_url,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/e2e.db",
        SCHEDULER_TICK_SECONDS="1",
        **{START_ENV: START.isoformat()},
    )
    return env


async def _cli(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.e2e.launch",
        *args,
        env=env,
        cwd=str(ROOT),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _upgraded(env: dict[str, str]) -> None:
    proc = await _cli("db", "upgrade", env=env)
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.e2e
async def test_run_waits_for_an_unreachable_bot_api_then_serves(tmp_path: Path) -> None:
    fake = FakeTelegram(token="4242:E2E-token")
    port = _free_port()
    env = _env(tmp_path, fake.token, f"http://127.0.0.1:{port}/bot")
    await _upgraded(env)
    proc = await _cli("run", env=env)
    assert proc.stderr is not None
    # Nothing listens yet: the process logs its first attempt and keeps trying.
    line = await asyncio.wait_for(proc.stderr.readline(), 60)
    assert b"Telegram unreachable at start (attempt 1" in line, line
    assert proc.returncode is None
    async with FakeBotApiServer(fake, port=port):
        try:
            fake.send_text(2001, "/start")
            reply = await fake.wait_for_message(2001, timeout=60)
            assert reply.text
        finally:
            proc.terminate()
            _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    assert "Traceback" not in err.decode(), err.decode()
    # No plan covers 2023 (none is imported): said in one line once connected; the bot goes on.
    assert "warning: no imported plan covers today (2023-06-15" in err.decode()


@pytest.mark.e2e
async def test_run_with_a_rejected_token_is_one_line_without_it(tmp_path: Path) -> None:
    fake = FakeTelegram(token="4242:RIGHT-token")
    async with FakeBotApiServer(fake) as server:
        env = _env(tmp_path, "4242:WRONG-secret-token", server.base_url)
        await _upgraded(env)
        proc = await _cli("run", env=env)
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == EXIT_TOKEN_REJECTED
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1, err.decode()
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in lines[0]
    assert "WRONG-secret" not in (out + err).decode()
