"""`ita-followup schedule` (preview every notification) and `ita-followup meeting set|list`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.base import CliApp, CliError, command, subcommands
from bot.settings import Settings
from scheduler.planner import PlannedNotice, PlannedRound, month_key
from scheduler.schedule import MeetingView, PlanSchedule, load_schedule
from scheduler.thaidate import format_datetime
from scheduler.workdays import WorkCalendar
from storage.db import session_factory
from storage.models import Plan
from storage.people import coordinators, division_people
from storage.plan_queries import current_plan
from storage.rounds import divisions_by_id, plan_by_code, set_meeting


def register(sub: Any) -> None:
    """Add the `schedule` and `meeting` commands to the CLI's subparsers."""
    schedule = sub.add_parser("schedule", help="preview every notification, without sending")
    command(schedule, _schedule_command)
    schedule.add_argument("--json", action="store_true", help="machine-readable output")
    schedule.add_argument("--from", dest="from_date", type=dt.date.fromisoformat, help="YYYY-MM-DD")
    schedule.add_argument("--to", dest="to_date", type=dt.date.fromisoformat, help="YYYY-MM-DD")
    schedule.add_argument("--plan", help="plan code (default: the newest plan)")
    meeting = subcommands(sub, "meeting", "the monthly meetings", "meeting_command")
    mset = meeting.add_parser("set", help="move or add the meeting of a month (local time)")
    command(mset, _meeting_set_command)
    mset.add_argument("when", help="local date and time in TIMEZONE, e.g. 2022-01-26T09:30")
    mset.add_argument("--plan", help="plan code (default: the newest plan)")
    mlist = meeting.add_parser("list", help="list the meetings with flags")
    command(mlist, _meeting_list_command)
    mlist.add_argument("--plan", help="plan code (default: the newest plan)")
    mlist.add_argument("--json", action="store_true", help="machine-readable output")


async def _plan(session: AsyncSession, code: str | None) -> Plan:
    plan = await (plan_by_code(session, code) if code else current_plan(session))
    if plan is None:
        raise CliError("no plan found: import one with `ita-followup plan import FILE`")
    return plan


async def _schedule_command(args: argparse.Namespace, app: CliApp) -> int:
    async with session_factory(app.engine)() as session:
        return await _schedule(session, await _plan(session, args.plan), app.settings, args)


async def _meeting_set_command(args: argparse.Namespace, app: CliApp) -> int:
    async with session_factory(app.engine)() as session:
        return await _meeting_set(session, await _plan(session, args.plan), app.settings, args.when)


async def _meeting_list_command(args: argparse.Namespace, app: CliApp) -> int:
    async with session_factory(app.engine)() as session:
        plan = await _plan(session, args.plan)
        return await _meeting_list(session, plan, app.settings, args.json)


def _local_iso(at: dt.datetime, settings: Settings) -> str:
    return at.astimezone(settings.tz).isoformat(timespec="minutes")


def _be(at: dt.datetime, settings: Settings) -> str:
    return format_datetime(at, settings.tz, lang="th", thai_digits=False)


def _flags(day: dt.date, calendar: WorkCalendar) -> list[str]:
    flags = []
    if day.weekday() >= 5:
        flags.append(f"weekend ({day:%A})")
    name = calendar.holiday_name(day, "en")
    if name:
        flags.append(f"holiday: {name}")
    return flags


async def _load(session: AsyncSession, plan: Plan, settings: Settings) -> PlanSchedule:
    return await load_schedule(
        session, plan, WorkCalendar(), settings.planner_config(), settings.tz, materialize=False
    )


