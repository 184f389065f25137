"""In-process PTB transport that talks to a `FakeTelegram` without sockets."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from telegram import Bot
from telegram.error import TimedOut
from telegram.ext import BaseRateLimiter, ExtBot
from telegram.request import BaseRequest, RequestData

from .core import FakeTelegram
from .objects import FakeTimeout, FileTuple

_FILE_RE = re.compile(r"/file/bot([^/]+)/(.+)$")
_API_RE = re.compile(r"/bot([^/]+)/([^/]+)$")


class FakeRequest(BaseRequest):
    """A `telegram.request.BaseRequest` that calls `FakeTelegram.handle` directly."""

    def __init__(self, fake: FakeTelegram, *, read_timeout: float | None = 5.0) -> None:
        self.fake = fake
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout (only informative; the fake answers immediately)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Route an API call or file download to the fake; FakeTimeout becomes TimedOut."""
        parts = urlsplit(url)
        if m := _FILE_RE.search(parts.path):
            if self.fake.take_download_fault():
                return 502, b'{"ok":false,"error_code":502,"description":"Bad Gateway"}'
            # PTB percent-encodes the path (the token's colon too) before downloading.
            content = self.fake.file_content(unquote(m.group(1)), unquote(m.group(2)))
            if content is None:
                return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}'
            return 200, content
        m = _API_RE.search(parts.path)
        if m is None:
            return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}'
        params: dict[str, str] = dict(parse_qsl(parts.query))
        files: dict[str, FileTuple] = {}
        if request_data is not None:
            params.update(request_data.json_parameters)
            for name, (file_name, upload, mime) in request_data.multipart_data.items():
                data = upload if isinstance(upload, bytes) else upload.read()
                files[name] = (file_name, data, mime)
        try:
            status, body = await self.fake.handle(m.group(1), m.group(2), params, files)
        except FakeTimeout as exc:
            raise TimedOut(f"fake timeout ({exc})") from exc
        return status, json.dumps(body).encode()


def fake_request_pair(fake: FakeTelegram) -> tuple[FakeRequest, FakeRequest]:
    """(request, get_updates_request) for ApplicationBuilder().request().get_updates_request()."""
    return FakeRequest(fake), FakeRequest(fake, read_timeout=None)


def fake_bot(fake: FakeTelegram, rate_limiter: BaseRateLimiter[Any] | None = None) -> Bot:
    """A `telegram.Bot` whose both request objects go to the fake (use `async with`).

    With a `rate_limiter`, an `ExtBot` that sends through it, as the application's bot does.
    """
    request, updates = fake_request_pair(fake)
    if rate_limiter is not None:
        return ExtBot(
            fake.token, request=request, get_updates_request=updates, rate_limiter=rate_limiter
        )
    return Bot(fake.token, request=request, get_updates_request=updates)
