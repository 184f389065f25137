"""`ita-followup schedule` (preview every notification) and `ita-followup meeting set|list`."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot.cli.base import PROG, CliApp, CliError, command, subcommands
from bot.cli.dates import Typed, cli_date, read
from bot.settings import Settings
from bot.usecases import rounds
from bot.usecases.rounds import MeetingRow, NoPlan, OutsidePlan, PreviewNotice, PreviewRound
from scheduler.planner import month_key
from scheduler.thaidate import format_date, format_datetime


def register(sub: Any) -> None:
    """Add the `schedule` and `meeting` commands to the CLI's subparsers."""
    schedule = sub.add_parser("schedule", help="preview every notification, without sending")
    command(schedule, _schedule_command)
    schedule.add_argument("--json", action="store_true", help="machine-readable output")
    for flag, dest in (("--from", "from_date"), ("--to", "to_date")):
        schedule.add_argument(flag, dest=dest, type=cli_date, help="YYYY-MM-DD (C.E. or B.E.)")
    schedule.add_argument("--plan", help="plan code (default: the current plan; see `plan list`)")
    meeting = subcommands(sub, "meeting", "the monthly meetings", "meeting_command")
    mset = meeting.add_parser("set", help="move or add the meeting of a month (local time)")
    command(mset, _meeting_set_command)
    mset.add_argument(
        "when", help="local date and time in TIMEZONE, e.g. 2022-01-26T09:30 (B.E. 2565 too)"
    )
    mset.add_argument("--plan", help="plan code (default: the current plan; see `plan list`)")
    mlist = meeting.add_parser("list", help="list the meetings with flags")
    command(mlist, _meeting_list_command)
    mlist.add_argument("--plan", help="plan code (default: the current plan; see `plan list`)")
    mlist.add_argument("--json", action="store_true", help="machine-readable output")


def no_plan_line(exc: NoPlan) -> str:
    """The operator's line for NoPlan: an unknown --plan code lists the known ones."""
    if exc.plan_code and exc.known:
        known = ", ".join(exc.known)
        return f"no plan with code {exc.plan_code!r}; the imported plans are: {known}"
    return f"no plan is imported: import one with `{PROG} plan import FILE`"


@contextmanager
def plan_needed() -> Iterator[None]:
    """Word the use cases' NoPlan and OutsidePlan for the operator, one line each."""
    try:
        yield
    except NoPlan as exc:
        raise CliError(no_plan_line(exc)) from exc
    except OutsidePlan as exc:
        period = f"{exc.first:%Y-%m} to {exc.last:%Y-%m}"
        be = " – ".join(format_date(d, style="month", thai_digits=False) for d in exc.period)
        raise CliError(
            f"{exc.month:%Y-%m} is outside the plan's period, {period} ({be}); nothing was changed"
        ) from exc


def _local_iso(at: dt.datetime, settings: Settings) -> str:
    return at.astimezone(settings.tz).isoformat(timespec="minutes")


def _be(at: dt.datetime, settings: Settings) -> str:
    return format_datetime(at, settings.tz, lang="th", thai_digits=False)


def _flags(row: MeetingRow) -> list[str]:
    flags = [f"weekend ({row.day:%A})"] if row.weekend else []
    holiday = row.holiday("en")
    if holiday:
        flags.append(f"holiday: {holiday}")
    return flags


def _notice_json(n: PreviewNotice, settings: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": n.kind,
        "audience": n.audience,
        "due_at": _local_iso(n.due_at, settings),
        "due_be": _be(n.due_at, settings),
        "stale_at": _local_iso(n.stale_at, settings),
    }
    if n.audience == "coordinators":
        out["to"] = [{"coordinators": True, "recipients": list(t.names)} for t in n.to]
    else:
        out["to"] = [
            # Reminders go only to those still silent when due: these are the candidates.
            {
                "division": to.division_code,
                "name_th": to.division_name_th,
                "recipients": list(to.names),
            }
            for to in n.to
        ]
    return out


def _round_json(r: PreviewRound, settings: Settings) -> dict[str, Any]:
    return {
        "key": r.key,
        "kind": r.kind,
        "label_th": r.quarter.label("th") if r.quarter else None,
        "covers": {"start": r.covers_start.isoformat(), "end": r.covers_end.isoformat()},
        "opens_at": _local_iso(r.opens_at, settings),
        "closes_at": _local_iso(r.closes_at, settings),
        "closes_be": _be(r.closes_at, settings),
        "measures": list(r.measure_seqs),
        "notices": [_notice_json(n, settings) for n in r.notices],
    }


