"""Each update once, one chat's in order: re-deliveries ignored, two replicas on PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.telegram import metrics
from bot.texts import t
from storage.db import create_engine, session_factory
from storage.models import ProcessedUpdate
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram
from tests.fakebot.webhook import WebhookPoster
from tests.replicas.harness import until, webhook_replica

USER = 5101


def _refused() -> float:
    return metrics.REGISTRY.get_sample_value("ita_updates_total", {"outcome": "refused"}) or 0.0


async def test_a_redelivered_update_is_ignored(engine: AsyncEngine, db_url: str) -> None:
    fake = FakeTelegram()
    fake.add_user(USER)
    async with (
        webhook_replica(fake, engine, db_url) as (_, port),
        WebhookPoster(fake, f"http://127.0.0.1:{port}") as poster,
    ):
        update = fake.send_text(USER, "/help")
        await until(lambda: fake.sent_count(USER) == 1)
        refused = _refused()
        # Telegram re-delivers it (its request timed out, say): a 200, and nothing happens.
        assert await poster.post(update) == 200
        await until(lambda: _refused() == refused + 1)
        await asyncio.sleep(0.2)
        assert fake.sent_count(USER) == 1
    async with engine.connect() as conn:
        rows = await conn.scalar(select(func.count()).select_from(ProcessedUpdate))
    assert rows == 1


async def test_a_request_without_the_secret_is_refused(engine: AsyncEngine, db_url: str) -> None:
    fake = FakeTelegram()
    fake.add_user(USER)
    async with (
        webhook_replica(fake, engine, db_url) as (_, port),
        WebhookPoster(fake, f"http://127.0.0.1:{port}", auto=False) as poster,
    ):
        update = fake.send_text(USER, "/help")
        secret = fake.webhook["secret_token"]
        fake.webhook["secret_token"] = "not-the-secret"
        assert await poster.post(update) == 403
        await asyncio.sleep(0.2)
        assert fake.sent_count(USER) == 0
        fake.webhook["secret_token"] = secret
        assert await poster.post(update) == 200
        await until(lambda: fake.sent_count(USER) == 1)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_one_chat_on_two_replicas_in_order(engine: AsyncEngine, db_url: str) -> None:
    sessions = session_factory(engine)
    await seed_plan(sessions)
    await enrol(sessions, USER, "head", "FIN")  # strangers get one greeting, not two answers
    fake = FakeTelegram()
    fake.add_user(USER)
    name, send = fake._methods["sendmessage"]
    first = asyncio.Event()

    async def slow_first_reply(p: Any, files: Any) -> Any:
        # The first answer takes a while: the second update, on the other replica, must wait.
        if not first.is_set():
            first.set()
            await asyncio.sleep(0.8)
        return await send(p, files)

    fake._methods["sendmessage"] = (name, slow_first_reply)
    other = create_engine(db_url)
    try:
        async with (
            webhook_replica(fake, engine, db_url) as (_, port_a),
            webhook_replica(fake, other, db_url) as (_, port_b),
            WebhookPoster(fake, f"http://127.0.0.1:{port_a}", auto=False) as to_a,
            WebhookPoster(fake, f"http://127.0.0.1:{port_b}", auto=False) as to_b,
        ):
            one = fake.send_text(USER, "/help")
            two = fake.send_text(USER, "/nonsense")
            assert await to_a.post(one) == 200
            await first.wait()  # replica A is answering the first
            assert await to_b.post(two) == 200
            await until(lambda: fake.sent_count(USER) == 2)
    finally:
        await other.dispose()
    texts = [m.text for m in fake.messages(USER)]
    assert texts[1] == t("unknown.command", "th"), texts
    assert texts[0] != texts[1]
