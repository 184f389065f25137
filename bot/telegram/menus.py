"""Which commands each role may use, and the per-chat command menu that shows them."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.texts import t
from storage.models import ORG_WIDE_ROLES, SUPERVISOR

log = logging.getLogger(__name__)

# Every command of the product, in menu order; descriptions are the catalog's `cmd.<name>`.
ALL_COMMANDS = (
    "start",
    "help",
    "whoami",
    "report",
    "cancel",
    "away",
    "summary",
    "missing",
    "history",
    "export",
    "review",
    "meetings",
    "members",
    "invite",
    "revoke",
    "language",
    "privacy",
    "mydata",
)
# The default (unscoped) menu: what a stranger sees before joining.
STRANGER_COMMANDS = ("start", "help")
EVERYONE = frozenset({"start", "help", "whoami", "language", "privacy", "mydata"})
# Heads and members answer for their division and read its results.
DIVISION_COMMANDS = frozenset({"report", "cancel", "summary", "history", "export"})
# Heads also name a stand-in for the days they are away.
HEAD_COMMANDS = frozenset({"away"})
# Supervisors read the divisions they oversee and nudge the silent ones among them.
SUPERVISOR_COMMANDS = frozenset({"summary", "missing", "history", "export"})
# Coordinators and admins read every division and manage people; they answer nothing
# themselves unless they also hold a division role.
ORG_COMMANDS = frozenset(
    {
        "summary",
        "missing",
        "history",
        "export",
        "review",
        "meetings",
        "members",
        "invite",
        "revoke",
    }
)


def commands_for(roles: Iterable[str]) -> tuple[str, ...]:
    """The commands a person holding these roles may use (strangers: start and help)."""
    roles = set(roles)
    if not roles:
        return STRANGER_COMMANDS
    allowed = set(EVERYONE)
    if roles & {"head", "member"}:
        allowed |= DIVISION_COMMANDS
    if "head" in roles:
        allowed |= HEAD_COMMANDS
    if SUPERVISOR in roles:
        allowed |= SUPERVISOR_COMMANDS
    if roles & set(ORG_WIDE_ROLES):
        allowed |= ORG_COMMANDS
    return tuple(name for name in ALL_COMMANDS if name in allowed)


def menu(commands: Iterable[str], lang: str) -> list[BotCommand]:
    """Telegram's command list for these commands in one language."""
    return [BotCommand(name, t(f"cmd.{name}", lang)) for name in commands]


def help_lines(roles: Iterable[str], lang: str) -> list[str]:
    """One `/command – description` line per command the person may use."""
    return [f"/{name} – {t(f'cmd.{name}', lang)}" for name in commands_for(roles)]


def help_text(roles: Iterable[str], lang: str) -> str:
    """/help: the commands this person may use, as HTML."""
    lines = [t("menu.help_title", lang), *help_lines(roles, lang), "", t("menu.help_footer", lang)]
    return "\n".join(lines)


async def set_chat_menu(bot: Bot, chat_id: int, roles: Iterable[str], lang: str) -> bool:
    """Show a chat the menu of its roles (none: back to the default); False if Telegram refused."""
    roles = list(roles)
    scope = BotCommandScopeChat(chat_id)
    try:
        if roles:
            await bot.set_my_commands(menu(commands_for(roles), lang), scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError:
        # The menu is a convenience; the role change it follows has already been committed.
        log.warning("could not set the command menu of chat %s", chat_id, exc_info=True)
        return False
    return True
