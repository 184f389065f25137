"""Prometheus metrics of one bot process (prometheus-client, a registry of its own).

Counters and histograms are kept in memory by the process that counts; the gauges that say
what the database holds (deliveries by kind and state, downloads pending) are read from it at
each scrape, so every replica reports the same figures for them.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.gauges import deliveries_by_kind_state, downloads_pending

REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES = Counter(
    "ita_updates_total",
    "Telegram updates by outcome: handled, or refused as a re-delivery of one already taken",
    ["outcome"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "ita_update_seconds",
    "From an update's arrival at this replica to the end of its handling (press to reply)",
    ["kind"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
DELIVERIES = Gauge(
    "ita_deliveries",
    "Deliveries (notices) in the database by kind and state, read at each scrape",
    ["kind", "state"],
    registry=REGISTRY,
)
TICK_LAG = Gauge(
    "ita_tick_lag_seconds",
    "How late the last scheduler tick on this replica started after it was due",
    registry=REGISTRY,
)
TICK_LEADER = Gauge(
    "ita_tick_leader",
    "1 while this replica holds the tick leadership, else 0",
    registry=REGISTRY,
)
HTTP_429 = Counter(
    "ita_telegram_429_total",
    "Sends Telegram refused with 429 Too Many Requests",
    registry=REGISTRY,
)
DOWNLOADS_PENDING = Gauge(
    "ita_evidence_downloads_pending",
    "Evidence files waiting to be downloaded and archived, read at each scrape",
    registry=REGISTRY,
)


async def exposition(sessions: async_sessionmaker[AsyncSession]) -> bytes:
    """Refresh the database gauges and render every metric in Prometheus' text format."""
    async with sessions() as session:
        counts = await deliveries_by_kind_state(session)
        pending = await downloads_pending(session)
    DELIVERIES.clear()  # a (kind, state) that emptied must not keep its last figure
    for (kind, state), n in counts.items():
        DELIVERIES.labels(kind=kind, state=state).set(n)
    DOWNLOADS_PENDING.set(pending)
    return generate_latest(REGISTRY)