async def _schedule(
    session: AsyncSession, plan: Plan, settings: Settings, args: argparse.Namespace
) -> int:
    schedule = await _load(session, plan, settings)
    seqs = {m.id: m.seq for m in schedule.measures}
    all_divisions = {d for r in schedule.rounds for d in r.division_ids}
    divisions = await divisions_by_id(session, all_divisions)
    people = {d: [p.name for p in await division_people(session, d)] for d in all_divisions}
    coordinator_names = [p.name for p in await coordinators(session)]

    def in_range(n: PlannedNotice) -> bool:
        day = n.due_at.astimezone(settings.tz).date()
        return (args.from_date is None or day >= args.from_date) and (
            args.to_date is None or day <= args.to_date
        )

    def notice_json(r: PlannedRound, n: PlannedNotice) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": n.kind,
            "audience": n.audience,
            "due_at": _local_iso(n.due_at, settings),
            "due_be": _be(n.due_at, settings),
            "stale_at": _local_iso(n.stale_at, settings),
        }
        if n.audience == "coordinators":
            out["to"] = [{"coordinators": True, "recipients": coordinator_names}]
        else:
            out["to"] = [
                {
                    "division": divisions[d].code,
                    "name_th": divisions[d].name_th,
                    # Reminders go only to those still silent when due: these are the candidates.
                    "recipients": people[d],
                }
                for d in r.division_ids
            ]
        return out

    rounds: list[dict[str, Any]] = []
    for r in schedule.rounds:
        notices = [notice_json(r, n) for n in r.notices if in_range(n)]
        if not notices:
            continue
        rounds.append(
            {
                "key": r.key,
                "kind": r.kind,
                "label_th": r.quarter.label("th") if r.quarter else None,
                "covers": {"start": r.covers_start.isoformat(), "end": r.covers_end.isoformat()},
                "opens_at": _local_iso(r.opens_at, settings),
                "closes_at": _local_iso(r.closes_at, settings),
                "closes_be": _be(r.closes_at, settings),
                "measures": sorted(seqs[m] for m in r.measure_ids),
                "notices": notices,
            }
        )
    if args.json:
        payload = {"plan": plan.code, "timezone": settings.timezone, "rounds": rounds}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    for rnd in rounds:
        measures = ", ".join(str(s) for s in rnd["measures"])
        print(f"{rnd['key']} ({rnd['kind']}) closes {rnd['closes_be']}  measures {measures}")
        for n in rnd["notices"]:
            to = "; ".join(
                ("coordinators" if t.get("coordinators") else f"{t['division']} {t['name_th']}")
                + (": " + ", ".join(t["recipients"]) if t["recipients"] else " (nobody enrolled)")
                for t in n["to"]
            )
            print(f"  {n['kind']:<9} {n['due_be']} ({n['due_at']})  -> {to}")
    if not rounds:
        print("nothing scheduled in that range")
    return 0


def _parse_local(text: str, settings: Settings) -> dt.datetime:
    from bot.cli.base import CliError

    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise CliError(f"{text!r} is not a date and time such as 2022-01-26T09:30") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=settings.tz)
    return value


async def _meeting_set(session: AsyncSession, plan: Plan, settings: Settings, text: str) -> int:
    starts = _parse_local(text, settings)
    local = starts.astimezone(settings.tz)
    month = local.date().replace(day=1)
    # The plan lookup already began the session's transaction: write within it and commit.
    await set_meeting(session, plan.id, month, starts.astimezone(dt.UTC))
    await session.commit()
    print(
        f"meeting of {month_key(month)} ({month:%B %Y}) set to {_be(starts, settings)} "
        f"({_local_iso(starts, settings)}); the next tick moves the round's notices"
    )
    for flag in _flags(local.date(), WorkCalendar()):
        print(f"warning: {local.date().isoformat()} is a {flag}", file=sys.stderr)
    return 0


def _meeting_row(m: MeetingView, settings: Settings, calendar: WorkCalendar) -> dict[str, Any]:
    day = m.starts_at.astimezone(settings.tz).date()
    return {
        "month": month_key(m.month),
        "starts_at": _local_iso(m.starts_at, settings),
        "starts_be": _be(m.starts_at, settings),
        "manual": m.manual,
        "flags": _flags(day, calendar),
    }


async def _meeting_list(
    session: AsyncSession, plan: Plan, settings: Settings, as_json: bool
) -> int:
    schedule = await _load(session, plan, settings)
    calendar = WorkCalendar()
    rows = [_meeting_row(m, settings, calendar) for m in schedule.meetings]
    if as_json:
        print(json.dumps({"plan": plan.code, "meetings": rows}, ensure_ascii=False, indent=2))
        return 0
    print(f"{plan.meeting_name_th} — rule: {plan.meeting_rule}")
    for row in rows:
        flags = ["set by a coordinator"] if row["manual"] else []
        flags += [f"WARNING {f}" for f in row["flags"]]
        extra = f"  [{'; '.join(flags)}]" if flags else ""
        print(f"{row['month']}  {row['starts_be']}  ({row['starts_at']}){extra}")
    return 0
