"""`ita-followup report` and `ita-followup summary`: report files and the summary from a shell.

Registered into bot.cli's parser by `register`; `main` runs them. Bad input (an unknown
round key, an output path that cannot be written, no plan, no Thai font, no LibreOffice for
a PDF) is one line on stderr and exit status 2; database trouble is reported by bot.cli
like every command's.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from bot.cli.base import PROG, CliApp, CliError, check_writable, command
from bot.cli.dates import cli_date
from bot.present import round_label
from bot.reports.pdf import PdfUnavailable
from bot.settings import Settings
from bot.usecases.exports import ReportFile, Span, export_period, export_round
from bot.usecases.planned import planned_export, planned_summary
from bot.usecases.refusals import Refused
from bot.usecases.summaries import choose_round, summary
from scheduler.thaidate import format_datetime
from storage.read_models import RoundInfo, RoundSummary

# What --format takes (the memo has its own flag); pdf is the docx report made by LibreOffice.
FILE_FORMATS = ("xlsx", "docx", "csv", "png", "pdf")


def register(sub: Any) -> None:
    """Add the `report` and `summary` commands to bot.cli's subparsers."""
    report = sub.add_parser("report", help="write a report file for a round or the plan period")
    which = report.add_mutually_exclusive_group(required=True)
    which.add_argument("--round", metavar="KEY", help="round key, e.g. 2565-01 or 2565-Q1")
    which.add_argument(
        "--period",
        action="store_true",
        help="the whole plan period (docx, pdf: the end-of-period report)",
    )
    report.add_argument(
        "--from", dest="from_date", type=cli_date, help="with --period: first day, YYYY-MM-DD"
    )
    report.add_argument(
        "--to", dest="to_date", type=cli_date, help="with --period: last day, YYYY-MM-DD"
    )
    report.add_argument(
        "--plan", help="with --period: plan code (default: the current plan; see `plan list`)"
    )
    report.add_argument("--format", choices=FILE_FORMATS, help="default: from the -o extension")
    report.add_argument(
        "--memo",
        action="store_true",
        help="the cover memo to the mayor (a .docx) instead of the report itself",
    )
    report.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    command(report, _report_command)
    summary = sub.add_parser("summary", help="print the summary of a round")
    summary.add_argument("--round", metavar="KEY", help="round key (default: the current round)")
    summary.add_argument("--json", action="store_true", help="machine-readable output")
    command(summary, _summary_command)


def report_format(args: argparse.Namespace) -> str:
    """The format asked for, checked against the -o extension (they must agree)."""
    ext = args.output.suffix.lower().lstrip(".")
    if args.memo:
        if args.format not in (None, "docx") or ext != "docx":
            raise CliError(f"--memo writes a .docx file; got -o {args.output}")
        return "memo"
    fmt = args.format or ext
    if fmt not in FILE_FORMATS:
        raise CliError(f"cannot tell the format of {args.output}: give --format or -o FILE.xlsx")
    if ext != fmt:
        raise CliError(f"--format {fmt} does not match -o {args.output}: use a .{fmt} file name")
    return str(fmt)


def report_span(args: argparse.Namespace) -> Span | None:
    """The part of the plan period that --from/--to name (both or neither, with --period)."""
    if args.from_date is None and args.to_date is None:
        return None
    if not args.period:
        raise CliError("--from and --to go with --period (a round is named with --round)")
    if args.from_date is None or args.to_date is None:
        raise CliError("give both --from and --to, e.g. --from 2021-10-01 --to 2022-03-31")
    if args.from_date > args.to_date:
        raise CliError(f"--from {args.from_date} is after --to {args.to_date}; swap them")
    return Span(args.from_date, args.to_date)


async def _report_command(args: argparse.Namespace, app: CliApp) -> int:
    # Refuse before any work, so a mistake costs nothing and writes nothing.
    check_writable(args.output)
    formats = [report_format(args)]
    span = report_span(args)
    if args.plan is not None and not args.period:
        raise CliError("--plan goes with --period (a round key names its plan's round)")
    planned: RoundInfo | None = None
    try:
        if args.period:
            files = await export_period(app.core, formats, span=span, plan_code=args.plan)
        else:
            files, planned = await _round_files(app, args.round, formats)
    except Refused as refusal:
        raise _cli_error(refusal, args.round) from None
    except PdfUnavailable as exc:
        raise CliError(str(exc)) from None
    try:
        args.output.write_bytes(files[0].data)
    except OSError as exc:
        raise CliError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"wrote {args.output} ({len(files[0].data)} bytes)")
    if planned is not None:
        print(_not_yet_open(planned, app))
    return 0


