"""The tick's one log line: readable words for what it did, nothing for a quiet tick."""

from __future__ import annotations

from dataclasses import fields

from scheduler.tickconfig import TICK_WORDS, TickReport


def test_a_quiet_tick_says_nothing() -> None:
    assert TickReport().line() == ""


def test_the_line_names_only_what_happened() -> None:
    report = TickReport(rounds=1, sent=12, unreachable=1)
    assert report.line() == "1 round(s) opened, 12 sent, 1 unreachable"
    assert "TickReport" not in report.line()


def test_every_count_has_its_words() -> None:
    assert {k for k, _ in TICK_WORDS} == {f.name for f in fields(TickReport)}
