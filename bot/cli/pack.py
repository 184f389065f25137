"""`ita-followup pack`: the publication pack (reports, evidence, index.html) as one ZIP.

Refuses in one line, exit status 2, before any work when -o is not a writable .zip path,
and when the round key is unknown or there is no plan; ends with one line saying how many
files the pack holds and its size.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli.base import PROG, CliApp, CliError, check_writable, command
from bot.reports.pack_zip import size_text
from bot.reports.pdf import PdfUnavailable
from bot.usecases.pack import PackResult, pack_period, pack_round, pack_round_by_key
from bot.usecases.refusals import Refused


def register(sub: Any) -> None:
    """Add the `pack` command to bot.cli's subparsers."""
    pack = sub.add_parser(
        "pack",
        help="write the publication pack (reports, evidence files, index.html) as one ZIP",
    )
    which = pack.add_mutually_exclusive_group(required=True)
    which.add_argument("--round", metavar="KEY", help="round key, e.g. 2565-01 or 2565-Q1")
    which.add_argument(
        "--period", action="store_true", help="the whole plan period (the end-of-period report)"
    )
    pack.add_argument(
        "--plan", help="with --period: plan code (default: the current plan; see `plan list`)"
    )
    pack.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.zip")
    command(pack, _pack_command)


def check_target(path: Path) -> None:
    """Refuse an output that is not a .zip file in a folder this process can write."""
    if path.suffix.lower() != ".zip":
        raise CliError(f"the pack is a ZIP file: give -o FILE.zip (got {path})")
    check_writable(path)


def _refusal_line(refusal: Refused, key: str | None) -> CliError:
    if refusal.reason == "no_plan" and refusal.values.get("plan"):
        return CliError(f"no plan {refusal.values['plan']!r}; see `{PROG} plan list`")
    if refusal.reason == "no_plan":
        return CliError(f"no plan found: import one with `{PROG} plan import FILE`")
    return CliError(
        f"no round with key {key!r} (expected e.g. 2565-01 or 2565-Q1); "
        f"see `{PROG} schedule` for the rounds"
    )


def summary_line(result: PackResult) -> str:
    """The one line printed at the end: files, evidence, size, what is still being fetched."""
    line = (
        f"wrote {result.path}: {result.files} files ({result.evidence} evidence), "
        f"{size_text(result.size)}"
    )
    if result.pending == 1:
        line += "; 1 evidence file is still being fetched: listed in index.html, not packed"
    elif result.pending:
        line += (
            f"; {result.pending} evidence files are still being fetched: "
            "listed in index.html, not packed"
        )
    return line


async def _pack_command(args: argparse.Namespace, app: CliApp) -> int:
    check_target(args.output)
    if args.plan is not None and not args.period:
        raise CliError("--plan goes with --period (a round key names its plan's round)")
    try:
        if args.period:
            result = await pack_period(app.core, None, args.output, plan_code=args.plan)
        else:
            round_ = await pack_round_by_key(app.core, args.round)
            result = await pack_round(app.core, None, round_, args.output)
    except Refused as refusal:
        raise _refusal_line(refusal, args.round) from None
    except PdfUnavailable as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        if exc.filename is None:
            raise  # not a file: the database's connection (bot.cli words it)
        raise CliError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(summary_line(result))
    return 0
