"""The fake Bot API a round trip away, as Telegram is from Thailand (0.1-0.3 s).

Each call waits half the round trip on the way in and half on the way out, each leg varying
by `jitter` (0.2: uniformly within +-20 %, seeded). The fake counts a message, and answers 429
over Telegram's limits (30/s overall, 1/s per chat, 20/min per group), when the call *arrives*,
after the inbound leg: as Telegram counts. getUpdates travels the same legs.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from typing import Any

from tests.fakebot import FakeTelegram
from tests.fakebot.objects import JSON, FileTuple

JITTER = 0.2


class WireFake(FakeTelegram):
    """The fake Bot API `rtt` seconds away, with `jitter` on each leg."""

    def __init__(
        self, *args: Any, rtt: float = 0.0, jitter: float = JITTER, seed: int = 16, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.rtt, self.jitter = rtt, jitter
        self._rng = random.Random(seed)

    def leg(self) -> float:
        """One way's delay: half the round trip, +- the jitter."""
        return self.rtt / 2 * self._rng.uniform(1 - self.jitter, 1 + self.jitter)

    async def handle(
        self,
        token: str,
        method: str,
        params: Mapping[str, Any],
        files: Mapping[str, FileTuple] | None = None,
    ) -> tuple[int, JSON]:
        """Answer like the fake, one leg after the call left and one leg before it is back."""
        if not self.rtt:
            return await super().handle(token, method, params, files)
        await asyncio.sleep(self.leg())
        answer = await super().handle(token, method, params, files)
        await asyncio.sleep(self.leg())
        return answer
