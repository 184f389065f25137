"""Three `ita-followup run --webhook` processes behind nginx on a fresh PostgreSQL database, and
the HTTP fake Bot API posting updates to nginx over TLS: the world of the replica drill.

The nginx site is deploy/nginx-ita-followup.conf itself, with its port, certificate (a
throwaway self-signed one) and upstream servers replaced: the drill tests the shipped file.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import shutil
import signal
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from zoneinfo import ZoneInfo

import aiohttp
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.botprocess import ROOT, TOKEN, plan_for, run_cli
from scheduler.workdays import WorkCalendar
from storage.db import create_engine
from tests.fakebot import FakeBotApiServer, FakeTelegram
from tests.fakebot.webhook import WebhookPoster
from tests.replicas.harness import free_port

SITE = ROOT / "deploy" / "nginx-ita-followup.conf"
SECRET = "drill_replicas-secret"
WEBHOOK_URL = "https://bot.drill.test/telegram"
ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def nginx_binary() -> str | None:
    """nginx on PATH or in /usr/sbin (Debian's nginx-light, scripts/system-deps.sh)."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )


def nginx_conf(workdir: Path, port: int, replicas: list[int]) -> Path:
    """The shipped site with the drill's port, certificate and replicas, in a minimal nginx.conf."""
    site = SITE.read_text(encoding="utf-8")
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in replicas)
    site = re.sub(
        r"(upstream ita_replicas \{\n)(?:.*\n)*?(    keepalive)", rf"\g<1>{servers}\g<2>", site
    )
    site = re.sub(r"    listen \[::\]:443 ssl;\n", "", site)
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
    site = re.sub(r"ssl_certificate (\s*)\S+;", f"ssl_certificate {workdir}/cert.pem;", site)
    site = re.sub(r"ssl_certificate_key \S+;", f"ssl_certificate_key {workdir}/key.pem;", site)
    (workdir / "site.conf").write_text(site, encoding="utf-8")
    main = f"""
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/nginx-body;
    proxy_temp_path {workdir}/nginx-proxy;
    include {workdir}/site.conf;
}}
"""
    path = workdir / "nginx.conf"
    path.write_text(main, encoding="utf-8")
    return path