def _print_rounds(shown: list[dict[str, Any]]) -> None:
    for rnd in shown:
        measures = ", ".join(str(s) for s in rnd["measures"])
        print(f"{rnd['key']} ({rnd['kind']}) closes {rnd['closes_be']}  measures {measures}")
        for n in rnd["notices"]:
            to = "; ".join(
                ("coordinators" if t.get("coordinators") else f"{t['division']} {t['name_th']}")
                + (": " + ", ".join(t["recipients"]) if t["recipients"] else " (nobody enrolled)")
                for t in n["to"]
            )
            print(f"  {n['kind']:<9} {n['due_be']} ({n['due_at']})  -> {to}")
    if not shown:
        print("nothing scheduled in that range")


async def _schedule_command(args: argparse.Namespace, app: CliApp) -> int:
    if args.from_date and args.to_date and args.from_date > args.to_date:
        raise CliError(f"--from {args.from_date} is after --to {args.to_date}; swap them")
    with plan_needed():
        preview = await rounds.schedule_preview(app.core, args.from_date, args.to_date, args.plan)
    shown = [_round_json(r, app.settings) for r in preview.rounds]
    if args.json:
        payload = {"plan": preview.plan_code, "timezone": app.settings.timezone, "rounds": shown}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_rounds(shown)
    return 0


def operator() -> str:
    """Who is at the command line, for the audit log: the OS user."""
    try:
        return f"command line ({getpass.getuser()})"
    except (OSError, KeyError):  # no login name in some containers
        return "command line"


async def _parse_local(text: str, app: CliApp, plan_code: str | None) -> Typed:
    try:
        typed = read(text)
    except ValueError as exc:
        typed = None
        problem = f"{exc}; give the local date and time, e.g. 2022-01-26T09:30"
    else:
        # A bare date would be midnight, and the round would close at 00.00: ask for the time.
        problem = f"{text!r} has no time; give the meeting's local time too, e.g. {text}T09:30"
    if typed is None or not typed.has_time:
        # A missing plan is said first, as it is the first thing to fix.
        listed = await rounds.meetings(app.core, plan_code)
        raise CliError(f"{problem} (the plan's rule: {listed.rule}); nothing was changed")
    return typed


async def _meeting_set_command(args: argparse.Namespace, app: CliApp) -> int:
    with plan_needed():
        when = await _parse_local(args.when, app, args.plan)
        moved = await rounds.set_meeting(app.core, when.value, args.plan, by=operator())
    row, settings = moved.meeting, app.settings
    if when.was_be:
        print(f"read {args.when} as a Buddhist-era year: {when.value:%Y-%m-%dT%H:%M} C.E.")
    print(
        f"meeting of {month_key(row.month)} ({row.month:%B %Y}) set to "
        f"{_be(row.starts_at, settings)} ({_local_iso(row.starts_at, settings)}); "
        "the next tick moves the round's notices not yet sent"
    )
    if moved.notices:
        print(f"{moved.notices} 'meeting moved' notice(s) recorded for the divisions prompted")
    if moved.remarked:
        print(f"{moved.remarked} answer(s) re-marked late or on time by the new close")
    for flag in _flags(row):
        print(f"warning: {row.day.isoformat()} is a {flag}", file=sys.stderr)
    return 0


def _meeting_json(row: MeetingRow, settings: Settings) -> dict[str, Any]:
    return {
        "month": month_key(row.month),
        "starts_at": _local_iso(row.starts_at, settings),
        "starts_be": _be(row.starts_at, settings),
        "manual": row.manual,
        "flags": _flags(row),
    }


async def _meeting_list_command(args: argparse.Namespace, app: CliApp) -> int:
    with plan_needed():
        listed = await rounds.meetings(app.core, args.plan)
    rows = [_meeting_json(m, app.settings) for m in listed.rows]
    if args.json:
        payload = {"plan": listed.plan_code, "meetings": rows}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    print(f"{listed.name_th} — rule: {listed.rule}")
    for row in rows:
        flags = ["set by hand"] if row["manual"] else []
        flags += [f"WARNING {f}" for f in row["flags"]]
        extra = f"  [{'; '.join(flags)}]" if flags else ""
        print(f"{row['month']}  {row['starts_be']}  ({row['starts_at']}){extra}")
    return 0
