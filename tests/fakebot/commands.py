"""The bot's identity and menus: getMe, the command lists per scope, the chat menu button."""

from __future__ import annotations

import re

from .objects import JSON, FileTuple, bad_request
from .state import FakeState


class Commands(FakeState):
    """The bot's own settings as Telegram keeps them."""

    async def _m_getMe(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        return self.bot_user

    def commands_for(
        self, scope_type: str, chat_id: int | None = None, lang: str = ""
    ) -> list[JSON]:
        """Commands set via setMyCommands for a scope type ("default", "chat", ...)."""
        return self.commands.get((scope_type, chat_id, lang), [])

    def _commands_key(self, p: JSON) -> tuple[str, int | None, str]:
        scope = p.get("scope") or {"type": "default"}
        chat = scope.get("chat_id")
        chat = int(chat) if isinstance(chat, str) and chat.lstrip("-").isdigit() else chat
        return scope["type"], chat, p.get("language_code") or ""

    async def _m_setMyCommands(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        cmds = p.get("commands")
        valid = r"[a-z0-9_]{1,32}"
        if not isinstance(cmds, list) or any(not re.fullmatch(valid, c["command"]) for c in cmds):
            raise bad_request("BOT_COMMAND_INVALID")
        self.commands[self._commands_key(p)] = cmds
        return True

    async def _m_getMyCommands(self, p: JSON, files: dict[str, FileTuple]) -> list[JSON]:
        return self.commands.get(self._commands_key(p), [])

    async def _m_deleteMyCommands(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    async def _m_setChatMenuButton(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        self.menu_buttons[p.get("chat_id")] = p.get("menu_button") or {"type": "default"}
        return True

    async def _m_getChatMenuButton(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        chat = p.get("chat_id")
        return self.menu_buttons.get(chat) or self.menu_buttons.get(None) or {"type": "default"}
