"""Fake Telegram Bot API for driving a real python-telegram-bot Application in tests.

In process::

    fake = FakeTelegram()
    request, updates = fake_request_pair(fake)
    app = ApplicationBuilder().token(fake.token).request(request)
    app = app.get_updates_request(updates).build()

Over HTTP: ``async with FakeBotApiServer(fake) as server`` and pass ``server.base_url`` /
``server.base_file_url`` to ``ApplicationBuilder().base_url(...).base_file_url(...)``.
"""

from .core import FakeTelegram
from .http import FakeBotApiServer
from .objects import (
    ApiCall,
    ApiError,
    FakeTimeout,
    FakeUser,
    ManualClock,
    SentMessage,
    buttons,
    parse_html,
)
from .request import FakeRequest, fake_bot, fake_request_pair

__all__ = [
    "ApiCall",
    "ApiError",
    "FakeBotApiServer",
    "FakeRequest",
    "FakeTelegram",
    "FakeTimeout",
    "FakeUser",
    "ManualClock",
    "SentMessage",
    "buttons",
    "fake_bot",
    "fake_request_pair",
    "parse_html",
]
