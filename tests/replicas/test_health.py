"""/healthz, /readyz and /metrics: on the webhook port, and on HEALTH_PORT in polling mode."""

from __future__ import annotations

import aiohttp
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.telegram.app import build_application
from bot.telegram.health import HealthServer
from bot.telegram.serving import with_health
from storage.db import create_engine
from storage.migrate import downgrade, upgrade
from tests.bot.harness import bot_settings
from tests.fakebot import FakeTelegram, fake_request_pair
from tests.fakebot.webhook import WebhookPoster
from tests.replicas.harness import free_port, until, webhook_replica
from tests.replicas.tcpgate import TcpGate


async def _get(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http,
        http.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


async def test_probes_and_metrics_on_the_webhook_port(engine: AsyncEngine, db_url: str) -> None:
    fake = FakeTelegram()
    fake.add_user(5201)
    async with (
        webhook_replica(fake, engine, db_url) as (_, port),
        WebhookPoster(fake, f"http://127.0.0.1:{port}"),
    ):
        fake.send_text(5201, "/help")
        await until(lambda: fake.sent_count(5201) == 1)
        assert await _get(port, "/healthz") == (200, "ok\n")
        assert await _get(port, "/readyz") == (200, "ready\n")
        status, body = await _get(port, "/metrics")
        assert status == 200
        for name in (
            "ita_updates_total",
            "ita_update_seconds_bucket",
            "ita_tick_lag_seconds",
            "ita_telegram_429_total",
            "ita_evidence_downloads_pending",
            "ita_deliveries",
        ):
            assert name in body, name


# SQLite only: the PostgreSQL database is shared by the session's tests, never downgraded.
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_readyz_says_when_the_schema_is_behind(engine: AsyncEngine, db_url: str) -> None:
    server = HealthServer(engine, "127.0.0.1", 0)
    await server.start()
    try:
        await downgrade(engine, "0007")
        status, body = await _get(server.port, "/readyz")
        assert status == 503 and "ita-followup db upgrade" in body, body
        await upgrade(engine)
        assert await _get(server.port, "/readyz") == (200, "ready\n")
        assert (await _get(server.port, "/healthz"))[0] == 200
    finally:
        await server.stop()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_readyz_fails_while_the_database_is_down_and_recovers(db_url: str) -> None:
    url = make_url(db_url)
    gate = TcpGate(url.host or "127.0.0.1", url.port or 5432)
    await gate.open()
    engine = create_engine(url.set(host="127.0.0.1", port=gate.port).render_as_string(False))
    server = HealthServer(engine, "127.0.0.1", 0)
    await server.start()
    try:
        assert await _get(server.port, "/readyz") == (200, "ready\n")
        await gate.shut()
        status, body = await _get(server.port, "/readyz")
        assert status == 503 and body.startswith("database unavailable"), body
        assert (await _get(server.port, "/healthz"))[0] == 200  # the process itself lives
        assert (await _get(server.port, "/metrics"))[0] == 200
        await gate.open()
        assert await _get(server.port, "/readyz") == (200, "ready\n")
    finally:
        await server.stop()
        await gate.shut()
        await engine.dispose()


async def test_health_port_in_polling_mode(engine: AsyncEngine, db_url: str) -> None:
    fake = FakeTelegram()
    port = free_port()
    settings = bot_settings(fake, db_url, health_port=port)
    request, updates = fake_request_pair(fake)
    app = build_application(settings, engine, request=request, get_updates_request=updates)
    with_health(app, settings, engine, webhook=False)
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None
    await app.post_init(app)  # run_polling's order: initialize, post_init, polling
    try:
        assert await _get(port, "/readyz") == (200, "ready\n")
        assert (await _get(port, "/metrics"))[0] == 200
    finally:
        await app.shutdown()
        await app.post_shutdown(app)
    with pytest.raises(aiohttp.ClientError):
        await _get(port, "/healthz")  # stopped with the bot
