"""`ita-followup report` and `ita-followup summary`: report files and the summary from a shell.

Registered into bot.cli's parser by `register`; `main` runs them. Bad input (an unknown
round key, an output path that cannot be written, no plan, no Thai font) is one line on
stderr and exit status 2; database trouble is reported by bot.cli like every command's.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from bot.cli.base import PROG, CliApp, CliError, command
from bot.present import round_label
from bot.settings import Settings
from bot.usecases.exports import FORMATS, export_period, export_round
from bot.usecases.refusals import Refused
from bot.usecases.summaries import choose_round, summary
from storage.read_models import RoundSummary


def register(sub: Any) -> None:
    """Add the `report` and `summary` commands to bot.cli's subparsers."""
    report = sub.add_parser("report", help="write a report file for a round or the plan period")
    which = report.add_mutually_exclusive_group(required=True)
    which.add_argument("--round", metavar="KEY", help="round key, e.g. 2565-01 or 2565-Q1")
    which.add_argument(
        "--period",
        action="store_true",
        help="the whole plan period (docx: the end-of-period report)",
    )
    report.add_argument("--format", choices=FORMATS, required=True)
    report.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    command(report, _report_command)
    summary = sub.add_parser("summary", help="print the summary of a round")
    summary.add_argument("--round", metavar="KEY", help="round key (default: the current round)")
    summary.add_argument("--json", action="store_true", help="machine-readable output")
    command(summary, _summary_command)


def _check_writable(path: Path) -> None:
    # Refuse before any work, so a typo in -o costs nothing and writes nothing.
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise CliError(f"cannot write {path}: it is a directory")
    if not parent.is_dir():
        raise CliError(f"cannot write {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CliError(f"cannot write {path}: permission denied")


async def _report_command(args: argparse.Namespace, app: CliApp) -> int:
    _check_writable(args.output)
    formats = [args.format]
    try:
        if args.period:
            files = await export_period(app.core, formats)
        else:
            round_ = await choose_round(app.core, None, args.round)
            files = (await export_round(app.core, None, round_, formats)).files
    except Refused as refusal:
        raise _cli_error(refusal, args.round) from None
    try:
        args.output.write_bytes(files[0].data)
    except OSError as exc:
        raise CliError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"wrote {args.output} ({len(files[0].data)} bytes)")
    return 0


async def _summary_command(args: argparse.Namespace, app: CliApp) -> int:
    try:
        view = await summary(app.core, None, args.round)
    except Refused as refusal:
        raise _cli_error(refusal, args.round) from None
    if args.json:
        print(json.dumps(summary_json(view.summary), ensure_ascii=False, indent=2))
    else:
        print(summary_text(view.summary, app.settings))
    return 0


def _cli_error(refusal: Refused, key: str | None) -> CliError:
    """The operator's English line for a refusal (the catalogs word it for the chat)."""
    if refusal.reason == "no_plan":
        return CliError(f"no plan found: import one with `{PROG} plan import FILE`")
    if refusal.reason == "no_round":
        return CliError("there is no round yet")
    return CliError(f"no round with key {key!r} (expected e.g. 2565-01 or 2565-Q1)")


def summary_json(summary: RoundSummary) -> dict[str, Any]:
    """The summary as plain JSON-ready data."""
    r = summary.round
    return {
        "round": {
            "key": r.key,
            "kind": r.kind,
            "label_th": round_label(r, "th"),
            "opens_at": r.opens_at.isoformat(),
            "closes_at": r.closes_at.isoformat(),
            "meeting_at": r.meeting_at.isoformat() if r.meeting_at else None,
        },
        "owed": summary.owed,
        "answered": summary.answered,
        "late": summary.late,
        "measures": [
            {
                "seq": m.measure.seq,
                "title_th": m.measure.title_th,
                "owed": m.owed,
                "answered": m.answered,
                "counts": dict(m.counts),
                "late": m.late,
                "missing": [d.code for d in m.missing],
            }
            for m in summary.measures
        ],
    }


def summary_text(summary: RoundSummary, settings: Settings) -> str:
    """The summary for a terminal: English frame, the plan's Thai titles as written."""
    r = summary.round
    closes = r.closes_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
    lines = [
        f"round {r.key} ({r.kind}) {round_label(r, 'th')}, closes {closes} {settings.timezone}",
        f"answered {summary.answered}/{summary.owed}, late {summary.late}",
        "",
    ]
    for m in summary.measures:
        counts = " ".join(f"{status}={n}" for status, n in m.counts)
        lines.append(f"{m.measure.seq}. {m.measure.title_th}")
        lines.append(f"   answered {m.answered}/{m.owed}  {counts}  late={m.late}")
        if m.missing:
            lines.append("   missing: " + ", ".join(d.code for d in m.missing))
    return "\n".join(lines)
