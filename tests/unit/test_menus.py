"""Which commands each role sees, and splitting long listings into Telegram-sized messages."""

from __future__ import annotations

from bot.menus import ALL_COMMANDS, STRANGER_COMMANDS, commands_for, help_lines, menu
from bot.people_views import paginate
from bot.texts import CATALOGS


def test_every_command_has_a_description_in_both_languages() -> None:
    for lang, catalog in CATALOGS.items():
        assert all(f"cmd.{name}" in catalog for name in ALL_COMMANDS), lang
    assert [c.command for c in menu(STRANGER_COMMANDS, "th")] == ["start", "help"]


def test_commands_per_role() -> None:
    assert commands_for([]) == ("start", "help")
    member = (
        "start",
        "help",
        "whoami",
        "report",
        "cancel",
        "summary",
        "history",
        "export",
        "language",
    )
    assert commands_for(["member"]) == member
    assert commands_for(["head"]) == member
    coordinator = commands_for(["coordinator"])
    assert coordinator == (
        "start",
        "help",
        "whoami",
        "summary",
        "missing",
        "history",
        "export",
        "meetings",
        "members",
        "invite",
        "revoke",
        "language",
    )
    assert commands_for(["admin"]) == coordinator
    both = commands_for(["coordinator", "head"])
    assert "report" in both and "cancel" in both and "invite" in both
    assert both == tuple(c for c in ALL_COMMANDS if c in both)  # menu order kept


def test_help_lines_list_only_allowed_commands() -> None:
    lines = help_lines(["member"], "en")
    assert lines[0] == "/start – Get started"
    assert not any(line.startswith(("/invite", "/members", "/revoke")) for line in lines)


def test_paginate_breaks_between_lines_under_the_limit() -> None:
    lines = [f"line {i} " + "x" * 90 for i in range(100)]
    pages = paginate(lines, limit=1000)
    assert all(len(p) <= 1000 for p in pages)
    assert "\n".join(pages).splitlines() == lines
    assert paginate([]) == []
