"""How the tick plans, catches up and retries, and what one tick did."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from scheduler.planner import PlannerConfig

__all__ = ["TickConfig", "TickReport"]


@dataclass(frozen=True)
class TickConfig:
    """How the tick plans, catches up and retries."""

    planner: PlannerConfig = field(default_factory=PlannerConfig)
    tz: dt.tzinfo = dt.UTC
    # Notices that went stale longer ago than this are not even recorded as skipped:
    # a fresh database over an old plan should not fill with years of skipped rows.
    catchup: dt.timedelta = dt.timedelta(days=7)
    # A send in flight for less than this may still be running elsewhere; leave it alone.
    inflight_grace: dt.timedelta = dt.timedelta(minutes=2)
    # Sends one tick takes on: about a minute at Telegram's 30/s, so that a round's prompts go
    # out in one tick (between two ticks the pipeline runs dry for a round trip and a sync).
    batch_limit: int = 1800
    # Sends in flight at once: with Telegram ~0.1-0.3 s away, one at a time cannot reach 30/s.
    send_concurrency: int = 8
    backoff_base: float = 30.0
    backoff_cap: float = 3600.0
    max_attempts: int = 15


# How the tick's log line words each count of TickReport, in the order it says them.
TICK_WORDS = (
    ("rounds", "round(s) opened"),
    ("created", "notice(s) planned"),
    ("sent", "sent"),
    ("retried", "to retry"),
    ("unreachable", "unreachable"),
    ("failed", "failed"),
    ("resumed", "resumed after a crash"),
    ("answered_skipped", "skipped as answered"),
    ("stale_skipped", "skipped as stale"),
    ("recorded_skipped", "recorded as skipped"),
)


@dataclass
class TickReport:
    """What one tick did (logged, and asserted on by tests)."""

    rounds: int = 0
    created: int = 0
    recorded_skipped: int = 0
    stale_skipped: int = 0
    answered_skipped: int = 0
    sent: int = 0
    retried: int = 0
    unreachable: int = 0
    failed: int = 0
    resumed: int = 0

    def line(self) -> str:
        """What the tick did in words, leaving out what it did not do ('' when nothing)."""
        return ", ".join(f"{getattr(self, k)} {w}" for k, w in TICK_WORDS if getattr(self, k))
