"""Telegram's side of a webhook: post the fake's queued updates to the bot, as Telegram does.

Each update is posted (JSON, with `X-Telegram-Bot-Api-Secret-Token` when setWebhook gave one)
and re-delivered after a pause until the bot answers 200, like Telegram. `target` replaces the
host of the registered URL (tests post over plain http to 127.0.0.1, or to nginx in front).
`concurrency` posts are in flight at once (Telegram's max_connections), in update order.
"""

from __future__ import annotations

import asyncio
import ssl
from types import TracebackType
from urllib.parse import urlsplit

import aiohttp

from .core import FakeTelegram
from .objects import JSON

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookPoster:
    """Delivers `fake`'s updates to its webhook until stopped; counts what it did."""

    def __init__(
        self,
        fake: FakeTelegram,
        target: str,
        *,
        concurrency: int = 1,
        retry_after: float = 0.2,
        auto: bool = True,
    ) -> None:
        self.fake, self.target = fake, target.rstrip("/")
        self.concurrency, self.retry_after = concurrency, retry_after
        self.auto = auto  # False: only what the test posts itself (`post`, `deliver`)
        self.delivered: list[int] = []  # update ids answered 200, in order of the answers
        self.redeliveries = 0  # posts repeated after a failure
        self.statuses: dict[int, int] = {}
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def url(self) -> str:
        """Where an update is posted: the target plus the registered URL's path."""
        path = urlsplit(str(self.fake.webhook.get("url") or "")).path
        return self.target + path

    async def post(self, update: JSON) -> int:
        """Post one update once; its HTTP status (0: no answer)."""
        assert self._session is not None
        headers = {}
        secret = self.fake.webhook.get("secret_token")
        if secret:
            headers[SECRET_HEADER] = str(secret)
        try:
            async with self._session.post(self.url(), json=update, headers=headers) as response:
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        self.statuses[status] = self.statuses.get(status, 0) + 1
        return status

    async def deliver(self, update: JSON) -> None:
        """Post until 200, like Telegram (which keeps trying for a day)."""
        while await self.post(update) != 200:
            self.redeliveries += 1
            await asyncio.sleep(self.retry_after)
        self.delivered.append(int(update["update_id"]))

    async def _run(self) -> None:
        slots = asyncio.Semaphore(self.concurrency)
        running: set[asyncio.Task[None]] = set()

        async def one(update: JSON) -> None:
            try:
                await self.deliver(update)
            finally:
                slots.release()

        try:
            while True:
                if not self.fake.webhook.get("url") or not self.fake.pending_updates:
                    await asyncio.sleep(0.01)
                    continue
                for update in self.fake.take_updates():
                    await slots.acquire()
                    task = asyncio.create_task(one(update))
                    running.add(task)
                    task.add_done_callback(running.discard)
        finally:
            for task in list(running):
                task.cancel()

    async def start(self) -> None:
        """Start delivering in the background."""
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # a test certificate
        timeout = aiohttp.ClientTimeout(total=30)
        connector = aiohttp.TCPConnector(ssl=context, limit=max(self.concurrency, 1) * 2)
        self._session = aiohttp.ClientSession(timeout=timeout, connector=connector)
        if self.auto:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop delivering (an update in flight is abandoned, as if Telegram gave up)."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> WebhookPoster:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
