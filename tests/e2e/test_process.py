"""End to end: `ita-followup run` as a separate process against the fake Bot API over HTTP.

Every process runs the real command line through tests/e2e/launch.py, whose clock starts at a
fixed instant (E2E_CLOCK_START) and runs at real speed: the tests do not depend on today's date.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import signal
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage.db import create_engine, session_factory
from storage.models import Person
from tests.conftest import ROOT, SEED_PLAN
from tests.e2e.launch import START_ENV
from tests.fakebot import FakeBotApiServer, FakeTelegram

pytestmark = pytest.mark.e2e
# A year after the seed plan's fiscal year ended: nothing is scheduled, only /start is answered.
START = dt.datetime(2023, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Bangkok"))


async def _cli(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    assert START_ENV in env, "every process runs on the fixed clock"
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
            # Ours first; keep the caller's (e.g. where coverage lives) after it.
            PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p),
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_API_URL=server.base_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/e2e.db",
            SCHEDULER_TICK_SECONDS="1",
            **{START_ENV: START.isoformat()},
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
    # The processes ran on the fixed clock: the head was enrolled on its day, not today.
    engine = create_engine(env["DATABASE_URL"])
    try:
        async with session_factory(engine)() as session:
            enrolled = await session.scalar(
                select(Person.created_at).where(Person.telegram_user_id == 2001)
            )
    finally:
        await engine.dispose()
    assert enrolled is not None and enrolled.astimezone(START.tzinfo).date() == START.date()
