"""getUpdates and what users do: messages, files, button presses, queued as updates."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from .objects import CONFLICT, JSON, URL_RE, WEBHOOK_ACTIVE, ApiError, FileTuple, buttons, utf16_len
from .state import FakeState


class Updates(FakeState):
    """The users' side: what they send becomes an update the bot polls for."""

    def send_raw_update(self, update: JSON) -> JSON:
        """Enqueue a hand-made update (update_id assigned if missing)."""
        update = {"update_id": self._next_update_id} | update
        self._next_update_id = max(self._next_update_id, update["update_id"]) + 1
        self._updates.append(update)
        self._wake_pollers()
        return update

    def _wake_pollers(self) -> None:
        self._update_event.set()
        self._update_event = asyncio.Event()

    def _user_message(self, user_id: int, **content: Any) -> JSON:
        user = self._user(user_id)
        msg = {"message_id": self._next_msg_id(user_id), "from": user.as_user()}
        msg |= {"chat": user.as_chat(), "date": int(self.clock())}
        return self.send_raw_update({"message": msg | content})

    def send_text(self, user_id: int, text: str) -> JSON:
        """The user sends text; like Telegram, mark a leading /command and any http(s) URLs."""
        entities: list[JSON] = []
        if text.startswith("/"):
            cmd = text.split(maxsplit=1)[0]
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(cmd)})
        for match in URL_RE.finditer(text):
            entities.append(
                {
                    "type": "url",
                    "offset": utf16_len(text[: match.start()]),
                    "length": utf16_len(match.group()),
                }
            )
        if not entities:
            return self._user_message(user_id, text=text)
        return self._user_message(user_id, text=text, entities=entities)

    def send_photo(
        self,
        user_id: int,
        caption: str | None = None,
        file_size: int = 60_000,
        content: bytes | None = None,
    ) -> JSON:
        """The user sends a photo (three PhotoSizes, downloadable via getFile).

        `content` is the largest size's bytes (a real picture); by default all are filler.
        """
        sizes = []
        for div, side in ((16, 90), (4, 320), (1, 1280)):
            filler = b"\xff\xd8\xff" + bytes(max(file_size // div, 4) - 3)
            content_of_size = content if content is not None and div == 1 else filler
            info = self._store_file(content_of_size, "photos/file_{n}.jpg").as_json()
            sizes.append(info | {"width": side, "height": side * 3 // 4})
        extra = {"caption": caption} if caption is not None else {}
        return self._user_message(user_id, photo=sizes, **extra)

    def send_document(
        self,
        user_id: int,
        file_name: str,
        mime_type: str,
        content: bytes | None = None,
        file_size: int | None = None,
        caption: str | None = None,
    ) -> JSON:
        """The user sends a document; file_size may claim more than the stored content."""
        data = content if content is not None else bytes(min(file_size or 1024, 1 << 20))
        ext = "." + file_name.rsplit(".", 1)[-1] if "." in file_name else ""
        doc = self._store_file(data, "documents/file_{n}" + ext, file_size).as_json()
        doc |= {"file_name": file_name, "mime_type": mime_type}
        extra = {"caption": caption} if caption is not None else {}
        return self._user_message(user_id, document=doc, **extra)

    def send_sticker(self, user_id: int, emoji: str = "👍") -> JSON:
        """The user sends a sticker."""
        st = self._store_file(b"RIFF" + bytes(100), "stickers/file_{n}.webp").as_json()
        st |= {"type": "regular", "width": 512, "height": 512, "emoji": emoji}
        return self._user_message(user_id, sticker=st | {"is_animated": False, "is_video": False})

    def send_voice(self, user_id: int, duration: int = 3) -> JSON:
        """The user sends a voice note."""
        voice = self._store_file(b"OggS" + bytes(500), "voice/file_{n}.oga").as_json()
        return self._user_message(user_id, voice=voice | {"duration": duration})

    def send_location(
        self, user_id: int, latitude: float = 13.75, longitude: float = 100.5
    ) -> JSON:
        """The user shares a location."""
        return self._user_message(user_id, location={"latitude": latitude, "longitude": longitude})

    def press(
        self, user_id: int, message_id: int, callback_data: str, *, strict: bool = True
    ) -> str:
        """The user presses an inline button of a bot message; returns the callback query id."""
        data = callback_data
        msg = self._find(user_id, message_id)
        if msg is None:
            raise LookupError(f"no bot message {message_id} in chat {user_id}")
        if strict and data not in [d for _, d in buttons(msg)]:
            raise ValueError(f"{data!r} is not a button of {buttons(msg)}")
        qid = str(4_000_000_000_000 + next(self._ids))
        self._pending_queries.add(qid)
        query = {"id": qid, "from": self._user(user_id).as_user(), "data": data}
        query |= {"message": self._message_json(msg), "chat_instance": str(user_id * 7919)}
        self.send_raw_update({"callback_query": query})
        return qid

    def take_updates(self) -> list[JSON]:
        """Remove and return queued updates (for tests that feed them to the bot directly)."""
        taken, self._updates = self._updates, []
        return taken

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    # ------------------------------------------------------------------ methods
    async def _m_getUpdates(self, p: JSON, files: dict[str, FileTuple]) -> list[JSON]:
        if self.webhook.get("url"):
            # Telegram's words when a webhook is set.
            raise ApiError(409, WEBHOOK_ACTIVE)
        offset = int(p.get("offset") or 0)
        if offset < 0:
            self._updates = self._updates[offset:]
        elif offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()  # like Telegram, a newer getUpdates terminates an older one
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(p.get("timeout") or 0)
        while not self._updates and (remaining := deadline - loop.time()) > 0:
            try:
                await asyncio.wait_for(self._update_event.wait(), remaining)
            except TimeoutError:
                break
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT)
        return self._updates[: int(p.get("limit") or 100)]

    async def _m_setWebhook(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        url = str(p.get("url") or "")
        if url and not url.startswith("https://") and not self.webhook_plain_http:
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        secret = p.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if p.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {"url": url, "secret_token": secret} if url else {}
        self._wake_pollers()
        return True

    async def _m_deleteWebhook(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        if p.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {}
        return True

    async def _m_getWebhookInfo(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        pending = len(self._updates)
        info: JSON = {"url": self.webhook.get("url", ""), "has_custom_certificate": False}
        return info | {"pending_update_count": pending}
