"""`ita-followup away set|list|cancel`: a head's stand-in for days away, named by the operator."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from bot.cli.base import PROG, CliApp, CliError, command, subcommands
from bot.usecases import standins
from bot.usecases.refusals import Refused
from storage.standins import AwayRange

# The operator's wording of each refusal (the bot words them from the catalog).
REASONS = {
    "bad_range": f"--to is before --from, or the range is longer than {standins.MAX_DAYS} days",
    "past": "the range starts before today: give today or a later day as --from",
    "self": "a head cannot stand in for themselves: give another person as --stand-in",
    "other_division": (
        "--person must head a division and --stand-in must be a head or member of that "
        f"division (see `{PROG} members`)"
    ),
    "overlap": f"the head already has a stand-in for some of these days (see `{PROG} away list`)",
    "stand_in_away": "the stand-in is away themselves on some of these days",
    "unknown": f"no such range: give its number as `{PROG} away list` shows it",
    "ended": "that range has ended or was cancelled already",
}


def register(sub: Any) -> None:
    """Add the away subcommands to the top-level subparsers."""
    away = subcommands(sub, "away", "a head's stand-in while they are away", "away_command")
    put = away.add_parser("set", help="name a stand-in for a head's days away")
    put.add_argument("--person", required=True, help="the head: person number or @username")
    put.add_argument("--stand-in", required=True, help="person number or @username")
    put.add_argument("--from", dest="first", required=True, help="first day: dd/mm/yyyy (B.E.)")
    put.add_argument("--to", dest="last", required=True, help="last day: dd/mm/yyyy (B.E.)")
    command(put, _set)
    command(away.add_parser("list", help="ranges running now or still to come"), _list)
    cancel = away.add_parser("cancel", help="end a range early (or drop one not begun)")
    cancel.add_argument("range_id", help="the range's number, as `away list` shows it")
    command(cancel, _cancel)


def _line(r: AwayRange) -> str:
    first, last = r.first_day, r.last_day
    days = f"{first:%d/%m}/{first.year + 543} - {last:%d/%m}/{last.year + 543}"
    return (
        f"{r.id:>4}  {r.division_code:<8} {days:<25} head: {r.head_name} [person {r.head_id}]"
        f"  stand-in: {r.stand_in_name} [person {r.stand_in_id}]"
    )


async def _person(app: CliApp, option: str, ref: str) -> int:
    found = await standins.person_ref(app.core, ref)
    if found is None:
        raise CliError(
            f"{option} {ref!r}: no such person; give a number or @username as "
            f"`{PROG} members` lists them"
        )
    return found[0]


def _day(option: str, text: str) -> date:
    day = standins.parse_day(text)
    if day is None:
        raise CliError(
            f"{option} {text!r} is not a date: give dd/mm/yyyy in the Buddhist era, e.g. 24/01/2565"
        )
    return day


async def _set(args: argparse.Namespace, app: CliApp) -> int:
    head = await _person(app, "--person", args.person)
    stand_in = await _person(app, "--stand-in", args.stand_in)
    days = (_day("--from", args.first), _day("--to", args.last))
    try:
        made = await standins.set_away(app.core, None, head, stand_in, days)
    except Refused as refusal:
        raise CliError(REASONS.get(refusal.reason, refusal.reason)) from None
    print(f"stand-in named (range {made.id}):")
    print(_line(made))
    return 0


async def _list(_: argparse.Namespace, app: CliApp) -> int:
    found = await standins.away_list(app.core)
    if not found:
        print("no stand-in ranges running or to come")
        return 0
    print("\n".join(_line(r) for r in found))
    return 0


async def _cancel(args: argparse.Namespace, app: CliApp) -> int:
    if not args.range_id.isdigit() or len(args.range_id) > 9:
        raise CliError(f"{args.range_id!r} is not a range number (see `{PROG} away list`)")
    try:
        done = await standins.cancel_away(app.core, None, int(args.range_id))
    except Refused as refusal:
        raise CliError(REASONS.get(refusal.reason, refusal.reason)) from None
    print(f"range {done.id} cancelled")
    return 0
