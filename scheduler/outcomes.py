"""The contract between the tick and the sender that `bot` passes in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

__all__ = ["Deliver", "Failed", "Outcome", "Outgoing", "Retry", "Sent", "Unreachable"]


@dataclass(frozen=True)
class Outgoing:
    """One notification to send now: which delivery, what kind, for whom."""

    delivery_id: int
    kind: str
    round_id: int | None
    division_id: int | None
    person_id: int
    chat_id: int
    language: str
    attempts: int = 1


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
