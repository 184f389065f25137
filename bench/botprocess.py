"""`ita-followup run` as a separate process against the HTTP fake Bot API, for drills and memory.

The bot's clock is real, so the plan is a copy of the seed plan whose measures run through the
month of a meeting set three working days from today: the monthly prompt (five working days
before the meeting) is due already, the reminder (two before) is not yet, so the prompt is the
one notice each person is owed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bench.broadcast import FIRST_USER, enrol_many
from scheduler.workdays import WorkCalendar
from storage.db import create_engine, session_factory
from storage.models import Delivery
from tests.fakebot import FakeBotApiServer, FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
SEED_PLAN = ROOT / "plans" / "nst-city-2565.yaml"
TOKEN = "4299:DRILL-token"


def plan_for(month: dt.date, path: Path) -> Path:
    """A copy of the seed plan whose measures all run through `month`."""
    last = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    text = re.sub(r"start: \d{4}-\d{2}-\d{2}", f"start: {month.isoformat()}", SEED_PLAN.read_text())
    text = re.sub(r"end: \d{4}-\d{2}-\d{2}", f"end: {last.isoformat()}", text)
    path.write_text(text, encoding="utf-8")
    return path


def vm_kib(pid: int, field: str) -> int:
    """A `VmRSS`/`VmHWM`-style field of /proc/<pid>/status, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


async def cli_result(
    env: dict[str, str],
    *args: str,
    timeout: float = 120.0,  # noqa: ASYNC109
) -> tuple[int, str, str]:
    """Run one `ita-followup` command with `env` to completion: (exit status, stdout, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        cwd=str(ROOT),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    return int(proc.returncode or 0), out.decode(), err.decode()


async def run_cli(env: dict[str, str], *args: str) -> None:
    """Run one `ita-followup` command with `env` to completion; raise if it fails."""
    status, out, err = await cli_result(env, *args)
    if status != 0:
        raise RuntimeError(f"ita-followup {' '.join(args)}: {err or out}")


class BotWorld:
    """A temporary database with the plan and its meeting, the fake server, and the bot process."""

    def __init__(self, workdir: Path, *, grace_seconds: float = 2.0) -> None:
        self.workdir = workdir
        self.db_url = f"sqlite+aiosqlite:///{workdir / 'bot.db'}"
        self.fake = FakeTelegram(token=TOKEN, rate_limits=True)
        self.server = FakeBotApiServer(self.fake)
        self.grace_seconds = grace_seconds
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def __aenter__(self) -> BotWorld:
        await self.server.start()
        today = dt.datetime.now(ZoneInfo("Asia/Bangkok")).date()
        meeting = WorkCalendar().add_working_days(today, 3)
        plan = plan_for(meeting.replace(day=1), self.workdir / "plan.yaml")
        await self.cli("db", "upgrade")
        await self.cli("plan", "import", str(plan))
        await self.cli("meeting", "set", f"{meeting.isoformat()}T09:30")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        await self.server.stop()

    def env(self) -> dict[str, str]:
        """The bot's environment: the fake server, the database, a 1-second tick."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
        env.update(
            PYTHONPATH=str(ROOT),
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=self.server.base_url,
            DATABASE_URL=self.db_url,
            SCHEDULER_TICK_SECONDS="1",
            SCHEDULER_INFLIGHT_GRACE_SECONDS=str(self.grace_seconds),
            LOG_LEVEL="INFO",
        )
        return env

    async def cli(self, *args: str) -> None:
        """Run one `ita-followup` command to completion; raise if it fails."""
        await run_cli(self.env(), *args)

    async def enrol(self, people: int) -> None:
        """Enrol `people` people round the divisions (each a user of the fake)."""
        engine = create_engine(self.db_url)
        try:
            await enrol_many(session_factory(engine), self.fake, people)
        finally:
            await engine.dispose()

    async def start(self) -> int:
        """Start `ita-followup run` (log to a file: a full pipe would stall it); its pid."""
        self.starts += 1
        log = (self.workdir / f"bot-{self.starts}.log").open("wb")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            env=self.env(),
            cwd=str(ROOT),
            stdout=log,
            stderr=log,
        )
        log.close()
        # Up once it has set the default command menu (post_init, before polling).
        await self.until(lambda: bool(self.fake.commands_for("default")), 60)
        return self.proc.pid

    async def until(self, done: Callable[[], bool], timeout: float) -> None:  # noqa: ASYNC109
        """Poll `done()` every 50 ms until true; TimeoutError after `timeout` seconds."""
        async with asyncio.timeout(timeout):
            while not done():
                if self.proc is not None and self.proc.returncode is not None:
                    raise RuntimeError(f"the bot exited with {self.proc.returncode}")
                await asyncio.sleep(0.05)

    def received(self, people: int) -> list[int]:
        """Messages each person's chat holds."""
        return [self.fake.sent_count(FIRST_USER + i) for i in range(people)]

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no last commit."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> int:
        """SIGTERM and wait; the exit status."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), 60)

    async def deliveries(self) -> dict[str, int]:
        """Counts: pending, sent, and in flight (intent committed, no outcome)."""
        engine = create_engine(self.db_url)
        try:
            async with session_factory(engine)() as session:
                q = select(Delivery.state, func.count()).group_by(Delivery.state)
                counts = {s: int(n) for s, n in (await session.execute(q)).all()}
                inflight = await session.scalar(
                    select(func.count())
                    .select_from(Delivery)
                    .where(Delivery.sending_since.is_not(None), Delivery.sent_at.is_(None))
                )
        finally:
            await engine.dispose()
        return {"pending": 0, "sent": 0, **counts, "in_flight": int(inflight or 0)}