async def _round_files(
    app: CliApp, key: str, formats: list[str]
) -> tuple[tuple[ReportFile, ...], RoundInfo | None]:
    """The round's files, and the round when it is only planned (the tick has not made it)."""
    try:
        round_ = await choose_round(app.core, None, key)
    except Refused as refusal:
        if refusal.reason != "unknown_round":
            raise
        made = await planned_export(app.core, key, formats)  # Refused again if not listed
        return made.files, made.round
    return (await export_round(app.core, None, round_, formats)).files, None


def _not_yet_open(round_: RoundInfo, app: CliApp) -> str:
    """The line that says a round is shown as planned, with the time it opens."""
    opens = format_datetime(round_.opens_at, app.settings.tz, lang="th", thai_digits=False)
    return f"not yet open: the round opens {opens} ({app.settings.timezone}); nothing asked yet"


async def _summary_command(args: argparse.Namespace, app: CliApp) -> int:
    planned = False
    try:
        view = await summary(app.core, None, args.round)
    except Refused as refusal:
        if refusal.reason != "unknown_round":
            raise _cli_error(refusal, args.round) from None
        # Not made yet: the schedule may list it (the tick makes a round at its opening).
        try:
            view, planned = await planned_summary(app.core, args.round), True
        except Refused as unknown:
            raise _cli_error(unknown, args.round) from None
    tz = app.settings.tz
    if args.json:
        payload = summary_json(view.summary, tz) | {"not_yet_open": planned}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    print(summary_text(view.summary, app.settings))
    if planned:
        print(_not_yet_open(view.summary.round, app))
    return 0


def _cli_error(refusal: Refused, key: str | None) -> CliError:
    """The operator's English line for a refusal (the catalogs word it for the chat)."""
    if refusal.reason == "no_plan" and refusal.values.get("plan"):
        return CliError(f"no plan {refusal.values['plan']!r}; see `{PROG} plan list`")
    if refusal.reason == "no_plan":
        return CliError(f"no plan found: import one with `{PROG} plan import FILE`")
    if refusal.reason == "no_round":
        return CliError("there is no round yet")
    if refusal.reason == "no_round_in_span":
        start, end = refusal.values["start"], refusal.values["end"]
        return CliError(
            f"no round of the plan lies wholly between {start} and {end}; "
            f"see `{PROG} schedule` for the rounds and their months"
        )
    return CliError(f"no round with key {key!r} (expected e.g. 2565-01 or 2565-Q1)")


def _local(at: datetime, tz: tzinfo) -> str:
    """ISO 8601 in local time with its offset (+07:00), as `schedule --json` writes."""
    return at.astimezone(tz).isoformat(timespec="minutes")


def summary_json(summary: RoundSummary, tz: tzinfo) -> dict[str, Any]:
    """The summary as plain JSON-ready data, times local."""
    r = summary.round
    return {
        "round": {
            "key": r.key,
            "kind": r.kind,
            "label_th": round_label(r, "th"),
            "opens_at": _local(r.opens_at, tz),
            "closes_at": _local(r.closes_at, tz),
            "meeting_at": _local(r.meeting_at, tz) if r.meeting_at else None,
        },
        "owed": summary.owed,
        "answered": summary.answered,
        "late": summary.late,
        "review": {
            "accepted": summary.accepted,
            "returned": summary.returned,
            "awaiting": summary.awaiting,
        },
        "measures": [
            {
                "seq": m.measure.seq,
                "title_th": m.measure.title_th,
                "owed": m.owed,
                "answered": m.answered,
                "counts": dict(m.counts),
                "late": m.late,
                "review": {"accepted": m.accepted, "returned": m.returned, "awaiting": m.awaiting},
                "missing": [d.code for d in m.missing],
            }
            for m in summary.measures
        ],
    }


def summary_text(summary: RoundSummary, settings: Settings) -> str:
    """The summary for a terminal: English frame, the plan's Thai titles as written."""
    r = summary.round
    # B.E. dates in local time with Arabic digits, as `schedule` prints them.
    closes = format_datetime(r.closes_at, settings.tz, lang="th", thai_digits=False)
    lines = [
        f"round {r.key} ({r.kind}) {round_label(r, 'th')}, closes {closes} ({settings.timezone})",
        f"answered {summary.answered}/{summary.owed}, late {summary.late}",
        f"review: accepted {summary.accepted}, returned {summary.returned}, "
        f"awaiting {summary.awaiting}",
        "",
    ]
    for m in summary.measures:
        counts = " ".join(f"{status}={n}" for status, n in m.counts)
        review = f"accepted={m.accepted} returned={m.returned} awaiting={m.awaiting}"
        lines.append(f"{m.measure.seq}. {m.measure.title_th}")
        lines.append(f"   answered {m.answered}/{m.owed}  {counts}  late={m.late}  {review}")
        if m.missing:
            lines.append("   missing: " + ", ".join(d.code for d in m.missing))
    return "\n".join(lines)
