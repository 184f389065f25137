"""End to end: a meeting two working days ahead; a freshly enrolled head gets the prompt."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scheduler.workdays import WorkCalendar
from storage.db import create_engine, session_factory
from tests.conftest import ROOT, SEED_PLAN
from tests.e2e.launch import START_ENV
from tests.e2e.test_process import _check, _cli
from tests.factories import enrol
from tests.fakebot import FakeBotApiServer, FakeTelegram

pytestmark = pytest.mark.e2e
# A Thursday in the seed plan's fiscal year; every process's clock starts here (tests/e2e/launch).
START = dt.datetime(2022, 1, 20, 10, 0, tzinfo=ZoneInfo("Asia/Bangkok"))


async def test_fresh_head_gets_the_prompt_within_two_ticks(tmp_path: Path) -> None:
    meeting_day = WorkCalendar().add_working_days(START.date(), 2)
    assert meeting_day == dt.date(2022, 1, 24)  # Monday; the plan's own rule says the 26th
    db = tmp_path / "e2e.db"
    fake = FakeTelegram(token="4243:E2E-token")
    fake.add_user(2002, first_name="สมศรี", language_code="th")
    async with FakeBotApiServer(fake) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
        env.update(
            # Ours first; keep the caller's (e.g. where coverage lives) after it.
            PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p),
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_API_URL=server.base_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{db}",
            SCHEDULER_TICK_SECONDS="1",
            **{START_ENV: START.isoformat()},
        )
        await _check("db", "upgrade", env=env)
        await _check("plan", "import", str(SEED_PLAN), env=env)
        await _check("meeting", "set", f"{meeting_day.isoformat()}T09:30", env=env)
        engine = create_engine(f"sqlite+aiosqlite:///{db}")
        try:
            await enrol(session_factory(engine), 2002, "head", "FIN", name="สมศรี")
        finally:
            await engine.dispose()
        proc = await _cli("run", env=env)
        try:
            prompt = await fake.wait_for_message(2002, lambda m: m.buttons(), timeout=60)
            assert "ประชุมหัวหน้าส่วนราชการประจำเดือนมกราคม ๒๕๖๕" in (prompt.text or "")
            assert "วันที่ ๒๔ ม.ค. ๒๕๖๕ เวลา ๐๙.๓๐ น." in (prompt.text or "")  # as set
            assert all(data.startswith("m:") for _, data in prompt.buttons())
            assert "สำนักคลัง" in (prompt.text or "")
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, err.decode()