class ReplicaWorld:
    """The database, the fake Bot API, nginx and the replica processes (by port)."""

    def __init__(self, workdir: Path, admin_url: str | None = None) -> None:
        self.workdir = workdir
        admin = admin_url or os.environ.get("TEST_DATABASE_URL") or ADMIN_URL
        self.admin_url = admin
        self.db_name = f"ita_drill_{uuid.uuid4().hex[:10]}"
        self.db_url = make_url(admin).set(database=self.db_name).render_as_string(False)
        self.fake = FakeTelegram(token=TOKEN, rate_limits=True)
        self.server = FakeBotApiServer(self.fake)
        self.nginx_port = free_port()
        self.ports = [free_port() for _ in range(3)]
        self.procs: dict[int, asyncio.subprocess.Process] = {}
        self.nginx: asyncio.subprocess.Process | None = None
        self.poster = WebhookPoster(
            self.fake, f"https://127.0.0.1:{self.nginx_port}", concurrency=8
        )

    async def __aenter__(self) -> ReplicaWorld:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                await conn.execute(text(f'CREATE DATABASE "{self.db_name}"'))
        finally:
            await engine.dispose()
        await self.server.start()
        today = dt.datetime.now(ZoneInfo("Asia/Bangkok")).date()
        meeting = WorkCalendar().add_working_days(today, 3)
        plan = plan_for(meeting.replace(day=1), self.workdir / "plan.yaml")
        await self.cli("db", "upgrade")
        await self.cli("plan", "import", str(plan))
        await self.cli("meeting", "set", f"{meeting.isoformat()}T09:30")
        await self._start_nginx()
        await self.poster.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.poster.stop()
        for proc in self.procs.values():
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        if self.nginx is not None and self.nginx.returncode is None:
            # SIGTERM, not SIGKILL: nginx's master then stops its workers (SIGKILL orphans them).
            self.nginx.terminate()
            try:
                await asyncio.wait_for(self.nginx.wait(), 10)
            except TimeoutError:
                self.nginx.kill()
                await self.nginx.wait()
        await self.server.stop()
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)'))
        finally:
            await engine.dispose()

    async def _start_nginx(self) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed: apt-get install nginx-light")
        subj = "/CN=bot.drill.test"
        openssl = await asyncio.create_subprocess_exec(
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", subj, "-keyout", str(self.workdir / "key.pem")),
            *("-out", str(self.workdir / "cert.pem")),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        if await openssl.wait() != 0:
            raise RuntimeError("openssl could not make the drill's certificate")
        conf = nginx_conf(self.workdir, self.nginx_port, self.ports)
        self.nginx = await asyncio.create_subprocess_exec(
            binary,
            "-c",
            str(conf),
            "-p",
            str(self.workdir),
            "-g",
            "daemon off;",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=(self.workdir / "nginx-stderr.log").open("wb"),
        )

    def env(self, port: int) -> dict[str, str]:
        """A replica's environment: the fake Bot API, PostgreSQL, a 1-second tick, its port."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
        env.update(
            PYTHONPATH=str(ROOT),
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=self.server.base_url,
            DATABASE_URL=self.db_url,
            EVIDENCE_DIR=str(self.workdir / "evidence"),
            SCHEDULER_TICK_SECONDS="1",
            SCHEDULER_INFLIGHT_GRACE_SECONDS="2",
            WEBHOOK_URL=WEBHOOK_URL,
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(port),
            WEBHOOK_SECRET=SECRET,
            LOG_LEVEL="INFO",
        )
        return env

    async def cli(self, *args: str) -> None:
        """Run one `ita-followup` command to completion (on the first replica's settings)."""
        await run_cli(self.env(self.ports[0]), *args)

    async def start(self, port: int) -> None:
        """Start the replica on `port` (its log in the work folder)."""
        log = (self.workdir / f"replica-{port}.log").open("ab")
        self.procs[port] = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            "--webhook",
            env=self.env(port),
            cwd=str(ROOT),
            stdout=log,
            stderr=log,
        )
        log.close()

    async def ready(self, timeout: float = 90.0) -> None:  # noqa: ASYNC109
        """Wait until every running replica answers /readyz 200."""
        async with asyncio.timeout(timeout):
            for port, proc in self.procs.items():
                while await self.get(port, "/readyz") != 200:
                    if proc.returncode is not None:
                        raise RuntimeError(f"replica {port} exited with {proc.returncode}")
                    await asyncio.sleep(0.1)

    async def get(self, port: int, path: str) -> int | str:
        """GET a replica's path: the status, or for /metrics the body; 0 if it did not answer."""
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as http,
                http.get(f"http://127.0.0.1:{port}{path}") as response,
            ):
                return await response.text() if path == "/metrics" else response.status
        except (aiohttp.ClientError, TimeoutError):
            return 0

    async def leader(self) -> int | None:
        """The port of the replica that says it holds the tick's lead (ita_tick_leader 1)."""
        for port, proc in self.procs.items():
            if proc.returncode is None:
                body = await self.get(port, "/metrics")
                if isinstance(body, str) and re.search(r"^ita_tick_leader 1\.0$", body, re.M):
                    return port
        return None

    async def kill(self, port: int) -> None:
        """SIGKILL a replica: no shutdown, no last commit, its lock gone with its connection."""
        proc = self.procs[port]
        proc.send_signal(signal.SIGKILL)
        await proc.wait()

    async def stop_all(self) -> None:
        """SIGTERM the replicas still running and wait for them."""
        for proc in self.procs.values():
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            await asyncio.wait_for(proc.wait(), 60)

    async def until(self, done: Callable[[], bool], timeout: float) -> None:  # noqa: ASYNC109
        """Poll `done()` every 50 ms until true; TimeoutError after `timeout` seconds."""
        async with asyncio.timeout(timeout):
            while not done():  # noqa: ASYNC110
                await asyncio.sleep(0.05)
