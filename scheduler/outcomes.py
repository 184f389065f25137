"""The contract between the tick and the sender that `bot` passes in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from storage.deliveries import DueDelivery

__all__ = ["Deliver", "Failed", "Outcome", "Outgoing", "Retry", "Sent", "Unreachable"]

# One notification to send now: the claimed delivery itself (which delivery, what kind, for
# whom, and this attempt's number), so the tick and the sender share one record of a send.
Outgoing = DueDelivery


@dataclass(frozen=True)
class Sent:
    """Telegram accepted the message."""

    message_id: int


@dataclass(frozen=True)
class Retry:
    """Try again later: after `after` seconds (Telegram's retry_after), or None for backoff."""

    error: str
    after: float | None = None


@dataclass(frozen=True)
class Unreachable:
    """The person blocked the bot or deleted the account (403)."""

    error: str


@dataclass(frozen=True)
class Failed:
    """The message can never be sent as it is (400 and the like)."""

    error: str


Outcome = Sent | Retry | Unreachable | Failed
Deliver = Callable[[Outgoing], Awaitable[Outcome]]
