"""Which commands each role sees, and splitting long listings into Telegram-sized messages."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import InlineKeyboardMarkup

from bot.telegram.menus import ALL_COMMANDS, STRANGER_COMMANDS, commands_for, help_lines, menu
from bot.telegram.views.people import MAX_BUTTONS, paginate, revoke_list
from bot.texts import CATALOGS
from storage.people import MemberLine


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
        "privacy",
        "mydata",
    )
    assert commands_for(["member"]) == member
    assert commands_for(["head"]) == (*member[:5], "away", *member[5:])
    supervisor = commands_for(["supervisor"])
    assert supervisor == (
        "start",
        "help",
        "whoami",
        "summary",
        "missing",
        "history",
        "export",
        "language",
        "privacy",
        "mydata",
    )
    coordinator = commands_for(["coordinator"])
    assert coordinator == (
        "start",
        "help",
        "whoami",
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


def _line(n: int) -> MemberLine:
    at = datetime(2022, 1, 1, tzinfo=UTC)
    return MemberLine(n, n, 1000 + n, f"Person {n}", None, "head", 1, at, None)


def _buttons(markup: InlineKeyboardMarkup | None) -> list[str]:
    assert markup is not None
    return [str(b.callback_data) for row in markup.inline_keyboard for b in row]


def test_revoke_list_pages_past_the_button_limit() -> None:
    lines = [_line(n) for n in range(1, MAX_BUTTONS * 2 + 6)]  # two full pages and 5 more
    text, markup = revoke_list(lines, {1: "FIN"}, "th")
    buttons = _buttons(markup)
    assert buttons[:MAX_BUTTONS] == [f"rv:{n}" for n in range(1, MAX_BUTTONS + 1)]
    assert buttons[MAX_BUTTONS:] == ["rvp:1"]  # no "previous" on the first page
    assert f"1–{MAX_BUTTONS} จากทั้งหมด {len(lines)}" in text
    text, markup = revoke_list(lines, {1: "FIN"}, "en", page=2)
    assert _buttons(markup) == [f"rv:{n}" for n in range(MAX_BUTTONS * 2 + 1, len(lines) + 1)] + [
        "rvp:1"
    ]
    assert f"Showing {MAX_BUTTONS * 2 + 1}–{len(lines)} of {len(lines)}" in text
    # A page past the end (the list shrank since the button was drawn) shows the last one.
    assert revoke_list(lines, {1: "FIN"}, "en", page=9) == (text, markup)


def test_a_short_revoke_list_has_no_paging() -> None:
    text, markup = revoke_list([_line(1), _line(2)], {1: "FIN"}, "th")
    assert _buttons(markup) == ["rv:1", "rv:2"]
    assert "จากทั้งหมด" not in text
