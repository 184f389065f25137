"""Messages that arrive in pieces: long texts Telegram split, and albums of photos.

A text over 4,096 UTF-16 units leaves the phone as several messages in a row, each at the
limit but the last. The draft's limit (TEXT_LIMIT) is below one part, so the first part is
refused as too long; the parts after it belong to that same refused text and are taken with
it (dropped, with no second answer) instead of being kept as if they were the whole answer.
An album is one update per photo: each photo goes into the draft, and only the first one
is acknowledged. An edited message of the open draft replaces the words it had put there.

In memory, per process: a piece belongs to the message before it only for a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Message

from bot.telegram.context import BotContext
from bot.telegram.views.length import MESSAGE_LIMIT, utf16_len
from bot.usecases.drafts import TEXT_LIMIT

# A part Telegram cut is at (or a few units under, at a word break) the message limit.
SPLIT_AT = MESSAGE_LIMIT - 100
# The parts of one split text arrive together; later text is a new message.
SPLIT_WINDOW = timedelta(seconds=5)
KEY = "incoming"
_REMEMBERED = 1000

# The reasoning above needs a part to be over the draft's limit on its own.
assert TEXT_LIMIT < SPLIT_AT


@dataclass
class _Split:
    last_id: int
    at: datetime


@dataclass(frozen=True)
class Part:
    """The words one message put into a draft, so that an edit of it can replace them."""

    draft_id: int
    text: str


class Incoming:
    """Per sender: the long text being received, albums acknowledged, the draft's messages."""

    def __init__(self) -> None:
        self._splits: dict[int, _Split] = {}
        self._albums: dict[int, list[str]] = {}
        self._parts: dict[int, dict[int, Part]] = {}

    def remember_part(self, sender: int, message_id: int, part: Part) -> None:
        """The words a message put into a draft (older drafts' messages are forgotten)."""
        mine = self._parts.setdefault(sender, {})
        for old in [k for k, v in mine.items() if v.draft_id != part.draft_id]:
            del mine[old]
        mine[message_id] = part
        if len(self._parts) > _REMEMBERED:
            self._parts = {sender: mine}

    def part(self, sender: int, message_id: int) -> Part | None:
        """What this message put into a draft, if it is remembered."""
        return self._parts.get(sender, {}).get(message_id)

    def continues_split(self, sender: int, message: Message) -> bool:
        """Whether this text is a later part of a long text (its first part was answered)."""
        text = message.text or ""
        before = self._splits.get(sender)
        follows = (
            before is not None
            and message.message_id > before.last_id
            and message.date - before.at <= SPLIT_WINDOW
        )
        if utf16_len(text) >= SPLIT_AT:
            # A full part: more may follow it.
            self._remember_split(sender, _Split(message.message_id, message.date))
        else:
            self._splits.pop(sender, None)  # the last part, or an ordinary message
        return bool(text) and follows

    def first_of_album(self, sender: int, group: str | None) -> bool:
        """Whether this message should be acknowledged: not an album, or its first item."""
        if group is None:
            return True
        seen = self._albums.setdefault(sender, [])
        if group in seen:
            return False
        seen.append(group)
        del seen[:-10]  # a person has at most a few albums in flight
        if len(self._albums) > _REMEMBERED:
            self._albums = {sender: seen}
        return True

    def _remember_split(self, sender: int, split: _Split) -> None:
        if len(self._splits) > _REMEMBERED:
            self._splits.clear()
        self._splits[sender] = split


def incoming_of(context: BotContext) -> Incoming:
    """The application's tracker (made on first use)."""
    found = context.bot_data.get(KEY)
    if not isinstance(found, Incoming):
        found = context.bot_data[KEY] = Incoming()
    return found
