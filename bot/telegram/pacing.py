"""When each outgoing message may leave: Telegram's limits as a pure schedule (no I/O, no sleep).

Telegram counts a message when it *arrives*: at most 30 in any second for the bot, one a second
per chat, twenty a minute per group. We only know when a request *leaves*; the one-way delay
between the two varies (the jitter of a 100-300 ms round trip). Two departures `d` apart arrive
at least `d - spread` apart, where `spread` is how much the one-way delay varies, so every gap
here is the limit's gap plus a `margin` that covers the spread (measured by `Jitter` from the
round trips; the constant part of the delay cancels out, only its variation costs).

Two lanes share the budget: replies to a person's own action take any free slot first;
scheduled notices (the tick's broadcast) go evenly, one every (window + margin) / limit, and
only when no reply is ready. Evenly rather than in bursts: a greedy burst of 30 refills as a
burst a second later, and a reply arriving in between would wait for the whole window.

`Pacing.take(ticket, now)` either records the departure (None) or says when to ask again;
the asyncio side (bot/telegram/limiter.py) only sleeps until then.
"""

from __future__ import annotations

import itertools
from bisect import insort
from collections import deque
from dataclasses import dataclass, field
from enum import IntEnum

# A ticket that steps aside for a ready one of a higher lane asks again this much later.
YIELD_S = 0.001
# Past this many chats remembered, those whose last message no longer limits are forgotten.
MAX_CHATS = 10_000

Chat = int | str | None


class Lane(IntEnum):
    """Which messages go first: lower goes first."""

    REPLY = 0  # a reply to something the person just did
    NOTICE = 1  # a scheduled notice (prompts, reminders, digests)


_seq = itertools.count()


@dataclass(eq=False)
class Ticket:
    """One request waiting to leave (compared by identity; ordered by lane, then arrival)."""

    lane: Lane
    chat: Chat
    seq: int = field(default_factory=lambda: next(_seq))

    def order(self) -> tuple[int, int]:
        """The ticket's place among the waiting ones."""
        return (int(self.lane), self.seq)


@dataclass(frozen=True)
class Limits:
    """Telegram's published limits for one bot token."""

    per_window: int = 30
    window: float = 1.0
    chat_gap: float = 1.0
    group_per_window: int = 20
    group_window: float = 60.0


def is_group(chat: Chat) -> bool:
    """Groups and channels: negative ids, or an @username (only channels have those)."""
    return isinstance(chat, str) or (isinstance(chat, int) and chat < 0)


class Jitter:
    """The margin to add to every gap: half the spread of recent round trips, plus a floor.

    Half: a round trip is two legs and only the outbound one moves the arrival; with legs that
    vary alike, the outbound leg's spread is half the round trip's. The spread leaves out one
    highest and one lowest sample per `TRIM_PER` samples: one stall of a busy process would
    otherwise slow every message for the next 64 (a message needs *both* extremes at once to
    arrive early). None while fewer are known: a few samples already show less than the whole
    spread, and trimming them too let the start of a broadcast draw a 429 at 300 ms.
    """

    TRIM_PER = 64

    def __init__(self, floor: float = 0.015, cap: float = 0.25, samples: int = 64) -> None:
        self.floor, self.cap = floor, cap
        self._rtts: deque[float] = deque(maxlen=samples)

    def observe(self, rtt: float) -> None:
        """Record one request's round trip (seconds)."""
        self._rtts.append(max(0.0, rtt))

    @property
    def margin(self) -> float:
        """Seconds to add to each gap so that arrivals, not departures, keep the limits."""
        if len(self._rtts) < 2:
            return self.floor
        ordered = sorted(self._rtts)
        trim = len(ordered) // self.TRIM_PER
        if trim:
            ordered = ordered[trim:-trim]
        return min(self.cap, self.floor + (ordered[-1] - ordered[0]) / 2)


