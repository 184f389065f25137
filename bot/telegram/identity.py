"""Asking Telegram who the bot is (for invitation links printed by the command line)."""

from __future__ import annotations

from telegram import Bot
from telegram.error import TelegramError

from bot.settings import Settings


class TelegramUnavailable(Exception):
    """Telegram could not be asked (network, rejected token); the message says why."""


async def fetch_username(settings: Settings) -> str:
    """The bot's @username from getMe, with TELEGRAM_BOT_TOKEN."""
    try:
        async with Bot(settings.token(), base_url=settings.telegram_api_url) as bot:
            return bot.username
    except TelegramError as exc:
        raise TelegramUnavailable(str(exc)) from exc
