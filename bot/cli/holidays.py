"""`ita-followup holiday add|list|remove`: special non-working days, and the notices they move."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot.cli.base import CliApp, CliError, command, subcommands
from bot.cli.dates import cli_date
from bot.cli.schedule import operator
from bot.settings import Settings
from bot.usecases import holidays
from bot.usecases.holidays import HolidayChange, HolidayTaken, NoHoliday
from bot.usecases.refusals import Refused
from scheduler.schedule import NoticeMove
from scheduler.thaidate import format_date


def register(sub: Any) -> None:
    """Add the `holiday` commands to the CLI's subparsers."""
    holiday = subcommands(sub, "holiday", "special holidays (non-working days)", "holiday_command")
    add = holiday.add_parser("add", help="add a special holiday; says which notices move")
    command(add, _add)
    add.add_argument("day", type=cli_date, help="YYYY-MM-DD (C.E. or B.E.)")
    add.add_argument("name", help="its name, in quotes (Thai as it is declared)")
    listing = holiday.add_parser("list", help="the special holidays, by day")
    command(listing, _list)
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    remove = holiday.add_parser("remove", help="remove a special holiday; says which notices move")
    command(remove, _remove)
    remove.add_argument("day", type=cli_date, help="YYYY-MM-DD (C.E. or B.E.)")


@contextmanager
def _worded() -> Iterator[None]:
    """The use case's refusals as the operator's one line."""
    try:
        yield
    except HolidayTaken as exc:
        had = exc.existing
        raise CliError(
            f"{had.day} is a special holiday already ({had.name}); "
            f"remove it first to rename it: `holiday remove {had.day}`"
        ) from exc
    except NoHoliday as exc:
        known = ", ".join(d.isoformat() for d in exc.known) or "none"
        raise CliError(
            f"{exc.day} is no special holiday; the special holidays are: {known}"
        ) from exc
    except Refused as exc:
        raise CliError("the holiday's name is empty; give it in quotes") from exc


def _at(at: Any, settings: Settings) -> str:
    return at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M") if at is not None else "-"


def _print_change(change: HolidayChange, done: str, settings: Settings) -> None:
    h = change.holiday
    be = format_date(h.day, lang="th", thai_digits=False)
    print(f"special holiday {h.day.isoformat()} ({be}) {done}: {h.name}")
    if change.weekend:
        print(f"note: {h.day} is a {h.day:%A}: no working day anyway", file=sys.stderr)
    if change.official_name:
        print(f"note: {h.day} is a public holiday anyway ({change.official_name})", file=sys.stderr)
    if done == "added":
        for plan_code, key in change.meetings_on:
            print(
                f"warning: the meeting of {key} ({plan_code}) is on {h.day}; a holiday does not "
                f"move a meeting: move it with `meeting set` or /meetings if it will not be held",
                file=sys.stderr,
            )
    if not change.moves:
        print("no notice not yet sent moves")
        return
    print(f"notices not yet sent that move ({len(change.moves)}); those already sent stay as sent:")
    for m in change.moves:
        print(f"  {_move_line(m, settings)}")


def _move_line(m: NoticeMove, settings: Settings) -> str:
    what = f"{m.plan_code} {m.round_key} {m.kind}"
    if m.after is None:
        return f"{what}: {_at(m.before, settings)} -> dropped (it would come after the close)"
    if m.before is None:
        return f"{what}: new, due {_at(m.after, settings)}"
    return f"{what}: {_at(m.before, settings)} -> {_at(m.after, settings)}"


async def _add(args: argparse.Namespace, app: CliApp) -> int:
    with _worded():
        change = await holidays.add_holiday(app.core, args.day, args.name, by=operator())
    _print_change(change, "added", app.settings)
    return 0


async def _remove(args: argparse.Namespace, app: CliApp) -> int:
    with _worded():
        change = await holidays.remove_holiday(app.core, args.day, by=operator())
    _print_change(change, "removed", app.settings)
    return 0


async def _list(args: argparse.Namespace, app: CliApp) -> int:
    listed = await holidays.list_holidays(app.core)
    if args.json:
        rows = [
            {
                "day": h.day.isoformat(),
                "name": h.name,
                "source": h.source,
                "added_by": h.added_by,
                "added_at": h.added_at.astimezone(app.settings.tz).isoformat(timespec="minutes"),
            }
            for h in listed
        ]
        print(json.dumps({"holidays": rows}, ensure_ascii=False, indent=2))
        return 0
    for h in listed:
        be = format_date(h.day, lang="th", thai_digits=False)
        print(f"{h.day.isoformat()}  {be}  {h.name}  ({h.source})")
    if not listed:
        print('no special holidays; add one with `holiday add 2026-12-07 "..."`')
    return 0