class Pacing:
    """The departures so far, the waiting tickets and the pauses 429s asked for."""

    def __init__(self, limits: Limits | None = None, jitter: Jitter | None = None) -> None:
        self.limits = limits or Limits()
        self.jitter = jitter or Jitter()
        self._sent: deque[float] = deque(maxlen=self.limits.per_window)
        self._notice_at = float("-inf")  # the notice lane's next slot
        self._chat_last: dict[Chat, float] = {}
        self._group_sent: dict[Chat, deque[float]] = {}
        self._paused_until = float("-inf")
        self._chat_paused: dict[Chat, float] = {}
        self._waiting: list[Ticket] = []

    # ------------------------------------------------------------------ waiting tickets
    def join(self, ticket: Ticket) -> None:
        """A request starts waiting for its slot."""
        insort(self._waiting, ticket, key=Ticket.order)

    def leave(self, ticket: Ticket) -> None:
        """A waiting request gave up (cancelled); it no longer holds anyone back."""
        if ticket in self._waiting:
            self._waiting.remove(ticket)

    @property
    def waiting(self) -> int:
        """How many requests wait for a slot."""
        return len(self._waiting)

    # ------------------------------------------------------------------ the schedule
    def ready_at(self, ticket: Ticket, now: float) -> float:
        """The earliest time the limits let `ticket` leave (other waiters aside)."""
        m, lim = self.jitter.margin, self.limits
        at = max(now, self._paused_until)
        if len(self._sent) == lim.per_window:
            at = max(at, self._sent[0] + lim.window + m)
        if ticket.lane is Lane.NOTICE:
            at = max(at, self._notice_at)
        chat = ticket.chat
        if chat is not None:
            at = max(at, self._chat_paused.get(chat, at))
            at = max(at, self._chat_last.get(chat, float("-inf")) + lim.chat_gap + m)
            sent = self._group_sent.get(chat)
            if sent is not None and len(sent) == lim.group_per_window:
                at = max(at, sent[0] + lim.group_window + m)
        return at

    def take(self, ticket: Ticket, now: float) -> float | None:
        """Let `ticket` leave at `now` (None, recorded) or say when to ask again."""
        at = self.ready_at(ticket, now)
        if at > now:
            return at
        for other in self._waiting:
            if other is ticket:
                break
            same_queue = other.lane == ticket.lane and other.chat == ticket.chat
            if same_queue and ticket.chat is not None:
                # One chat's messages of one lane leave in the order they were asked for.
                return max(now + YIELD_S, self.ready_at(other, now))
            if other.lane < ticket.lane and self.ready_at(other, now) <= now:
                return now + YIELD_S  # a reply is ready: it takes this slot
        self.leave(ticket)
        self._depart(ticket, now)
        return None

    def _depart(self, ticket: Ticket, now: float) -> None:
        self._sent.append(now)
        if ticket.lane is Lane.NOTICE:
            # From the slot, not from `now`: a wake-up a few ms late (a busy event loop) must
            # not push every later notice back; after an idle spell the lane starts afresh.
            gap = (self.limits.window + self.jitter.margin) / self.limits.per_window
            late = now - self._notice_at
            self._notice_at = (self._notice_at if late < gap / 2 else now) + gap
        chat = ticket.chat
        if chat is None:
            return
        if len(self._chat_last) >= MAX_CHATS:
            self._forget(now)
        self._chat_last[chat] = now
        if is_group(chat):
            sent = self._group_sent.setdefault(chat, deque(maxlen=self.limits.group_per_window))
            sent.append(now)

    def _forget(self, now: float) -> None:
        """Drop chats whose last message no longer limits anything."""
        gap = self.limits.chat_gap + self.limits.group_window + self.jitter.cap
        self._chat_last = {c: t for c, t in self._chat_last.items() if t > now - gap}
        self._group_sent = {c: s for c, s in self._group_sent.items() if c in self._chat_last}
        self._chat_paused = {c: t for c, t in self._chat_paused.items() if t > now}

    # ------------------------------------------------------------------ 429
    def pause(self, until: float, chat: Chat = None) -> None:
        """Hold `chat`'s messages (None: every message) until `until`."""
        if chat is None:
            self._paused_until = max(self._paused_until, until)
        else:
            self._chat_paused[chat] = max(self._chat_paused.get(chat, until), until)
