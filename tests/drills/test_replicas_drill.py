"""The replica drill in short (bench/drill_replicas.py): three webhook replicas behind nginx on
PostgreSQL, the tick's leader SIGKILLed mid-broadcast and another replica mid-answers.

Runs on PostgreSQL only; outside CI it is skipped when TEST_DATABASE_URL is unset, under CI it
must run (nginx too: scripts/system-deps.sh installs nginx-light).
"""

from __future__ import annotations

import os

import pytest

from bench.drill_replicas import run
from bench.replicaworld import nginx_binary

pytestmark = pytest.mark.e2e


async def test_replicas_lose_nothing_when_killed() -> None:
    if not os.environ.get("TEST_DATABASE_URL"):
        if os.environ.get("CI"):
            pytest.fail("CI is set but TEST_DATABASE_URL is not: the replica drill must run")
        pytest.skip("set TEST_DATABASE_URL=postgresql+asyncpg://... to run the replica drill")
    if nginx_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing under CI: apt-get install nginx-light")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    r = await run(count=40, heads=6, askers=3, kill_at=0.4, step_wait=3.0)
    assert r["lost"] == 0, r
    assert r["twice"] <= r["in_flight_at_kill"], r
    assert r["failover_s"] <= 3.0, r  # two 1-second ticks, plus the time to ask /metrics
    assert r["out_of_order"] == 0, r
    assert r["redelivered"] > 0 and r["redelivered_handled_twice"] == 0, r
    assert r["passed"], r
